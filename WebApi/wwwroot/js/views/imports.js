// Bulk import for a regency: one CSV naming each row's village (POST /api/imports answers 202 with
// a job), its progress polled until completed or interrupted, then its report as a CSV file.
import { t } from '../i18n.js';
import { el, replace, section, problemBox, notice } from '../ui.js';
import { call, get, download } from '../api.js';
import { count, dateTime } from '../format.js';
import { caller } from '../session.js';

const header = 'villageCode,nik,name,occupation,monthlyIncome,programs,agentId';

export async function renderImports(root, route, { signal }) {
  const slot = el('div', { class: 'slot', 'aria-live': 'polite' });
  const status = el('div', { id: 'import-status' });
  const file = el('input', { type: 'file', name: 'file', accept: '.csv,text/csv', required: true });
  const button = el('button', { type: 'submit', class: 'button' }, t('imports.submit'));
  replace(root,
    el('header', { class: 'view-head' }, el('h1', {}, t('imports.title'))),
    section(t('imports.upload'),
      caller() ? null : el('p', { class: 'hint' }, t('imports.signIn')),
      el('p', { class: 'hint' }, t('imports.hint')),
      el('code', { class: 'sample' }, header),
      el('form', {
        class: 'form', id: 'import-form',
        onsubmit: async (event) => {
          event.preventDefault();
          button.disabled = true;
          replace(slot);
          try {
            const chosen = file.files[0];
            const { body } = await call('/api/imports', { method: 'POST', body: await chosen.text(), contentType: 'text/csv', headers: { 'X-File-Name': chosen.name } });
            await follow(body, status, signal);
          } catch (problem) {
            replace(slot, problemBox(problem));
          } finally {
            button.disabled = false;
          }
        },
      }, el('label', {}, t('imports.file'), file), button, slot),
      status));
}

/** Polls the job every second until it is done, drawing its counts each time. */
async function follow(job, box, signal) {
  while (!signal.aborted) {
    draw(box, job);
    if (job.state !== 'running') return;
    await new Promise((resolve) => { setTimeout(resolve, 1000); });
    job = await get(`/api/imports/${job.id}`);
  }
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
      job.state === 'running' ? null : el('button', {
        type: 'button', class: 'button', id: 'import-report',
        onclick: async () => {
          try {
            replace(slot, notice(t('export.saved', { file: await download(`/api/imports/${job.id}/report`, `import-${job.id}.csv`) })));
          } catch (problem) {
            replace(slot, problemBox(problem));
          }
        },
      }, t('imports.report')),
      slot));
}
