// Tables drawn by Grid.js: sortable, searchable, paged, in the page's language.
import { Grid, h } from '/lib/gridjs-6.2.0/gridjs.module.js';
import { t } from './i18n.js';
import { get } from './api.js';
import { count, rupiah } from './format.js';
import { pathOf } from './router.js';

export { h };

const language = () => ({
  search: { placeholder: t('table.search') },
  sort: { sortAsc: t('table.sortAsc'), sortDesc: t('table.sortDesc') },
  pagination: {
    previous: t('table.previous'),
    next: t('table.next'),
    navigate: (page, pages) => t('table.navigate', { page, pages }),
    page: (page) => t('table.page', { page }),
    showing: t('table.showing'),
    of: t('table.of'),
    to: t('table.to'),
    results: () => t('table.results'),
  },
  loading: t('table.loading'),
  noRecordsFound: t('table.empty'),
  error: t('table.error'),
});

/** A link the page's router follows without a reload. */
export const link = (href, text) => h('a', { href, 'data-link': '' }, text);

/** Columns of counts and of rupiah, written the reader's way. */
export const numberColumn = (name) => ({ name, formatter: (cell) => count(cell) });
export const moneyColumn = (name) => ({ name, formatter: (cell) => rupiah(cell) });

/** The first two columns of a table of regions: the code (hidden) and the name, a way down. */
export const regionColumns = () => [
  { name: 'code', hidden: true },
  { name: t('column.name'), formatter: (cell, row) => link(pathOf(row.cells[0].data), cell) },
];

/** A table of rows already in the page (live figures update it with setRows). */
export function localTable(box, { columns, rows, pageSize = 50, search = true }) {
  const grid = new Grid({
    columns,
    data: rows,
    search,
    sort: true,
    autoWidth: false, // the browser sizes columns to their content; a wide table scrolls
    pagination: rows.length > pageSize ? { limit: pageSize } : false,
    language: language(),
  });
  grid.render(box);
  return {
    grid,
    setRows(next) { grid.updateConfig({ data: next }).forceRender(); },
  };
}

/**
 * A table paged by the API (offset and limit): toRows maps one page's JSON to rows and its total.
 * A failed page shows the API's problem in onProblem's place rather than Grid.js's generic message.
 */
export function remoteTable(box, { columns, url, pageSize = 20, toRows, onProblem }) {
  const separator = url.includes('?') ? '&' : '?';
  // Grid.js keeps one store across renders, so a page asked before a reload could land after the
  // reload's and show the table as it was (a worker just enrolled missing): such a page is asked again.
  let generation = 0;
  const grid = new Grid({
    columns,
    sort: false,
    autoWidth: false,
    server: {
      url,
      data: async ({ url: pageUrl }) => {
        for (;;) {
          const asked = generation;
          try {
            const { rows, total } = toRows(await get(pageUrl));
            if (asked !== generation) continue;
            onProblem?.(null);
            return { data: rows, total };
          } catch (problem) {
            if (asked !== generation) continue;
            onProblem?.(problem);
            return { data: [], total: 0 };
          }
        }
      },
    },
    pagination: { limit: pageSize, server: { url: (prev, page, limit) => `${prev}${separator}offset=${page * limit}&limit=${limit}` } },
    language: language(),
  });
  grid.render(box);
  return { grid, reload() { generation += 1; grid.forceRender(); } };
}
