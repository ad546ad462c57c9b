// A village's programmes: this year's (each funder and cohort, with its money and workers) and the
// other years', and the operator's form to open or change one (a year, a funder, a cohort), which
// also adds a second funder to a year.
import { t } from '../i18n.js';
import { el, replace, notice, simpleTable, form, field } from '../ui.js';
import { call } from '../api.js';
import { count, rupiah } from '../format.js';
import { number } from './village-forms.js';

export const funders = ['SD', 'SA', 'SL'];
export const defaultFunder = (village) => (village.kind === 'kelurahan' ? 'SA' : 'SD');

/** "2026 · SD · APBDes", and " · Perangkat desa" for the apparatus: which programme. */
export const programName = (p) => `${p.year} · ${t(`funding.${p.fundingSource}`)}${p.cohort === 'apparatus' ? ` · ${t('cohort.apparatus')}` : ''}`;

export const allPrograms = (village) => [...village.programs, ...village.otherPrograms];

/** The tables of this year's programmes and of the other years'; edit(p) puts one into the form. */
export function programsPanel(edit) {
  const box = el('div', { id: 'programs' });
  return {
    element: box,
    draw(village) {
      replace(box,
        village.programs.length ? programTable('programs-table', village.programs, edit, false) : el('p', { class: 'empty' }, t('village.noPrograms')),
        el('h3', { class: 'sub' }, t('village.otherPrograms')),
        village.otherPrograms.length ? programTable('other-programs-table', village.otherPrograms, edit, true) : el('p', { class: 'hint' }, t('village.noOtherPrograms')));
    },
  };
}

function programTable(id, programs, edit, withYear) {
  const columns = [
    withYear ? { label: t('column.year') } : null, { label: t('column.cohort') }, { label: t('column.funding') },
    { label: t('column.target'), number: true }, { label: t('column.enrolled'), number: true }, { label: t('column.covered'), number: true },
    { label: t('column.allocated'), number: true }, { label: t('column.committed'), number: true }, { label: t('column.remaining'), number: true },
    { label: t('column.months'), number: true }, { label: '' },
  ].filter(Boolean);
  const rows = programs.map((p) => ({
    attributes: { dataset: { year: p.year, funding: p.fundingSource, cohort: p.cohort } },
    cells: [
      withYear ? String(p.year) : null, t(`cohort.${p.cohort}`), t(`funding.${p.fundingSource}`),
      count(p.targetWorkers), count(p.workersEnrolled), count(p.workersCovered),
      rupiah(p.budgetAllocated), rupiah(p.budgetCommitted), rupiah(p.budgetRemaining), count(p.coverageMonths),
      el('button', { type: 'button', class: 'button small quiet', onclick: () => edit(p) }, t('program.edit')),
    ].filter((cell) => cell !== null),
  }));
  return simpleTable(id, columns, rows);
}

/**
 * Opens or changes a programme of a year (PUT .../programs/{year}): the year, cohort and funder
 * chosen name it; an existing one fills the form and is changed, a new funder opens a second one.
 */
export function programForm(current, refresh) {
  const village = current();
  const years = el('select', { name: 'year' });
  const cohort = el('select', { name: 'cohort' }, ['vulnerable', 'apparatus']
    .filter((c) => c === 'vulnerable' || village.kind !== 'kelurahan')
    .map((c) => el('option', { value: c }, t(`cohort.${c}`))));
  const funding = el('select', { name: 'fundingSource' }, funders.map((code) => el('option', { value: code }, t(`funding.${code}`))));
  const heading = el('h3', {});
  const says = el('p', { class: 'hint', id: 'program-form-says' });
  const target = number('targetWorkers', 100);
  const budget = number('budgetAllocated', 20160000);
  const months = number('coverageMonths', 12, { max: 12 });
  const submit = el('button', { type: 'submit', class: 'button' });

  const chosen = () => allPrograms(current()).find((p) => String(p.year) === years.value && p.fundingSource === funding.value && p.cohort === cohort.value);
  // What the form will do, said before it is sent; an existing programme's terms fill the fields.
  const show = (fill) => {
    const p = chosen();
    const words = { year: years.value, cohort: t(`cohort.${cohort.value}`), source: t(`funding.${funding.value}`) };
    heading.textContent = p ? t('program.change') : t('program.open');
    says.textContent = p ? t('program.changes', words) : t('program.opens', words);
    submit.textContent = p ? t('program.save') : t('program.openButton');
    if (!fill) return;
    const apparatus = cohort.value === 'apparatus';
    target.value = p?.targetWorkers ?? (apparatus ? 10 : current().targetWorkers);
    budget.value = p?.budgetAllocated ?? (apparatus ? '' : 20160000);
    months.value = p?.coverageMonths ?? 12;
  };
  const drawYears = () => {
    const v = current();
    const all = [...new Set([v.year, v.year + 1, ...allPrograms(v).map((p) => p.year)])].sort();
    const keep = years.value || String(v.year);
    replace(years, all.map((y) => el('option', { value: y, selected: String(y) === keep }, y === v.year ? t('years.thisYear', { year: y }) : String(y))));
  };
  [years, cohort, funding].forEach((select) => select.addEventListener('change', () => show(true)));

  const element = form('program-form', [
    heading,
    el('div', { class: 'grid-2' },
      field(t('program.year'), years), field(t('program.cohort'), cohort), field(t('program.funding'), funding),
      field(t('program.target'), target), field(t('program.budget'), budget), field(t('program.months'), months)),
    says,
    el('p', { class: 'hint' }, t('program.funderHint')),
  ], submit, async (slot) => {
    const words = { year: years.value, source: t(`funding.${funding.value}`) };
    const { status } = await call(`/api/villages/${village.code}/programs/${years.value}`, {
      method: 'PUT',
      json: { targetWorkers: +target.value, budgetAllocated: +budget.value, coverageMonths: +months.value, fundingSource: funding.value, cohort: cohort.value },
    });
    replace(slot, notice(status === 201 ? t('program.openedOf', words) : t('program.savedOf', words)));
    await refresh();
  });

  /** The form on a programme: its year, cohort and funder chosen and its terms filled in. */
  const choose = (p) => {
    years.value = String(p.year);
    cohort.value = p.cohort;
    funding.value = p.fundingSource;
    show(true);
  };
  drawYears();
  const first = village.programs.find((p) => p.cohort === 'vulnerable');
  if (first) choose(first);
  else { funding.value = defaultFunder(village); show(true); }
  return {
    element,
    choose(p) { choose(p); element.scrollIntoView({ block: 'nearest' }); target.focus(); },
    /** After a change: the years offered and what the form would do, the operator's figures kept. */
    update() { drawYears(); show(false); },
  };
}
