// A village: its programme and how much of its budget is committed (over time, from its history),
// its enrolments (NIK masked, paged), its history, and the forms of its operator. The figures
// follow the district's live stream: a change to this village redraws them.
import { t } from '../i18n.js';
import { el, replace, figure, section, problemBox } from '../ui.js';
import { get } from '../api.js';
import { count, percent, rupiah, rupiahDelta, rupiahShort, date, dateTime } from '../format.js';
import { budgetChart } from '../charts.js';
import { remoteTable } from '../tables.js';
import { watchProgress } from '../live.js';
import { remember } from '../names.js';
import { caller } from '../session.js';
import { localizeNote } from '../notes.js';
import { crumbs } from './crumbs.js';
import { programForm, enrollForm, uploadForm, exportButton, withdrawButton } from './village-forms.js';

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

  const figures = el('div', { class: 'figures', id: 'village-figures' });
  const budget = el('div', { class: 'chart', id: 'budget-chart' });
  const enrollments = el('div', { class: 'table', id: 'enrollments-table' });
  const history = el('div', { class: 'table', id: 'history-table' });
  const enrollmentsProblem = el('div', { class: 'slot' });
  const withdrawals = el('div', { class: 'slot', 'aria-live': 'polite' });
  const historyProblem = el('div', { class: 'slot' });
  const signedIn = caller() !== null;

  const refresh = async () => {
    village = await get(`/api/villages/${code}`);
    drawFigures(figures, village);
    tables.forEach((table) => table.reload());
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
    el('div', { class: 'columns' },
      section(t('village.budget'), budget),
      section(t('village.operator'), signedIn ? null : el('p', { class: 'hint' }, t('village.signInHint')),
        programForm(village, refresh), exportButton(code))),
    section(t('village.enrollments'), signedIn ? null : el('p', { class: 'hint' }, t('village.signInToRead')), enrollmentsProblem, withdrawals, enrollments),
    el('div', { class: 'columns' },
      section(t('village.enroll'), enrollForm(code, about, refresh)),
      section(t('village.upload'), uploadForm(code, refresh))),
    section(t('village.history'), signedIn ? null : el('p', { class: 'hint' }, t('village.signInToRead')), historyProblem, history));
  drawFigures(figures, village);
  drawBudget(budget, village, signedIn);

  // The district's stream carries this village's figures among its children.
  watchProgress(village.district.code, signal, (progress) => {
    const mine = progress.children.find((c) => c.code === code);
    if (mine && (mine.workersEnrolled !== village.activeEnrollments || mine.budgetCommitted !== (village.program?.budgetCommitted ?? 0))) {
      refresh().catch(() => {});
    }
  });
}

function drawFigures(box, v) {
  const p = v.program;
  replace(box,
    figure('workersEnrolled', t('figure.workersEnrolled'), {
      value: v.activeEnrollments, text: count(v.activeEnrollments), ratio: v.activeEnrollments / (v.targetWorkers || 1),
      sub: t('figure.ofTarget', { target: count(v.targetWorkers), percent: percent(v.activeEnrollments, v.targetWorkers) }),
    }),
    figure('budgetAllocated', t('figure.budgetAllocated'), {
      value: p?.budgetAllocated ?? 0, text: p ? rupiah(p.budgetAllocated) : t('village.noProgram'), money: true,
      sub: p ? t('village.programTerms', { months: p.coverageMonths, source: t(`funding.${p.fundingSource}`) }) : t('village.noProgramHint'),
    }),
    figure('budgetCommitted', t('figure.budgetCommitted'), {
      value: p?.budgetCommitted ?? 0, text: rupiah(p?.budgetCommitted ?? 0), money: true, ratio: p ? p.budgetCommitted / (p.budgetAllocated || 1) : 0,
      sub: p ? t('figure.remaining', { amount: rupiah(p.budgetRemaining) }) : '',
    }),
    figure('monthlyPremiums', t('figure.monthlyPremiumsTitle'), { value: v.monthlyPremiums, text: rupiah(v.monthlyPremiums), money: true }));
}

/**
 * Committed and allocated over time, from the history walked back from today's figures (each entry
 * carries its budget change). Without a token the history is closed: the chart shows today only.
 */
async function drawBudget(box, village, signedIn) {
  const p = village.program;
  if (!p) return replace(box, el('p', { class: 'empty' }, t('village.noProgramHint')));
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

const enrollmentRow = (e) => [e.name, e.nik, t(`occupation.${e.occupation}`, {}, e.occupation), e.monthlyIncome, e.programs.join('+'),
  e.monthlyPremium, `${date(e.coverageStart)} – ${date(e.coverageEnd)}`, e.status, e.agentId ?? '', dateTime(e.enrolledAt), e];

function enrollmentColumns(code, after) {
  return [
    t('column.name'), t('column.nik'), t('column.occupation'),
    { name: t('column.income'), formatter: rupiah }, t('column.programs'), { name: t('column.premium'), formatter: rupiah },
    t('column.coverage'), { name: t('column.status'), formatter: (s) => t(`enrollment.${s}`) }, t('column.agent'), t('column.enrolledAt'),
    { id: 'withdraw', name: '', sort: false, formatter: (e) => (e.status === 'active' ? withdrawButton(code, e, after) : '') },
  ];
}

const historyRow = (e) => [dateTime(e.at), t(`change.${e.kind}`), `${e.actor.subject} (${t(`role.${e.actor.role}`)})`, localizeNote(e.what), e.nik ?? '', e.budgetDelta];

const historyColumns = () => [t('column.when'), t('column.change'), t('column.actor'), t('column.what'), t('column.nik'),
  { name: t('column.budgetDelta'), formatter: (d) => (d ? rupiahDelta(d) : '') }];
