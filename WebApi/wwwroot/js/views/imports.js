// Bulk import for a regency: one CSV naming each row's village (POST /api/imports answers 202 with
// a job), its progress polled until completed or interrupted, then its report as a CSV file.
import { t } from '../i18n.js';
import { el, replace, section, notice, form, field, downloadButton } from '../ui.js';
import { call, followJob } from '../api.js';
import { count, dateTime } from '../format.js';
import { caller } from '../session.js';

const header = 'villageCode,nik,name,occupation,monthlyIncome,programs,agentId';

export async function renderImports(root, route, { signal }) {
  const status = el('div', { id: 'import-status' });
  const file = el('input', { type: 'file', name: 'file', accept: '.csv,text/csv', required: true });
  replace(root,
    el('header', { class: 'view-head' }, el('h1', {}, t('imports.title'))),
    section(t('imports.upload'),
      caller() ? null : el('p', { class: 'hint' }, t('imports.signIn')),
      el('p', { class: 'hint' }, t('imports.hint')),
      el('code', { class: 'sample' }, header),
      form('import-form', [field(t('imports.file'), file)], t('imports.submit'), async () => {
        const chosen = file.files[0];
        const { body } = await call('/api/imports', { method: 'POST', body: await chosen.text(), contentType: 'text/csv', headers: { 'X-File-Name': chosen.name } });
        await followJob(body, (job) => `/api/imports/${job.id}`, (job) => draw(status, job), signal);
      }),
      status));
}

function draw(box, job) {
  const done = job.rows ? job.processed / job.rows : 1;
  const slot = el('div', { class: 'slot' });
  replace(box,
    el('div', { class: 'import-job', dataset: { state: job.state } },
      el('h3', {}, job.fileName, ' · ', t(`imports.state.${job.state}`)),
      el('div', { class: 'meter big' }, el('span', { style: `width:${(100 * done).toFixed(1)}%` })),
      el('p', {}, t('imports.counts', {
        processed: count(job.processed), rows: count(job.rows), created: count(job.created), unchanged: count(job.unchanged),
        repriced: count(job.repriced), updated: count(job.updated), rejected: count(job.rejected),
      })),
      el('p', { class: 'hint' }, t('imports.started', { at: dateTime(job.startedAt) })),
      job.state === 'interrupted' ? notice(t('imports.interrupted'), 'warn') : null,
      job.state === 'running' ? null : downloadButton({
        id: 'import-report', text: t('imports.report'), path: `/api/imports/${job.id}/report`, file: `import-${job.id}.csv`, slot,
      }),
      slot));
}
