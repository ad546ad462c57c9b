// Names of regions met so far (from progress and village answers), for breadcrumbs of deep links.
import { get } from './api.js';
import { nation } from './router.js';

const known = new Map();

export function remember(code, name) {
  if (code && name) known.set(code, name);
}

/** The names of these codes: known ones at once, the others from their progress (in the background). */
export async function namesOf(codes) {
  await Promise.all(codes.filter((code) => code !== nation && !known.has(code)).map(async (code) => {
    try {
      const progress = await get(code === nation ? '/api/progress' : `/api/progress/${code}`);
      remember(code, progress.region.name);
    } catch { /* a crumb without its name still links */ }
  }));
  return codes.map((code) => known.get(code) ?? code);
}

export const nameOf = (code) => known.get(code) ?? code;
