// For a BPJS branch: the village's workers whose membership ended for arrears (status terminated),
// each to tick, a reason (required), and their reinstatement (POST .../programs/{year}/reinstatements,
// one call per budget year of those chosen) with each worker's result said in the page's language.
import '../i18n-bpjs.js'; // this screen's words
import { t } from '../i18n.js';
import { el, replace, problemBox, notice, simpleTable, tickTable, keepListed } from '../ui.js';
import { call, get } from '../api.js';
import { count, date } from '../format.js';
import { caller } from '../session.js';

/** The most enrolments a page of the API holds: a village's few hundred workers are one or two calls. */
const page = 500;

export const mayReinstate = () => caller()?.roles.includes('bpjs-branch') ?? false;

const period = (e) => `${e.year} · ${e.fundingSource}${e.cohort === 'apparatus' ? ` · ${t('cohort.apparatus')}` : ''}`;

/** Every enrolment of the village whose membership was terminated. */
async function terminated(code) {
  const all = [];
  for (let offset = 0; ; offset += page) {
    const { items, total } = await get(`/api/villages/${code}/enrollments?offset=${offset}&limit=${page}`);
    all.push(...items);
    if (items.length === 0 || offset + items.length >= total) break;
  }
  return all.filter((e) => e.status === 'terminated');
}

export function reinstatePanel(code, refresh) {
  const list = el('div', { id: 'reinstate-list' });
  const listProblem = el('div', { class: 'slot' });
  const reason = el('input', { id: 'reinstate-reason', name: 'reason', maxlength: 500, placeholder: t('reinstate.reasonHint'), autocomplete: 'off' });
  const button = el('button', { type: 'button', class: 'button', id: 'reinstate-chosen' });
  const slot = el('div', { class: 'slot', 'aria-live': 'polite', id: 'reinstate-outcome' });
  const results = el('div', { id: 'reinstate-results' });
  const chosen = new Set();
  let items = [];

  const drawButton = () => {
    button.textContent = t('reinstate.submit', { count: count(chosen.size) });
    button.disabled = chosen.size === 0;
  };
  const drawList = () => {
    if (items.length === 0) { replace(list, el('p', { class: 'empty' }, t('reinstate.none'))); drawButton(); return; }
    replace(list, tickTable('reinstate-table', {
      allId: 'reinstate-choose-all', allLabel: t('reinstate.chooseAll'), items, chosen, changed: drawButton,
      key: (e) => e.enrollmentId, label: (e) => t('reinstate.choose', { name: e.name }), attributes: (e) => ({ dataset: { enrollment: e.enrollmentId } }),
      columns: [{ label: t('column.name') }, { label: t('column.nik') }, { label: t('column.period') }, { label: t('column.coverageEnd') }],
      cells: (e) => [e.name, e.nik, period(e), date(e.coverageEnd)],
    }));
    drawButton();
  };

  const reload = async () => {
    try {
      items = await terminated(code);
      replace(listProblem);
    } catch (problem) {
      items = [];
      replace(listProblem, problemBox(problem));
    }
    keepListed(chosen, items, (e) => e.enrollmentId);
    drawList();
  };

  button.addEventListener('click', async () => {
    if (chosen.size === 0) { replace(slot, notice(t('reinstate.noneChosen'), 'warn')); return; }
    if (!reason.value.trim()) { reason.setCustomValidity(t('reinstate.reason')); reason.reportValidity(); return; }
    const byYear = new Map(); // a village's older phones: no Map.groupBy
    items.filter((e) => chosen.has(e.enrollmentId)).forEach((e) => byYear.set(e.year, [...(byYear.get(e.year) ?? []), e]));
    const names = new Map(items.map((e) => [e.enrollmentId, e]));
    button.disabled = true;
    try {
      const answers = [];
      for (const [year, workers] of byYear) {
        const { body } = await call(`/api/villages/${code}/programs/${year}/reinstatements`, {
          method: 'POST', json: { enrollmentIds: workers.map((e) => e.enrollmentId), reason: reason.value.trim() },
        });
        answers.push(body);
      }
      const all = answers.flatMap((a) => a.results.map((r) => ({ ...r, year: a.year })));
      const reinstated = answers.reduce((sum, a) => sum + a.reinstated, 0);
      replace(slot, notice(t('reinstate.summary', { reinstated: count(reinstated), workers: count(all.length) }), reinstated === all.length ? 'ok' : 'warn'));
      replace(results, resultTable(all, names));
      chosen.clear();
      await refresh();
    } catch (problem) {
      replace(slot, problemBox(problem));
    } finally {
      drawButton();
    }
  });
  reason.addEventListener('input', () => reason.setCustomValidity(''));

  const element = el('div', { id: 'reinstatement' },
    el('p', { class: 'hint' }, t('reinstate.hint')),
    listProblem, list,
    el('div', { class: 'actions form inline' }, el('label', {}, t('reinstate.reason'), reason), button),
    slot, results);
  drawButton();
  return { element, reload };
}

/** One row per worker: the result in the page's language and what it means for them. */
function resultTable(results, names) {
  const detail = (r) => (r.result === 'reinstated'
    ? t('reinstatementDetail.reinstated', { end: date(r.enrollment?.coverageEnd) })
    : t(`reinstatementDetail.${r.result}`, { year: r.year }, r.detail ?? ''));
  return simpleTable('reinstate-results-table', [{ label: t('column.name') }, { label: t('column.nik') }, { label: t('column.result') }, { label: t('column.detail') }],
    results.map((r) => ({
      attributes: { dataset: { enrollment: r.enrollmentId, result: r.result } },
      cells: [r.enrollment?.name ?? names.get(r.enrollmentId)?.name ?? '', r.enrollment?.nik ?? names.get(r.enrollmentId)?.nik ?? '',
        el('span', { class: `result result-${r.result}` }, t(`reinstatement.${r.result}`, {}, r.result)), detail(r)],
    })));
}
