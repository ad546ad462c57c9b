// What a village operator does: open or change the programme, enrol a worker, withdraw one,
// upload a CSV of workers (each row's result shown), and export the BPJS collective file.
import { t } from '../i18n.js';
import { el, replace, problemBox, notice } from '../ui.js';
import { call, download } from '../api.js';
import { rupiah } from '../format.js';
import { explainLine } from '../problems.js';
import { localTable, h } from '../tables.js';

const field = (label, input) => el('label', {}, label, input);
const number = (name, value, extra = {}) => el('input', { name, type: 'number', min: 1, step: 1, value, required: true, ...extra });

/** A form whose submit runs action(slot) and shows its problem, if any, in the form's own slot. */
function form(id, fields, submitLabel, action) {
  const slot = el('div', { class: 'slot', 'aria-live': 'polite' });
  const button = el('button', { type: 'submit', class: 'button' }, submitLabel);
  return el('form', {
    class: 'form', id,
    onsubmit: async (event) => {
      event.preventDefault();
      button.disabled = true;
      try {
        await action(slot, event.target);
      } catch (problem) {
        replace(slot, problemBox(problem));
      } finally {
        button.disabled = false;
      }
    },
  }, fields, button, slot);
}

export function programForm(village, refresh) {
  const p = village.program;
  const funding = el('select', { name: 'fundingSource' }, ['SD', 'SA', 'SL'].map((code) =>
    el('option', { value: code, selected: (p?.fundingSource ?? (village.kind === 'kelurahan' ? 'SA' : 'SD')) === code }, t(`funding.${code}`))));
  return form('program-form', [
    el('h3', {}, p ? t('program.change') : t('program.open')),
    el('div', { class: 'grid-2' },
      field(t('program.target'), number('targetWorkers', p?.targetWorkers ?? village.targetWorkers)),
      field(t('program.budget'), number('budgetAllocated', p?.budgetAllocated ?? 20160000)),
      field(t('program.months'), number('coverageMonths', p?.coverageMonths ?? 12, { max: 12 })),
      field(t('program.funding'), funding)),
  ], p ? t('program.save') : t('program.openButton'), async (slot, f) => {
    const { status } = await call(`/api/villages/${village.code}/program`, {
      method: 'PUT',
      json: { targetWorkers: +f.targetWorkers.value, budgetAllocated: +f.budgetAllocated.value, coverageMonths: +f.coverageMonths.value, fundingSource: f.fundingSource.value },
    });
    replace(slot, notice(status === 201 ? t('program.opened') : t('program.saved')));
    await refresh();
  });
}

export function enrollForm(code, about, refresh) {
  const occupations = about?.occupations?.length ? about.occupations : ['nelayan', 'petani', 'pedagang-kecil', 'lainnya'];
  return form('enroll-form', [
    el('div', { class: 'grid-2' },
      field(t('enroll.nik'), el('input', { name: 'nik', required: true, inputmode: 'numeric', pattern: '\\d{16}', maxlength: 16, autocomplete: 'off' })),
      field(t('enroll.name'), el('input', { name: 'name', required: true, maxlength: 100, autocomplete: 'off' })),
      field(t('enroll.occupation'), el('select', { name: 'occupation' }, occupations.map((o) => el('option', { value: o }, t(`occupation.${o}`, {}, o))))),
      field(t('enroll.income'), number('monthlyIncome', 1000000)),
      field(t('enroll.agent'), el('input', { name: 'agentId', autocomplete: 'off' }))),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'jht' }), t('enroll.jht')),
    el('p', { class: 'hint' }, t('enroll.hint')),
  ], t('enroll.submit'), async (slot, f) => {
    const { status, body } = await call(`/api/villages/${code}/enrollments`, {
      method: 'POST',
      json: {
        nik: f.nik.value.trim(), name: f.name.value.trim(), occupation: f.occupation.value, monthlyIncome: +f.monthlyIncome.value,
        programs: f.jht.checked ? ['JKK', 'JKM', 'JHT'] : ['JKK', 'JKM'], agentId: f.agentId.value.trim() || undefined,
      },
    });
    const facts = { name: body.name, nik: body.nik, premium: rupiah(body.monthlyPremium), commitment: rupiah(body.commitment) };
    replace(slot, notice(status === 201 ? t('enroll.created', facts) : t('enroll.again', facts)));
    if (status === 201) f.reset();
    await refresh();
  });
}

/** CSV with a header nik,name,occupation,monthlyIncome,programs,agentId; one result per row. */
export function uploadForm(code, refresh) {
  const results = el('div', { class: 'table', id: 'upload-results' });
  const upload = form('upload-form', [
    el('p', { class: 'hint' }, t('upload.hint')),
    el('code', { class: 'sample' }, 'nik,name,occupation,monthlyIncome,programs,agentId'),
    field(t('upload.file'), el('input', { name: 'file', type: 'file', accept: '.csv,text/csv', required: true })),
  ], t('upload.submit'), async (slot, f) => {
    const { body } = await call(`/api/villages/${code}/enrollments/batch`, { method: 'POST', body: await f.file.files[0].text(), contentType: 'text/csv' });
    replace(slot, notice(t('upload.summary', body), body.rejected ? 'warn' : 'ok'));
    results.replaceChildren();
    localTable(results, {
      rows: body.results.map((r) => [r.row, r.result, r.enrollment?.name ?? '', r.enrollment?.nik ?? '', r.error ? explainLine(r.error) : rupiah(r.enrollment.monthlyPremium)]),
      columns: [t('column.row'), { name: t('column.result'), formatter: (r) => h('span', { className: `result result-${r}` }, t(`result.${r}`)) },
        t('column.name'), t('column.nik'), t('column.detail')],
      pageSize: 20, search: false,
    });
    await refresh();
  });
  return el('div', {}, upload, results);
}

export function exportButton(code) {
  const slot = el('div', { class: 'slot' });
  return el('div', { class: 'export' },
    el('button', {
      type: 'button', class: 'button quiet', id: 'export-village',
      onclick: async () => {
        try {
          replace(slot, notice(t('export.saved', { file: await download(`/api/villages/${code}/enrollments/export`, `bpu-kolektif-${code}.csv`) })));
        } catch (problem) {
          replace(slot, problemBox(problem));
        }
      },
    }, t('export.villageButton')),
    slot);
}

/** In a Grid.js cell (a Preact element): withdraw after a confirmation, then say what came back. */
export function withdrawButton(code, enrollment, { refresh, say }) {
  return h('button', {
    type: 'button', className: 'button small danger',
    onClick: async () => {
      if (!window.confirm(t('withdraw.confirm', { name: enrollment.name }))) return;
      try {
        const { body } = await call(`/api/villages/${code}/enrollments/${enrollment.enrollmentId}`, { method: 'DELETE' });
        say(notice(t('withdraw.done', { name: enrollment.name, refund: rupiah(body.refund), months: body.monthsRefunded })));
        await refresh();
      } catch (problem) {
        say(problemBox(problem));
      }
    },
  }, t('withdraw.button'));
}
