// Calls to the Villages API. Every failure becomes a Problem carrying the RFC 9457 title and detail.
import { token } from './session.js';
import { t } from './i18n.js';

export class Problem extends Error {
  constructor({ status = 0, title, detail, code, type, ...extensions }) {
    super(detail || title);
    Object.assign(this, { status, title, detail, code, type, extensions });
  }
}

/** The request with the signed-in caller's bearer token, if any. */
function send(path, { method = 'GET', json, body, contentType, headers = {} } = {}) {
  const all = { Accept: 'application/json, application/problem+json', ...headers };
  const bearer = token();
  if (bearer) all.Authorization = `Bearer ${bearer}`;
  if (json !== undefined) { all['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  else if (contentType) all['Content-Type'] = contentType;
  return fetch(path, { method, headers: all, body }).catch(() => {
    throw new Problem({ title: t('problem.network'), detail: t('problem.networkDetail') });
  });
}

async function fail(response) {
  const type = response.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try { return new Problem({ status: response.status, ...(await response.json()) }); } catch { /* not JSON after all */ }
  }
  return new Problem({ status: response.status, title: `${response.status} ${response.statusText}`, detail: t('problem.unexpected') });
}

/** JSON in, JSON out; resolves to { status, body, location } so callers can tell 201 from 200. */
export async function call(path, options) {
  const response = await send(path, options);
  if (!response.ok) throw await fail(response);
  const body = response.status === 204 ? null : await response.json();
  return { status: response.status, body, location: response.headers.get('Location') };
}

export const get = async (path) => (await call(path)).body;

/** Fetches a file with the Authorization header (a plain link could not send it) and saves it. */
export async function download(path, fallbackName) {
  const response = await send(path, { headers: { Accept: 'text/csv, application/problem+json' } });
  if (!response.ok) throw await fail(response);
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** Polls a background job (an import, a reconciliation) every second while it runs, drawing it each time. */
export async function followJob(job, pathOf, draw, signal) {
  while (!signal.aborted) {
    draw(job);
    if (job.state !== 'running') return;
    await new Promise((resolve) => { setTimeout(resolve, 1000); });
    job = await get(pathOf(job));
  }
}
