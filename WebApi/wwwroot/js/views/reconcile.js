// Reconciliation with BPJS, for a BPJS branch: its result file for a regency (CSV) uploaded (POST
// /api/regions/{regency}/reconciliations answers 202 with a job), the job's progress polled until done,
// its counts, its per-row report paged by the API and downloadable as CSV. The job has a path of its
// own (/rekonsiliasi/35.10/{id}), so a reload or a shared link shows it again.
import '../i18n-bpjs.js'; // this screen's words
import { t, lang, maybe } from '../i18n.js';
import { el, replace, section, problemBox, notice, figure, downloadButton, form, field } from '../ui.js';
import { call, get, followJob } from '../api.js';
import { count, dateTime } from '../format.js';
import { caller } from '../session.js';
import { remoteTable, link, h } from '../tables.js';

const header = 'nik,kpj,status,registeredOn,reason';
const regency = /^\d{2}\.\d{2}$/;

/** The regency a BPJS branch most likely reconciles: the one on the path, else its token's first regency. */
function defaultRegency(route) {
  if (route.code) return route.code;
  const who = caller();
  return who?.roles.includes('bpjs-branch') ? who.regions.find((r) => regency.test(r)) ?? '' : '';
}

export async function renderReconcile(root, route, { signal }) {
  const status = el('div', { id: 'reconcile-status' });
  const region = el('input', { name: 'region', id: 'reconcile-region', required: true, pattern: '\\d{2}\\.\\d{2}', value: defaultRegency(route), placeholder: '35.10', autocomplete: 'off' });
  const file = el('input', { type: 'file', name: 'file', id: 'reconcile-file', accept: '.csv,text/csv', required: true });
  const follow = (job) => followJob(job, (j) => `/api/regions/${j.region}/reconciliations/${j.id}?limit=0`, (j) => draw(status, j), signal);
  replace(root,
    el('header', { class: 'view-head' }, el('h1', {}, t('reconcile.title'))),
    section(t('reconcile.upload'),
      caller()?.roles.includes('bpjs-branch') ? null : el('p', { class: 'hint' }, t('reconcile.signIn')),
      el('p', { class: 'hint' }, t('reconcile.hint')),
      el('code', { class: 'sample' }, header),
      form('reconcile-form', [el('div', { class: 'grid-2' }, field(t('reconcile.region'), region), field(t('reconcile.file'), file))], t('reconcile.submit'), async () => {
        const chosen = file.files[0];
        const { body } = await call(`/api/regions/${region.value.trim()}/reconciliations`, {
          method: 'POST', body: await chosen.text(), contentType: 'text/csv', headers: { 'X-File-Name': chosen.name },
        });
        history.replaceState(null, '', `/rekonsiliasi/${body.region}/${body.id}`);
        await follow(body);
      })),
    status);
  if (route.id) {
    try {
      await follow(await get(`/api/regions/${route.code}/reconciliations/${route.id}?limit=0`));
    } catch (problem) {
      replace(status, problemBox(problem));
    }
  }
}

const counts = ['matched', 'unchanged', 'refusedByBpjs', 'unknown', 'kpjConflicts', 'invalid'];
const results = { matched: 'matched', unchanged: 'unchanged', refusedByBpjs: 'refused-by-bpjs', unknown: 'unknown', kpjConflicts: 'kpj-conflict', invalid: 'invalid' };

function draw(box, job) {
  const done = job.rows ? job.processed / job.rows : 1;
  const slot = el('div', { class: 'slot' });
  const rows = el('div', { class: 'table', id: 'reconcile-results' });
  const numbers = Object.fromEntries(['processed', 'rows', ...counts].map((name) => [name, count(job[name])]));
  replace(box,
    section(t('reconcile.of', { region: job.region, file: job.fileName }),
      el('div', { class: 'import-job', dataset: { state: job.state } },
        el('h3', {}, job.fileName, ' · ', t(`imports.state.${job.state}`)),
        el('div', { class: 'meter big' }, el('span', { style: `width:${(100 * done).toFixed(1)}%` })),
        el('p', { id: 'reconcile-counts' }, t('reconcile.counts', numbers)),
        el('div', { class: 'figures small', id: 'reconcile-figures' },
          counts.map((name) => figure(name, t(`reconcileResult.${results[name]}`), { value: job[name], text: count(job[name]), warn: !['matched', 'unchanged'].includes(name) }))),
        el('p', { class: 'hint' }, t('imports.started', { at: dateTime(job.startedAt) })),
        job.state === 'interrupted' ? notice(t('reconcile.interrupted'), 'warn') : null,
        job.state === 'running' ? null : downloadButton({
          id: 'reconcile-report', text: t('reconcile.report'), path: `/api/regions/${job.region}/reconciliations/${job.id}/report`,
          file: `rekonsiliasi-${job.region}-${job.id}.csv`, slot,
        }),
        slot),
      job.state === 'running' ? null : [el('h3', { class: 'sub' }, t('reconcile.results')), rows]));
  if (job.state !== 'running') rowTable(rows, job);
}

/** What a row's result means, in the page's language: BPJS's own reason for a refusal, as BPJS wrote it. */
function detailOf(r) {
  if (r.result === 'refused-by-bpjs') return r.detail ?? '';
  if (lang() !== 'id') return r.detail ?? t(`reconcileDetail.${r.result}`);
  return (r.code ? maybe(`reconcileCode.${r.code}`) : null) ?? t(`reconcileDetail.${r.result}`);
}

function rowTable(box, job) {
  const problem = el('div', { class: 'slot' });
  box.before(problem);
  remoteTable(box, {
    url: `/api/regions/${job.region}/reconciliations/${job.id}`,
    pageSize: 20,
    columns: [t('column.line'), t('column.village'), t('column.nik'),
      { name: t('column.result'), formatter: (r) => h('span', { className: `result result-${r}` }, t(`reconcileResult.${r}`, {}, r)) },
      t('column.detail')],
    toRows: (page) => ({
      rows: page.results.map((r) => [r.line, r.villageCode ? link(`/v/${r.villageCode}`, r.villageCode) : '', r.nik ?? r.maskedNik ?? '', r.result, detailOf(r)]),
      total: page.rows,
    }),
    onProblem: (p) => replace(problem, p ? problemBox(p) : null),
  });
}
