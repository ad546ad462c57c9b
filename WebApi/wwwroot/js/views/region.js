// The monitoring screen of the nation, a province, a regency or a district: headline figures for
// today (covered, effective coverage, ending within 30 days), the village apparatus apart, the child
// regions as a chart and a table (each a way down), the budget years one at a time, enrolments per
// day, occupations, the money with BPJS (due, paid, arrears, terminated, confirmed) and the villages in
// arrears, lagging villages and agents. Live: every "progress" event redraws it without a reload.
import { t } from '../i18n.js';
import { el, replace, figure, section, problemBox, throttle } from '../ui.js';
import { get } from '../api.js';
import { count, decimal, percent, rupiah, time, todayWib } from '../format.js';
import { barChart, dailyChart } from '../charts.js';
import { localTable, numberColumn as number, moneyColumn as money, regionColumns } from '../tables.js';
import { watchProgress } from '../live.js';
import { navigate, nation, pathOf } from '../router.js';
import { remember } from '../names.js';
import { crumbs } from './crumbs.js';
import { laggingPanel, agentsPanel, exportPanel } from './region-lists.js';
import { apparatusPanel, yearsPanel, programFigures } from './region-years.js';
import { moneyPanel, arrearsPanel } from './region-money.js';

export async function renderRegion(root, { code }, { signal }) {
  let progress;
  try {
    progress = await get(code === nation ? '/api/progress' : `/api/progress/${code}`);
  } catch (problem) {
    replace(root, crumbs(code), problemBox(problem));
    return;
  }
  if (signal.aborted) return;
  const level = progress.region.level;
  const live = el('span', { class: 'live', id: 'live-state' });
  const figures = el('div', { class: 'figures wide', id: 'figures' });
  const childChart = el('div', { class: 'chart', id: 'children-chart' });
  const childTable = el('div', { class: 'table', id: 'children-table' });
  const days = el('div', { class: 'chart', id: 'daily-chart' });
  const occupations = el('div', { class: 'chart', id: 'occupations-chart' });
  const childLevel = t(`level.child.${level}`);
  const lagging = laggingPanel(code, signal);
  const agents = agentsPanel(code, signal);
  const apparatus = apparatusPanel();
  const years = yearsPanel(level);
  const dues = moneyPanel(level);
  const arrears = arrearsPanel(code, signal);
  replace(root,
    crumbs(code),
    el('header', { class: 'view-head' },
      el('h1', { id: 'region-name' }, code === nation ? t('region.nation') : progress.region.name),
      el('span', { class: 'badge' }, t(`level.${level}`)), live),
    figures,
    apparatus.element,
    el('div', { class: 'columns' },
      section(t('region.childrenChart', { children: childLevel }), el('p', { class: 'hint' }, t('region.childrenChartHint')), childChart),
      el('div', { class: 'stack' }, section(t('region.daily'), days), section(t('region.occupations'), occupations))),
    section(t(`level.list.${level}`), childTable),
    dues.element,
    arrears.element,
    years.element,
    el('div', { class: 'columns' }, lagging.element, agents.element),
    level === 'district' || level === 'regency' ? exportPanel(code, progress.region.name) : null);

  let table = null;
  const draw = (p) => {
    remember(p.region.code, p.region.name);
    p.children.forEach((c) => remember(c.code, c.name));
    drawFigures(figures, p.totals);
    apparatus.draw(p.totals.apparatus);
    dues.draw(p);
    years.draw(p);
    live.textContent = t('region.asOf', { time: time(p.asOf) });
    drawChildren(childChart, p.children);
    const rows = p.children.map(childRow);
    if (table) table.setRows(rows);
    else table = localTable(childTable, { columns: childColumns(), rows, pageSize: 40 });
    dailyChart(days, p.enrollmentsPerDay, { label: t('region.enrollments'), dayLabel: t('column.date'), today: todayWib() });
    drawOccupations(occupations, p.occupations);
  };
  draw(progress);

  // Figures move at once; the heavier charts and tables at most once a second; lists every few seconds.
  const redraw = throttle(draw, 1000);
  const refreshLists = throttle(() => { lagging.refresh(); agents.refresh(); arrears.refresh(); }, 5000);
  watchProgress(code, signal, (next) => {
    if (next.version === progress.version && next.asOf === progress.asOf) return;
    progress = next;
    drawFigures(figures, next.totals);
    dues.drawFigures(next);
    redraw(next);
    refreshLists();
  }, (state) => { live.dataset.state = state; });
}

function drawFigures(box, f) {
  replace(box,
    programFigures('', f.villages, f),
    figure('coveredToday', t('figure.coveredToday'), {
      value: f.coveredToday, text: count(f.coveredToday), ratio: f.coveredToday / (f.campaignTarget || 1),
      sub: t('figure.ofTargets', { campaign: count(f.campaignTarget), programs: count(f.workerTarget), percent: percent(f.coveredToday, f.campaignTarget) }),
    }),
    figure('effectiveCoverage', t('figure.effectiveCoverage'), {
      value: f.effectiveCoverage, text: decimal(f.effectiveCoverage), ratio: f.effectiveCoverage / (f.coveredToday || 1),
      sub: t('figure.effectiveSub', { percent: percent(f.effectiveCoverage, f.coveredToday) }),
    }),
    figure('endingWithin30Days', t('figure.endingWithin30Days'), {
      value: f.endingWithin30Days, text: count(f.endingWithin30Days), ratio: f.endingWithin30Days / (f.coveredToday || 1), warn: true,
      sub: t('figure.endingSub', { percent: percent(f.endingWithin30Days, f.coveredToday) }),
    }),
    figure('budgetAllocated', t('figure.budgetAllocated'), {
      value: f.budgetAllocated, text: rupiah(f.budgetAllocated), money: true,
      sub: t('figure.monthlyPremiums', { amount: rupiah(f.monthlyPremiums) }),
    }),
    figure('budgetCommitted', t('figure.budgetCommitted'), {
      value: f.budgetCommitted, text: rupiah(f.budgetCommitted), money: true, ratio: f.budgetCommitted / (f.budgetAllocated || 1),
      sub: t('figure.ofAllocated', { percent: percent(f.budgetCommitted, f.budgetAllocated) }),
    }));
}

/** Share of the campaign target (100 workers a village) each child has enrolled, best first. */
function drawChildren(box, children) {
  const sorted = [...children].sort((a, b) => b.workersEnrolled / (b.campaignTarget || 1) - a.workersEnrolled / (a.campaignTarget || 1) || a.code.localeCompare(b.code));
  barChart(box, {
    labels: sorted.map((c) => c.name),
    values: sorted.map((c) => (100 * c.workersEnrolled) / (c.campaignTarget || 1)),
    format: (v) => percent(v, 100),
    onPick: (i) => navigate(pathOf(sorted[i].code)),
  });
}

function drawOccupations(box, occupations) {
  const entries = Object.entries(occupations ?? {}).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) {
    replace(box, el('p', { class: 'empty' }, t('region.noEnrollments')));
    return;
  }
  barChart(box, { labels: entries.map(([o]) => t(`occupation.${o}`, {}, o)), values: entries.map(([, n]) => n), format: count, whole: true });
}

const childRow = (c) => [c.code, c.name, c.villages, c.villagesWithProgram, c.villagesAtTarget, c.coveredToday, c.campaignTarget,
  c.campaignTarget ? c.coveredToday / c.campaignTarget : 0, c.endingWithin30Days, c.budgetCommitted, c.budgetAllocated];

function childColumns() {
  return [
    ...regionColumns(),
    number(t('column.villages')), number(t('column.withProgram')), number(t('column.atTarget')),
    number(t('column.covered')), number(t('column.campaignTarget')),
    { name: t('column.share'), formatter: (cell) => percent(cell, 1) },
    number(t('column.endingSoon')),
    money(t('column.committed')), money(t('column.allocated')),
  ];
}
