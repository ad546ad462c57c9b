// Small DOM helpers. Text always goes in as text nodes, never as HTML: names and details come from users.
import { t } from './i18n.js';
import { explain } from './problems.js';

/** el('div', { class: 'card', onclick: fn }, 'text', child) */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** An RFC 9457 problem as the user sees it: its title, then its detail. */
export function problemBox(problem) {
  const { title, detail } = explain(problem);
  return el('div', { class: 'problem', role: 'alert', dataset: { status: problem.status ?? '', code: problem.code ?? '' } },
    el('strong', { class: 'problem-title' }, title || t('problem.generic')),
    detail ? el('p', { class: 'problem-detail' }, detail) : null);
}

export function notice(text, kind = 'ok') {
  return el('div', { class: `notice ${kind}`, role: 'status' }, text);
}

/** Shows a result or a problem in a slot, replacing what was there. */
export function report(slot, content) {
  replace(slot, content instanceof Error ? problemBox(content) : content);
}

/** A headline figure: a label, a big number and a bar for how far along it is (warn: a count that asks for action). */
export function figure(name, label, { value, text, sub, ratio, money, warn }) {
  const width = Math.max(0, Math.min(1, ratio ?? 0)) * 100;
  return el('section', { class: warn && value > 0 ? 'figure warn' : 'figure', dataset: { figure: name, value } },
    el('h3', {}, label),
    el('p', { class: money ? 'figure-value money' : 'figure-value' }, text),
    ratio === undefined ? null : el('div', { class: 'meter', role: 'img', 'aria-label': `${width.toFixed(1)}%` },
      el('span', { style: `width:${width.toFixed(2)}%` })),
    sub ? el('p', { class: 'figure-sub' }, sub) : null);
}

/**
 * A small plain table (a few programmes, a list to tick): columns [{ label, number }] and rows of
 * cells (text or nodes); a row may be { cells, attributes } to mark it.
 */
export function simpleTable(id, columns, rows) {
  const cellClass = (i) => (columns[i].number ? 'number' : null);
  return el('div', { class: 'table-scroll' }, el('table', { class: 'simple', id },
    el('thead', {}, el('tr', {}, columns.map((c, i) => el('th', { class: cellClass(i), scope: 'col' }, c.label)))),
    el('tbody', {}, rows.map((row) => {
      const { cells, attributes } = Array.isArray(row) ? { cells: row, attributes: {} } : row;
      return el('tr', attributes, cells.map((cell, i) => el('td', { class: cellClass(i) }, cell)));
    }))));
}

export function section(title, ...children) {
  return el('section', { class: 'panel' }, el('h2', {}, title), ...children);
}

/** Waits for an idle moment after bursts of calls: live figures arrive up to four times a second. */
export function throttle(fn, milliseconds) {
  let timer = null;
  let pending = false;
  return (...args) => {
    if (timer) { pending = args; return; }
    fn(...args);
    timer = setTimeout(function release() {
      timer = null;
      if (pending) { const again = pending; pending = false; fn(...again); timer = setTimeout(release, milliseconds); }
    }, milliseconds);
  };
}
