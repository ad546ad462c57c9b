// The lists under a region's figures: villages lagging behind (or not started), the PERISAI agents,
// and the BPJS collective-registration export of a district or regency (all, or the changes only).
import { t } from '../i18n.js';
import { el, replace, section, problemBox, downloadButton } from '../ui.js';
import { get } from '../api.js';
import { count, rupiah } from '../format.js';
import { localTable, remoteTable, link } from '../tables.js';

const byVillage = (v) => [link(`/v/${v.code}`, v.name), v.districtName, v.targetWorkers, v.workersEnrolled, v.shortfall];

/** Behind target (most workers short first) or not started, paged by the API. */
export function laggingPanel(code, signal) {
  const slot = el('div', { class: 'slot' });
  const box = el('div', { class: 'table', id: 'lagging-table' });
  let notStarted = false;
  let table = null;
  const tabs = el('div', { class: 'tabs', role: 'tablist' });
  const show = (which) => {
    notStarted = which;
    replace(tabs,
      el('button', { type: 'button', role: 'tab', 'aria-selected': String(!which), onclick: () => show(false) }, t('lagging.behind')),
      el('button', { type: 'button', role: 'tab', 'aria-selected': String(which), id: 'not-started-tab', onclick: () => show(true) }, t('lagging.notStarted')));
    box.replaceChildren();
    table = remoteTable(box, {
      url: `/api/progress/${code}/lagging${which ? '?notStarted=true' : ''}`,
      pageSize: 10,
      columns: which
        ? [t('column.village'), t('column.district')]
        : [t('column.village'), t('column.district'), t('column.target'), t('column.workers'), t('column.shortfall')],
      toRows: (page) => ({ rows: page.villages.map((v) => byVillage(v).slice(0, which ? 2 : 5)), total: page.total }),
      onProblem: (problem) => replace(slot, problem ? problemBox(problem) : null),
    });
  };
  show(false);
  return {
    element: section(t('lagging.title'), tabs, slot, box),
    refresh: () => { if (!signal.aborted && !notStarted) table?.reload(); },
  };
}

export function agentsPanel(code, signal) {
  const box = el('div', { class: 'table', id: 'agents-table' });
  const slot = el('div', { class: 'slot' });
  let table = null;
  const load = async () => {
    try {
      const agents = await get(`/api/progress/${code}/agents?limit=100`);
      if (signal.aborted) return;
      const rows = agents.map((a) => [a.agentId, a.enrollments, a.monthlyPremiums]);
      if (table) table.setRows(rows);
      else table = localTable(box, {
        rows, pageSize: 10, search: false,
        columns: [t('column.agent'), { name: t('column.workers'), formatter: count }, { name: t('column.monthlyPremiums'), formatter: rupiah }],
      });
    } catch (problem) {
      replace(slot, problemBox(problem));
    }
  };
  load();
  return { element: section(t('agents.title'), slot, box), refresh: load };
}

/**
 * The NIKs in full: only a village operator or a BPJS branch within the region may (403 otherwise).
 * Everything active, or only the changes since the region's last export (new, renewed, ended).
 */
export function exportPanel(code, name) {
  const slot = el('div', { class: 'slot' });
  return section(t('export.title'),
    el('p', { class: 'hint' }, t('export.regionHint', { name })),
    el('p', { class: 'hint' }, t('export.changesHint')),
    el('div', { class: 'actions' },
      downloadButton({ id: 'export-region', text: t('export.button'), path: `/api/regions/${code}/enrollments/export`, file: `bpu-kolektif-${code}.csv`, slot }),
      downloadButton({ id: 'export-region-changes', text: t('export.changes'), path: `/api/regions/${code}/enrollments/export?changes=true`, file: `bpu-perubahan-${code}.csv`, slot, quiet: true })),
    slot);
}
