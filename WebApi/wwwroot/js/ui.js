// Small DOM helpers. Text always goes in as text nodes, never as HTML: names and details come from users.
import { t } from './i18n.js';
import { explain } from './problems.js';
import { download } from './api.js';

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

/** A button that downloads a file with the caller's token (a CSV export or report), saying in slot what it saved or why not. */
export function downloadButton({ id, text, path, file, slot, quiet = false }) {
  return el('button', {
    type: 'button', class: quiet ? 'button quiet' : 'button', id,
    onclick: async () => {
      try {
        replace(slot, notice(t('export.saved', { file: await download(path, file) })));
      } catch (problem) {
        replace(slot, problemBox(problem));
      }
    },
  }, text);
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

/**
 * A small table whose rows are ticked (workers to renew or reinstate, months to pay): a box per row,
 * labelled label(item) and not to tick where open(item) is false, and one box for all of them.
 * chosen holds the keys ticked; changed() follows every tick (the boxes follow each other, the table
 * is not drawn again).
 */
export function tickTable(id, { allId, allLabel, columns, items, key, label, chosen, cells, changed, open = () => true, attributes = () => ({}) }) {
  const ticking = items.filter(open);
  const boxes = new Map();
  const allTicked = () => ticking.length > 0 && ticking.every((item) => chosen.has(key(item)));
  const tick = (item, on) => { if (on) chosen.add(key(item)); else chosen.delete(key(item)); };
  const all = el('input', {
    type: 'checkbox', id: allId, 'aria-label': allLabel, checked: allTicked(),
    onchange: (event) => {
      ticking.forEach((item) => { tick(item, event.target.checked); boxes.get(key(item)).checked = event.target.checked; });
      changed();
    },
  });
  const box = (item) => {
    const input = el('input', {
      type: 'checkbox', 'aria-label': label(item), checked: chosen.has(key(item)), disabled: !open(item),
      onchange: (event) => { tick(item, event.target.checked); all.checked = allTicked(); changed(); },
    });
    boxes.set(key(item), input);
    return input;
  };
  return simpleTable(id, [{ label: all }, ...columns], items.map((item) => ({ attributes: attributes(item), cells: [box(item), ...cells(item)] })));
}

/** Forgets the ticks of what a list no longer holds (after it was loaded again). */
export function keepListed(chosen, items, key) {
  const listed = new Set(items.map(key));
  [...chosen].filter((k) => !listed.has(k)).forEach((k) => chosen.delete(k));
}

export const field = (label, input) => el('label', {}, label, input);

/** A form whose submit (a label, or a button of its own) runs action(slot) and shows its problem, if any, in the form's own slot. */
export function form(id, fields, submit, action) {
  const slot = el('div', { class: 'slot', 'aria-live': 'polite' });
  const button = submit instanceof Node ? submit : el('button', { type: 'submit', class: 'button' }, submit);
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
