// "Berakhir dalam 30 hari": the village's workers whose coverage ends within 30 days and is not
// renewed (GET .../enrollments/ending-soon), each with a box to tick, and the renewal of those chosen
// (or of every worker of the year before) into a budget year's programme, each worker's result shown.
import { t } from '../i18n.js';
import { el, replace, problemBox, notice, simpleTable, tickTable, keepListed } from '../ui.js';
import { call, get } from '../api.js';
import { count, date, rupiah } from '../format.js';
import { explainLine } from '../problems.js';
import { allPrograms } from './village-programs.js';

/** The most the list shows at once: a village's target is about a hundred workers. */
const shown = 500;

const period = (e) => `${e.year} · ${e.fundingSource}${e.cohort === 'apparatus' ? ` · ${t('cohort.apparatus')}` : ''}`;

/**
 * The year to renew into unless the operator picks another: the year after the listed workers'
 * programme (this year's block ending across the year end goes into next year's budget), never
 * before this year.
 */
export function defaultRenewalYear(items, thisYear) {
  if (items.length === 0) return thisYear + 1;
  return Math.max(thisYear, Math.min(...items.map((e) => e.year)) + 1);
}

export function endingPanel(code, current, refresh, signedIn) {
  const list = el('div', { id: 'ending-list' });
  const listProblem = el('div', { class: 'slot' });
  const slot = el('div', { class: 'slot', 'aria-live': 'polite', id: 'renewal-outcome' });
  const results = el('div', { id: 'renewal-results' });
  const year = el('select', { id: 'renewal-year', name: 'year' });
  const renewChosen = el('button', { type: 'button', class: 'button', id: 'renew-chosen' });
  const renewAll = el('button', { type: 'button', class: 'button quiet', id: 'renew-all' });
  let items = [];
  let total = 0;
  let picked = false; // the operator chose a year: keep it
  const chosen = new Set();

  const drawButtons = () => {
    renewChosen.textContent = t('ending.renewChosen', { count: count(chosen.size) });
    renewChosen.disabled = chosen.size === 0;
    renewAll.textContent = t('ending.renewAll', { previous: Number(year.value) - 1 });
  };
  const drawYears = () => {
    const village = current();
    const opened = new Set(allPrograms(village).map((p) => p.year));
    const wanted = picked ? Number(year.value) : defaultRenewalYear(items, village.year);
    const years = [...new Set([village.year, village.year + 1, wanted])].sort();
    replace(year, years.map((y) => el('option', { value: y, selected: y === wanted },
      opened.has(y) ? String(y) : t('ending.yearWithout', { year: y }))));
    drawButtons();
  };
  const drawList = () => {
    if (items.length === 0) {
      replace(list, el('p', { class: 'empty' }, t('ending.none')));
      return;
    }
    replace(list,
      tickTable('ending-table', {
        allId: 'ending-choose-all', allLabel: t('ending.chooseAll'), items, chosen, changed: drawButtons,
        key: (e) => e.enrollmentId, label: (e) => t('ending.choose', { name: e.name }), attributes: (e) => ({ dataset: { enrollment: e.enrollmentId } }),
        columns: [{ label: t('column.name') }, { label: t('column.nik') }, { label: t('column.occupation') },
          { label: t('column.coverageEnd') }, { label: t('column.period') }, { label: t('column.premium'), number: true }],
        cells: (e) => [e.name, e.nik, t(`occupation.${e.occupation}`, {}, e.occupation), date(e.coverageEnd), period(e), rupiah(e.monthlyPremium)],
      }),
      total > items.length ? el('p', { class: 'hint' }, t('ending.more', { shown: count(items.length), total: count(total) })) : null);
    drawButtons();
  };

  const load = async () => {
    if (!signedIn) return;
    try {
      const page = await get(`/api/villages/${code}/enrollments/ending-soon?limit=${shown}`);
      items = page.items;
      total = page.total;
      replace(listProblem);
    } catch (problem) {
      items = [];
      replace(listProblem, problemBox(problem));
    }
    keepListed(chosen, items, (e) => e.enrollmentId);
    drawYears();
    drawList();
  };

  /** ids: the enrolments chosen; null: every worker of the year before (the API's empty body). */
  const renew = async (ids) => {
    const into = Number(year.value);
    if (ids && ids.length === 0) { replace(slot, notice(t('ending.noneChosen'), 'warn')); return; }
    if (!ids && !window.confirm(t('ending.confirmAll', { previous: into - 1, year: into }))) return;
    [renewChosen, renewAll].forEach((b) => { b.disabled = true; });
    try {
      const { body } = await call(`/api/villages/${code}/programs/${into}/renewals`, { method: 'POST', json: ids ? { enrollmentIds: ids } : undefined });
      replace(slot, notice(t('ending.summary', body), body.renewed === body.workers ? 'ok' : 'warn'));
      replace(results, body.results.length ? resultTable(body) : null);
      chosen.clear();
      await refresh();
    } catch (problem) {
      replace(slot, problemBox(problem));
    } finally {
      drawButtons();
      renewAll.disabled = false;
    }
  };
  renewChosen.addEventListener('click', () => renew([...chosen]));
  renewAll.addEventListener('click', () => renew(null));
  year.addEventListener('change', () => { picked = true; drawButtons(); });

  const element = el('div', { id: 'ending-soon' },
    el('p', { class: 'hint' }, signedIn ? t('ending.hint') : t('ending.signIn')),
    signedIn ? [listProblem, list,
      el('div', { class: 'actions form inline' }, el('label', {}, t('ending.year'), year), renewChosen, renewAll), slot, results] : null);
  return { element, reload: load };
}

/** One row per worker considered: the result in the page's language and what it means for them. */
function resultTable(answer) {
  const detail = (r) => {
    if (r.error) return explainLine(r.error);
    const last = r.enrollment?.periods?.at(-1); // the period the renewal added
    if (r.result === 'renewed' && last) {
      return t('renewalDetail.renewed', { start: date(last.coverageStart), end: date(last.coverageEnd), source: `${last.year} ${last.fundingSource}`, premium: rupiah(last.monthlyPremium) });
    }
    return t(`renewalDetail.${r.result}`, { year: answer.year });
  };
  return simpleTable('renewal-results-table', [{ label: t('column.name') }, { label: t('column.nik') }, { label: t('column.result') }, { label: t('column.detail') }],
    answer.results.map((r) => ({
      attributes: { dataset: { enrollment: r.enrollmentId, result: r.result } },
      cells: [r.enrollment?.name ?? '', r.nik, el('span', { class: `result result-${r.result}` }, t(`renewal.${r.result}`, {}, r.result)), detail(r)],
    })));
}
