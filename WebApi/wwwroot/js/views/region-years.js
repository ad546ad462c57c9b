// Beside a region's figures for today: its village apparatus (perangkat desa), never mixed into the
// vulnerable workers' figures, and its budget years (totals.years), one at a time by a selector,
// with the same year's figures for each child region. Both redraw from every live progress.
import { t } from '../i18n.js';
import { el, replace, figure, section } from '../ui.js';
import { count, decimal, percent, rupiah } from '../format.js';
import { localTable, numberColumn as number, moneyColumn as money, regionColumns } from '../tables.js';

/** The apparatus of the region's villages: covered today, effective, ending, their own budget and arrears. */
export function apparatusPanel() {
  const box = el('div', { class: 'figures small', id: 'apparatus-figures' });
  const element = section(t('apparatus.title'), el('p', { class: 'hint' }, t('apparatus.hint')), box);
  element.id = 'apparatus';
  return {
    element,
    draw(a) {
      if (!a || (a.villagesWithProgram === 0 && a.coveredToday === 0)) {
        replace(box, el('p', { class: 'empty' }, t('apparatus.none')));
        return;
      }
      replace(box,
        figure('apparatus-villagesWithProgram', t('apparatus.villagesWithProgram'), {
          value: a.villagesWithProgram, text: count(a.villagesWithProgram),
          sub: t('apparatus.atTarget', { villages: count(a.villagesAtTarget) }),
        }),
        figure('apparatus-coveredToday', t('apparatus.coveredToday'), {
          value: a.coveredToday, text: count(a.coveredToday), ratio: a.coveredToday / (a.workerTarget || 1),
          sub: t('figure.ofTarget', { target: count(a.workerTarget), percent: percent(a.coveredToday, a.workerTarget) }),
        }),
        figure('apparatus-effectiveCoverage', t('figure.effectiveCoverage'), {
          value: a.effectiveCoverage, text: decimal(a.effectiveCoverage),
          sub: t('figure.effectiveSub', { percent: percent(a.effectiveCoverage, a.coveredToday) }),
        }),
        figure('apparatus-endingWithin30Days', t('figure.endingWithin30Days'), {
          value: a.endingWithin30Days, text: count(a.endingWithin30Days),
          sub: t('figure.endingSub', { percent: percent(a.endingWithin30Days, a.coveredToday) }),
        }),
        figure('apparatus-budgetCommitted', t('figure.budgetCommitted'), {
          value: a.budgetCommitted, text: rupiah(a.budgetCommitted), money: true, ratio: a.budgetCommitted / (a.budgetAllocated || 1),
          sub: `${t('figure.ofAllocated', { percent: percent(a.budgetCommitted, a.budgetAllocated) })} (${rupiah(a.budgetAllocated)})`,
        }),
        figure('apparatus-amountInArrears', t('figure.amountInArrears'), {
          value: a.amountInArrears, text: rupiah(a.amountInArrears), money: true, warn: true,
          sub: t('figure.arrearsSub', { workers: count(a.workersInArrears), villages: count(a.villagesInArrears) }),
        }));
    },
  };
}

/** The years the region has figures for, this year among them even before any programme of it. */
const yearsOf = (progress) => [...new Set([...Object.keys(progress.totals.years ?? {}), String(progress.year)])].sort();

const none = { villagesWithProgram: 0, villagesAtTarget: 0, workersEnrolled: 0, workerTarget: 0, budgetAllocated: 0, budgetCommitted: 0 };

/**
 * One budget year at a time (this year first): the region's villages with a programme of that year,
 * at its target, workers enrolled into it against its target, its budget; then each child's.
 */
export function yearsPanel(level) {
  const select = el('select', { id: 'year-select', name: 'year' });
  const figures = el('div', { class: 'figures', id: 'year-figures' });
  const heading = el('h3', { id: 'year-children-title' });
  const box = el('div', { class: 'table', id: 'year-children-table' });
  let progress = null;
  let table = null;
  let chosen = null;

  const draw = () => {
    const years = yearsOf(progress);
    if (!chosen || !years.includes(chosen)) chosen = String(progress.year);
    if (select.dataset.years !== years.join()) { // rebuilt only when a year comes or goes: an open list stays open
      replace(select, years.map((y) => el('option', { value: y }, y === String(progress.year) ? t('years.thisYear', { year: y }) : y)));
      select.dataset.years = years.join();
    }
    select.value = chosen;
    drawYear(figures, progress.totals, chosen);
    heading.textContent = t('years.children', { list: t(`level.list.${level}`), year: chosen });
    const rows = progress.children.map((c) => yearRow(c, chosen));
    if (table) table.setRows(rows);
    else table = localTable(box, { columns: yearColumns(), rows, pageSize: 40 });
  };
  select.addEventListener('change', () => { chosen = select.value; draw(); });

  const element = section(t('years.title'),
    el('div', { class: 'form inline' }, el('label', {}, t('years.select'), select)),
    el('p', { class: 'hint' }, t('years.hint')),
    figures, heading, box);
  element.id = 'years';
  return { element, draw(next) { progress = next; draw(); } };
}

/** Villages with a programme (of all the region's) and at target (of those): named prefix + figure. */
export function programFigures(prefix, villages, f) {
  return [
    figure(`${prefix}villagesWithProgram`, t('figure.villagesWithProgram'), {
      value: f.villagesWithProgram, text: count(f.villagesWithProgram), ratio: f.villagesWithProgram / (villages || 1),
      sub: t('figure.ofVillages', { villages: count(villages), percent: percent(f.villagesWithProgram, villages) }),
    }),
    figure(`${prefix}villagesAtTarget`, t('figure.villagesAtTarget'), {
      value: f.villagesAtTarget, text: count(f.villagesAtTarget), ratio: f.villagesAtTarget / (f.villagesWithProgram || 1),
      sub: t('figure.ofProgramVillages', { villages: count(f.villagesWithProgram) }),
    }),
  ];
}

function drawYear(box, totals, year) {
  const y = totals.years?.[year] ?? none;
  replace(box,
    programFigures('year-', totals.villages, y),
    figure('year-workersEnrolled', t('years.workersEnrolled'), {
      value: y.workersEnrolled, text: count(y.workersEnrolled), ratio: y.workersEnrolled / (y.workerTarget || 1),
      sub: t('figure.ofTarget', { target: count(y.workerTarget), percent: percent(y.workersEnrolled, y.workerTarget) }),
    }),
    figure('year-budgetAllocated', t('figure.budgetAllocated'), { value: y.budgetAllocated, text: rupiah(y.budgetAllocated), money: true }),
    figure('year-budgetCommitted', t('figure.budgetCommitted'), {
      value: y.budgetCommitted, text: rupiah(y.budgetCommitted), money: true, ratio: y.budgetCommitted / (y.budgetAllocated || 1),
      sub: t('figure.ofAllocated', { percent: percent(y.budgetCommitted, y.budgetAllocated) }),
    }));
}

const yearRow = (c, year) => {
  const y = c.years?.[year] ?? none;
  return [c.code, c.name, c.villages, y.villagesWithProgram, y.villagesAtTarget, y.workersEnrolled, y.workerTarget,
    y.workerTarget ? y.workersEnrolled / y.workerTarget : 0, y.budgetCommitted, y.budgetAllocated];
};

function yearColumns() {
  return [
    ...regionColumns(),
    number(t('column.villages')), number(t('column.withProgram')), number(t('column.atTarget')),
    number(t('column.enrolled')), number(t('column.target')),
    { name: t('column.share'), formatter: (cell) => percent(cell, 1) },
    money(t('column.committed')), money(t('column.allocated')),
  ];
}
