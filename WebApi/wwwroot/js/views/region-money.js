// A region's money with BPJS, live like its other figures: this month's contributions due and paid,
// the arrears (amount, workers, villages), memberships ended for arrears this year and the
// registrations BPJS confirmed against those the villages registered; the same for each child
// region; and the villages in arrears, the most owed first, each a way to its page.
import { t } from '../i18n.js';
import { el, replace, figure, section, problemBox } from '../ui.js';
import { count, month, percent, rupiah } from '../format.js';
import { localTable, remoteTable, link, numberColumn as number, moneyColumn as money, regionColumns } from '../tables.js';

/** The figures and the children's table, drawn from a region's progress. */
export function moneyPanel(level) {
  const figures = el('div', { class: 'figures', id: 'money-figures' });
  const box = el('div', { class: 'table', id: 'money-children-table' });
  let table = null;
  const element = section(t('money.title'), el('p', { class: 'hint' }, t('money.hint')), figures,
    el('h3', { class: 'sub' }, t('money.children', { child: t(`level.child.${level}`) })), box);
  element.id = 'money';
  return {
    element,
    /** The figures alone: they move at every event, the table with the region's other tables. */
    drawFigures(progress) { drawFigures(figures, progress.totals, progress); },
    draw(progress) {
      drawFigures(figures, progress.totals, progress);
      // The most owed first: the children to look at are on the first page.
      const rows = [...progress.children].sort((a, b) => b.amountInArrears - a.amountInArrears || a.code.localeCompare(b.code)).map(childRow);
      if (table) table.setRows(rows);
      else table = localTable(box, { columns: childColumns(), rows, pageSize: 10 });
    },
  };
}

function drawFigures(box, f, progress) {
  replace(box,
    figure('amountDueThisMonth', t('figure.amountDueThisMonth'), {
      value: f.amountDueThisMonth, text: rupiah(f.amountDueThisMonth), money: true,
      sub: t('figure.dueSub', { month: month(progress.day?.slice(0, 7)) }),
    }),
    figure('amountPaidThisMonth', t('figure.amountPaidThisMonth'), {
      value: f.amountPaidThisMonth, text: rupiah(f.amountPaidThisMonth), money: true, ratio: f.amountPaidThisMonth / (f.amountDueThisMonth || 1),
      sub: t('figure.paidSub', { percent: percent(f.amountPaidThisMonth, f.amountDueThisMonth) }),
    }),
    figure('amountInArrears', t('figure.amountInArrears'), {
      value: f.amountInArrears, text: rupiah(f.amountInArrears), money: true, warn: true,
      sub: t('figure.arrearsSub', { workers: count(f.workersInArrears), villages: count(f.villagesInArrears) }),
    }),
    figure('workersInArrears', t('figure.workersInArrears'), {
      value: f.workersInArrears, text: count(f.workersInArrears), warn: true, ratio: f.workersInArrears / (f.coveredToday || 1),
      sub: t('figure.workersInArrearsSub', { percent: percent(f.workersInArrears, f.coveredToday) }),
    }),
    figure('villagesInArrears', t('figure.villagesInArrears'), {
      value: f.villagesInArrears, text: count(f.villagesInArrears), warn: true, ratio: f.villagesInArrears / (f.villagesWithProgram || 1),
      sub: t('figure.villagesInArrearsSub', { villages: count(f.villagesWithProgram) }),
    }),
    figure('terminatedThisYear', t('figure.terminatedThisYear', { year: progress.year }), {
      value: f.terminatedThisYear, text: count(f.terminatedThisYear), warn: true, sub: t('figure.terminatedSub'),
    }),
    figure('confirmedByBpjs', t('figure.confirmedByBpjs'), {
      value: f.confirmedByBpjs, text: count(f.confirmedByBpjs), ratio: f.confirmedByBpjs / (f.coveredToday || 1),
      sub: t('figure.confirmedSub', { registered: count(f.coveredToday), percent: percent(f.confirmedByBpjs, f.coveredToday) }),
    }));
}

const childRow = (c) => [c.code, c.name, c.amountDueThisMonth, c.amountPaidThisMonth, c.amountInArrears, c.workersInArrears,
  c.villagesInArrears, c.terminatedThisYear, c.confirmedByBpjs, c.coveredToday];

function childColumns() {
  return [
    ...regionColumns(),
    money(t('column.dueThisMonth')), money(t('column.paidThisMonth')), money(t('column.inArrears')),
    number(t('column.workersInArrears')), number(t('column.villagesInArrears')), number(t('column.terminated')),
    number(t('column.confirmed')), number(t('column.covered')),
  ];
}

/** Villages in arrears, the most owed first (GET /api/progress/{region}/arrears, paged by the API). */
export function arrearsPanel(code, signal) {
  const slot = el('div', { class: 'slot' });
  const box = el('div', { class: 'table', id: 'arrears-table' });
  const table = remoteTable(box, {
    url: `/api/progress/${code}/arrears`,
    pageSize: 10,
    columns: [t('column.village'), t('column.district'), { name: t('column.inArrears'), formatter: rupiah },
      { name: t('column.monthsInArrears'), formatter: count }, { name: t('column.workersInArrears'), formatter: count }],
    toRows: (page) => ({
      rows: page.villages.map((v) => [link(`/v/${v.code}`, v.name), v.districtName, v.amountInArrears, v.monthsInArrears, v.workersInArrears]),
      total: page.total,
    }),
    onProblem: (problem) => replace(slot, problem ? problemBox(problem) : null),
  });
  const element = section(t('arrears.title'), el('p', { class: 'hint' }, t('arrears.hint')), slot, box);
  element.id = 'arrears';
  return { element, refresh: () => { if (!signal.aborted) table.reload(); } };
}
