// A village: this year's programmes (each funder and cohort) and the other years', its money with
// BPJS (months due and paid, arrears, payments and the payment form), how much of its budget is
// committed (over time, from its history), the workers whose coverage ends within 30 days (to renew),
// its enrolments (NIK masked, paged, with BPJS's word on each), the terminated workers a BPJS branch
// reinstates, its history, and the forms of its operator. The figures follow the district's live
// stream: a change to this village redraws them.
import { t } from '../i18n.js';
import { el, replace, figure, section, problemBox } from '../ui.js';
import { get } from '../api.js';
import { count, percent, rupiah, rupiahDelta, rupiahShort, date, dateTime, day } from '../format.js';
import { budgetChart } from '../charts.js';
import { remoteTable, h } from '../tables.js';
import { watchProgress } from '../live.js';
import { remember } from '../names.js';
import { caller } from '../session.js';
import { localizeNote } from '../notes.js';
import { crumbs } from './crumbs.js';
import { enrollForm, uploadForm, exportButton, withdrawButton } from './village-forms.js';
import { programsPanel, programForm, allPrograms } from './village-programs.js';
import { endingPanel } from './village-renewals.js';
import { duesPanel } from './village-money.js';
import { reinstatePanel, mayReinstate } from './village-reinstate.js';

export async function renderVillage(root, { code }, { signal, about }) {
  let village;
  try {
    village = await get(`/api/villages/${code}`);
  } catch (problem) {
    replace(root, crumbs(code), problemBox(problem));
    return;
  }
  if (signal.aborted) return;
  [village.province, village.regency, village.district].forEach((r) => remember(r.code, r.name));
  remember(code, village.name);

  const current = () => village;
  const figures = el('div', { class: 'figures', id: 'village-figures' });
  const budget = el('div', { class: 'chart', id: 'budget-chart' });
  const budgetHint = el('p', { class: 'hint' }, t('village.budgetAll'));
  const enrollments = el('div', { class: 'table', id: 'enrollments-table' });
  const history = el('div', { class: 'table', id: 'history-table' });
  const enrollmentsProblem = el('div', { class: 'slot' });
  const withdrawals = el('div', { class: 'slot', 'aria-live': 'polite' });
  const historyProblem = el('div', { class: 'slot' });
  const programsTitle = el('h2', {});
  const signedIn = caller() !== null;

  const refresh = async () => {
    village = await get(`/api/villages/${code}`);
    draw();
    tables.forEach((table) => table.reload());
    await Promise.all([ending.reload(), dues.reload(), reinstate?.reload()]);
  };
  const programs = programsPanel((p) => program.choose(p));
  const program = programForm(current, refresh);
  const enroll = enrollForm(code, about, current, refresh);
  const ending = endingPanel(code, current, refresh, signedIn);
  const dues = duesPanel(code, current, refresh);
  const reinstate = mayReinstate() ? reinstatePanel(code, refresh) : null;
  const draw = () => {
    drawFigures(figures, village);
    programsTitle.textContent = t('village.programs', { year: village.year });
    programs.draw(village);
    program.update();
    enroll.update();
    budgetHint.hidden = allPrograms(village).length < 2;
    drawBudget(budget, village, signedIn);
  };
  const tables = signedIn ? [
    remoteTable(enrollments, {
      url: `/api/villages/${code}/enrollments`, pageSize: 10,
      columns: enrollmentColumns(code, { refresh, say: (content) => replace(withdrawals, content) }),
      toRows: (page) => ({ rows: page.items.map(enrollmentRow), total: page.total }),
      onProblem: (problem) => replace(enrollmentsProblem, problem ? problemBox(problem) : null),
    }),
    remoteTable(history, {
      url: `/api/villages/${code}/history`, pageSize: 10, columns: historyColumns(),
      toRows: (page) => ({ rows: page.items.map(historyRow), total: page.total }),
      onProblem: (problem) => replace(historyProblem, problem ? problemBox(problem) : null),
    }),
  ] : [];

  replace(root,
    crumbs(code),
    el('header', { class: 'view-head' },
      el('h1', { id: 'village-name' }, village.name),
      el('span', { class: 'badge' }, t(`kind.${village.kind}`)),
      el('span', { class: `badge status-${village.status}`, id: 'village-status' }, t(`status.${village.status}`)),
      el('span', { class: 'code' }, code)),
    figures,
    el('section', { class: 'panel', id: 'programs-panel' }, programsTitle, programs.element),
    section(t('dues.title'), dues.element),
    el('div', { class: 'columns' },
      section(t('village.budget'), budgetHint, budget),
      section(t('village.operator'), signedIn ? null : el('p', { class: 'hint' }, t('village.signInHint')),
        program.element, exportButton(code))),
    section(t('ending.title'), ending.element),
    section(t('village.enrollments'), signedIn ? null : el('p', { class: 'hint' }, t('village.signInToRead')), enrollmentsProblem, withdrawals, enrollments),
    reinstate ? section(t('reinstate.title'), reinstate.element) : null,
    el('div', { class: 'columns' },
      section(t('village.enroll'), enroll.element),
      section(t('village.upload'), uploadForm(code, refresh))),
    section(t('village.history'), signedIn ? null : el('p', { class: 'hint' }, t('village.signInToRead')), historyProblem, history));
  draw();
  ending.reload();
  dues.reload();
  reinstate?.reload();

  // The district's stream carries this village's figures among its children.
  watchProgress(village.district.code, signal, (progress) => {
    const mine = progress.children.find((c) => c.code === code);
    if (mine && (mine.coveredToday !== village.activeEnrollments || mine.budgetCommitted !== sumOf(vulnerable(village), 'budgetCommitted')
      || mine.endingWithin30Days !== village.endingWithin30Days || mine.apparatus?.coveredToday !== village.apparatusCovered
      || mine.amountInArrears + (mine.apparatus?.amountInArrears ?? 0) !== sumOf(allPrograms(village), 'amountInArrears'))) {
      refresh().catch(() => {});
    }
  });
}

const vulnerable = (v) => v.programs.filter((p) => p.cohort === 'vulnerable');
const sumOf = (programs, name) => programs.reduce((sum, p) => sum + p[name], 0);

/** This year's figures of the vulnerable workers (every funder together), the apparatus apart. */
function drawFigures(box, v) {
  const mine = vulnerable(v);
  const apparatus = v.programs.filter((p) => p.cohort === 'apparatus');
  const [allocated, committed, remaining] = ['budgetAllocated', 'budgetCommitted', 'budgetRemaining'].map((name) => sumOf(mine, name));
  const terms = mine.length === 1
    ? t('village.programTerms', { months: mine[0].coverageMonths, source: t(`funding.${mine[0].fundingSource}`) })
    : t('village.fundersOfYear', { count: mine.length, year: v.year, sources: mine.map((p) => p.fundingSource).join(', ') });
  replace(box,
    figure('workersEnrolled', t('figure.coveredToday'), {
      value: v.activeEnrollments, text: count(v.activeEnrollments), ratio: v.activeEnrollments / (v.targetWorkers || 1),
      sub: t('figure.ofTarget', { target: count(v.targetWorkers), percent: percent(v.activeEnrollments, v.targetWorkers) }),
    }),
    figure('budgetAllocated', t('figure.budgetOfYear', { year: v.year }), {
      value: allocated, text: mine.length ? rupiah(allocated) : t('village.noProgram'), money: true,
      sub: mine.length ? terms : t('village.noProgramHint'),
    }),
    figure('budgetCommitted', t('figure.budgetCommitted'), {
      value: committed, text: rupiah(committed), money: true, ratio: mine.length ? committed / (allocated || 1) : 0,
      sub: mine.length ? t('figure.remaining', { amount: rupiah(remaining) }) : '',
    }),
    figure('endingWithin30Days', t('figure.endingWithin30Days'), {
      value: v.endingWithin30Days, text: count(v.endingWithin30Days), warn: true,
      sub: t('figure.endingSub', { percent: percent(v.endingWithin30Days, v.activeEnrollments) }),
    }),
    apparatus.length || v.apparatusCovered ? figure('apparatusCovered', t('figure.apparatusCovered'), {
      value: v.apparatusCovered, text: count(v.apparatusCovered), ratio: v.apparatusCovered / (sumOf(apparatus, 'targetWorkers') || 1),
      sub: t('figure.ofTarget', { target: count(sumOf(apparatus, 'targetWorkers')), percent: percent(v.apparatusCovered, sumOf(apparatus, 'targetWorkers')) }),
    }) : null,
    figure('monthlyPremiums', t('figure.monthlyPremiumsTitle'), { value: v.monthlyPremiums, text: rupiah(v.monthlyPremiums), money: true }),
    figure('amountInArrears', t('figure.villageArrears'), {
      value: sumOf(allPrograms(v), 'amountInArrears'), text: rupiah(sumOf(allPrograms(v), 'amountInArrears')), money: true, warn: true,
      sub: t('figure.villageArrearsSub', { months: count(sumOf(allPrograms(v), 'monthsInArrears')), due: rupiah(sumOf(v.programs, 'amountDueThisMonth')) }),
    }));
}

/**
 * Committed and allocated over time, from the history walked back from today's figures (each entry
 * carries its budget change). The history does not say which programme an entry moved, so the chart
 * is of every programme, every year, together. Without a token the history is closed: today only.
 */
async function drawBudget(box, village, signedIn) {
  const all = allPrograms(village);
  if (all.length === 0) return replace(box, el('p', { class: 'empty' }, t('village.noProgramHint')));
  const p = {
    budgetCommitted: sumOf(all, 'budgetCommitted'), budgetAllocated: sumOf(all, 'budgetAllocated'),
    openedAt: all.map((x) => x.openedAt).filter(Boolean).sort()[0],
  };
  let entries = [];
  if (signedIn) {
    try { entries = (await get(`/api/villages/${village.code}/history?limit=500`)).items; } catch { entries = []; }
  }
  const now = Date.now() / 1000;
  const points = [{ at: now, committed: p.budgetCommitted, allocated: p.budgetAllocated }];
  let { budgetCommitted: committed, budgetAllocated: allocated } = p;
  for (const entry of entries) { // newest first
    const program = entry.kind === 'program-opened' || entry.kind === 'program-changed';
    points.push({ at: Date.parse(entry.at) / 1000, committed, allocated });
    if (program) allocated -= entry.budgetDelta; else committed -= entry.budgetDelta;
    points.push({ at: Date.parse(entry.at) / 1000 - 0.001, committed, allocated });
  }
  if (entries.length === 0 && p.openedAt) points.push({ at: Date.parse(p.openedAt) / 1000, committed: p.budgetCommitted, allocated: p.budgetAllocated });
  points.reverse();
  budgetChart(box, {
    times: points.map((x) => x.at), committed: points.map((x) => x.committed), allocated: points.map((x) => x.allocated),
    labels: { committed: t('figure.budgetCommitted'), allocated: t('figure.budgetAllocated'), when: t('column.when') },
    format: (v) => (Math.abs(v) >= 1e6 ? rupiahShort(v) : rupiah(v)),
  });
}

/** The programme paying the current period: 2026 · SD, and the apparatus said as such. */
const period = (e) => `${e.year} · ${e.fundingSource}${e.cohort === 'apparatus' ? ` · ${t('cohort.apparatus')}` : ''}`;

/** The current period's last day, and the last renewal's when one follows it. */
function until(e) {
  const last = e.periods?.at(-1);
  if (!last || last.coverageEnd <= e.coverageEnd) return date(e.coverageEnd);
  return h('span', {}, date(e.coverageEnd), h('span', { className: 'renewed-until' }, t('enrollment.renewedUntil', { date: date(last.coverageEnd), year: last.year })));
}

const enrollmentRow = (e) => [e.name, e.nik, t(`occupation.${e.occupation}`, {}, e.occupation), e.monthlyIncome, e.programs.join('+'),
  e.monthlyPremium, date(e.coverageStart), until(e), period(e), e.status, bpjs(e), e.agentId ?? '', day(e.enrolledAt), e];

/** BPJS's word on the registration: the village's only, confirmed (KPJ masked, from when), or refused (why). */
function bpjs(e) {
  const state = e.bpjs ?? 'registered-by-village';
  const more = state === 'confirmed-by-bpjs' ? t('bpjs.kpj', { kpj: e.kpj ?? '', date: date(e.confirmedOn) })
    : state === 'refused-by-bpjs' ? e.bpjsRefusal : null;
  return h('span', { className: `bpjs bpjs-${state}` }, t(`bpjs.${state}`), more ? h('span', { className: 'bpjs-detail' }, more) : null);
}

function enrollmentColumns(code, after) {
  return [
    t('column.name'), t('column.nik'), t('column.occupation'),
    { name: t('column.income'), formatter: rupiah }, t('column.programs'), { name: t('column.premium'), formatter: rupiah },
    t('column.coverageStart'), t('column.coverageEnd'), t('column.period'),
    { name: t('column.status'), formatter: (s) => h('span', { className: `status status-${s}` }, t(`enrollment.${s}`, {}, s)) },
    t('column.bpjs'),
    t('column.agent'), t('column.enrolledAt'),
    { id: 'withdraw', name: '', sort: false, formatter: (e) => (e.status === 'active' ? withdrawButton(code, e, after) : '') },
  ];
}

const historyRow = (e) => [dateTime(e.at), t(`change.${e.kind}`), `${e.actor.subject} (${t(`role.${e.actor.role}`)})`, localizeNote(e.what), e.nik ?? '', e.budgetDelta];

const historyColumns = () => [t('column.when'), t('column.change'), t('column.actor'), t('column.what'), t('column.nik'),
  { name: t('column.budgetDelta'), formatter: (d) => (d ? rupiahDelta(d) : '') }];
