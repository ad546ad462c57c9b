// A problem as the reader's language says it. The API's titles and details are English; in Bahasa
// Indonesia the page says each known problem type from its stable code and structured fields
// (needed, remaining, otherVillage, field), and falls back to the API's words for the rest.
import { lang, maybe as say } from './i18n.js';
import { rupiah } from './format.js';

const quotes = { 'budget-exceeded': ['needed', 'remaining'], 'enrolled-elsewhere': ['otherVillage'] };

/** { title, detail } for a Problem (api.js) or a plain problem object (a batch row's error). */
export function explain(problem) {
  const p = { ...(problem.extensions ?? {}), ...problem };
  if (lang() !== 'id' || !p.code) return { title: p.title, detail: p.detail };
  const values = {
    needed: p.needed == null ? '' : rupiah(p.needed),
    remaining: p.remaining == null ? '' : rupiah(p.remaining),
    otherVillage: p.otherVillage ?? '',
  };
  // A detail that quotes a figure is used only when the problem carries it.
  const complete = (quotes[p.code] ?? []).every((name) => p[name] != null);
  const detail = (p.field ? say(`problemField.${p.code}.${p.field}`, values) : null)
    ?? (complete ? say(`problemDetail.${p.code}`, values) : null)
    ?? p.detail;
  return { title: say(`problemCode.${p.code}`, values) ?? p.title, detail };
}

/** One line for a table cell: "title: detail". */
export function explainLine(problem) {
  const { title, detail } = explain(problem);
  return [title, detail].filter(Boolean).join(': ');
}
