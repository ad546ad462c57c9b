// What a village operator does: enrol a worker (into the programme chosen when the year has several,
// the village apparatus among them), withdraw one, upload a CSV of workers (each row's result shown),
// and export the BPJS collective file. The programme form is in village-programs.js.
import { t } from '../i18n.js';
import { el, replace, problemBox, notice, downloadButton, form, field } from '../ui.js';
import { call } from '../api.js';
import { rupiah } from '../format.js';
import { explainLine } from '../problems.js';
import { localTable, h } from '../tables.js';

export const number = (name, value, extra = {}) => el('input', { name, type: 'number', min: 1, step: 1, value, required: true, ...extra });

/** The positions of village apparatus (perangkat desa, UU 6/2014), recorded as their occupation. */
const positions = ['kepala-desa', 'sekretaris-desa', 'kepala-urusan', 'kepala-seksi', 'kepala-dusun', 'staf-desa'];

/** "2026|SD|vulnerable": a programme of the year as the chooser's value. */
const keyOf = (p) => `${p.year}|${p.fundingSource}|${p.cohort}`;

/**
 * Enrols a worker. When this year has several programmes (funders, or the apparatus beside the
 * vulnerable workers) the operator chooses one; an apparatus programme asks for a position and the
 * siltap instead of an occupation and an income. One programme: nothing to choose, none named.
 */
export function enrollForm(code, about, current, refresh) {
  const occupations = about?.occupations?.length ? about.occupations : ['nelayan', 'petani', 'pedagang-kecil', 'lainnya'];
  const chooser = el('select', { name: 'program', id: 'enroll-program' });
  const choice = field(t('enroll.program'), chooser);
  const occupation = el('select', { name: 'occupation' });
  const occupationLabel = el('span', {});
  const incomeLabel = el('span', {});
  const none = el('p', { class: 'hint', id: 'enroll-no-program' }, t('enroll.noProgram'));
  let programs = [];
  const picked = () => programs.find((p) => keyOf(p) === chooser.value) ?? programs[0];
  const drawCohort = () => {
    const apparatus = picked()?.cohort === 'apparatus';
    const list = apparatus ? (about?.positions?.length ? about.positions : positions) : occupations;
    if (occupation.dataset.list !== String(apparatus)) {
      replace(occupation, list.map((o) => el('option', { value: o }, t(`occupation.${o}`, {}, o))));
      occupation.dataset.list = String(apparatus);
    }
    occupationLabel.textContent = apparatus ? t('enroll.position') : t('enroll.occupation');
    incomeLabel.textContent = apparatus ? t('enroll.siltap') : t('enroll.income');
  };
  const update = () => {
    const keep = chooser.value;
    programs = current().programs;
    replace(chooser, programs.map((p) => el('option', { value: keyOf(p), selected: keyOf(p) === keep },
      t('enroll.programOption', { cohort: t(`cohort.${p.cohort}`), source: t(`funding.${p.fundingSource}`), remaining: rupiah(p.budgetRemaining) }))));
    choice.hidden = programs.length < 2 && programs.every((p) => p.cohort === 'vulnerable');
    none.hidden = programs.length > 0;
    drawCohort();
  };
  chooser.addEventListener('change', drawCohort);

  const element = form('enroll-form', [
    none,
    choice,
    el('div', { class: 'grid-2' },
      field(t('enroll.nik'), el('input', { name: 'nik', required: true, inputmode: 'numeric', pattern: '\\d{16}', maxlength: 16, autocomplete: 'off' })),
      field(t('enroll.name'), el('input', { name: 'name', required: true, maxlength: 100, autocomplete: 'off' })),
      el('label', {}, occupationLabel, occupation),
      el('label', {}, incomeLabel, number('monthlyIncome', 1000000)),
      field(t('enroll.agent'), el('input', { name: 'agentId', autocomplete: 'off' }))),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'jht' }), t('enroll.jht')),
    el('p', { class: 'hint' }, t('enroll.hint')),
  ], t('enroll.submit'), async (slot, f) => {
    const p = choice.hidden ? null : picked();
    const { status, body } = await call(`/api/villages/${code}/enrollments`, {
      method: 'POST',
      json: {
        nik: f.nik.value.trim(), name: f.name.value.trim(), occupation: f.occupation.value, monthlyIncome: +f.monthlyIncome.value,
        programs: f.jht.checked ? ['JKK', 'JKM', 'JHT'] : ['JKK', 'JKM'], agentId: f.agentId.value.trim() || undefined,
        year: p?.year, fundingSource: p?.fundingSource, cohort: p?.cohort,
      },
    });
    const facts = { name: body.name, nik: body.nik, premium: rupiah(body.monthlyPremium), commitment: rupiah(body.commitment) };
    replace(slot, notice(status === 201 ? t('enroll.created', facts) : t('enroll.again', facts)));
    if (status === 201) {
      const kept = chooser.value;
      f.reset();
      chooser.value = kept; // the next worker most likely joins the same programme
      drawCohort();
    }
    await refresh();
  });
  update();
  return { element, update };
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

/** The village's BPJS collective file (NIKs in full): every active worker, or only the changes since its last export. */
export function exportButton(code) {
  const slot = el('div', { class: 'slot' });
  return el('div', { class: 'export' },
    el('div', { class: 'actions' },
      downloadButton({ id: 'export-village', text: t('export.villageButton'), path: `/api/villages/${code}/enrollments/export`, file: `bpu-kolektif-${code}.csv`, slot, quiet: true }),
      downloadButton({ id: 'export-village-changes', text: t('export.villageChanges'), path: `/api/villages/${code}/enrollments/export?changes=true`, file: `bpu-perubahan-${code}.csv`, slot, quiet: true })),
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
