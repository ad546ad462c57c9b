// Charts drawn by uPlot (loaded as /lib/uplot-*/uPlot.iife.min.js, the global uPlot): bars by
// region or occupation, enrolments per day, and a village's budget over time.
import { el } from './ui.js';
import { lang } from './i18n.js';

const palette = { bar: '#2f6fdb', barFill: 'rgba(47,111,219,0.75)', accent: '#e0812b', grid: '#e6e9ef', text: '#3b4252' };
const font = '12px system-ui, sans-serif';
const locale = () => (lang() === 'en' ? 'en-GB' : 'id-ID');

/** A uPlot that replaces the box's previous one (live figures redraw it) and follows the box's width. */
function mount(box, options, data) {
  box.plot?.destroy();
  box.replaceChildren();
  const plot = new uPlot({ ...options, width: Math.max(box.clientWidth, 240) }, data, box);
  box.plot = plot;
  if (!box.resizing) {
    box.resizing = new ResizeObserver(() => {
      if (box.plot && box.clientWidth > 0 && box.clientWidth !== box.plot.width) box.plot.setSize({ width: box.clientWidth, height: box.plot.height });
    });
    box.resizing.observe(box);
  }
  return plot;
}

/** Tick steps for things counted in whole numbers: no 0,5 worker. */
const wholeSteps = [1, 2, 5].flatMap((step) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7].map((power) => step * power)).sort((a, b) => a - b);

const axis = (extra) => ({ stroke: palette.text, font, grid: { stroke: palette.grid, width: 1 }, ticks: { stroke: palette.grid }, ...extra });

function widest(labels) {
  const context = document.createElement('canvas').getContext('2d');
  context.font = font;
  return Math.max(40, ...labels.map((label) => context.measureText(label).width));
}

/**
 * Horizontal bars, one per category, names on the left: easy to scan for who is behind.
 * format shows a value; onPick(index) is called when a bar is clicked.
 */
export function barChart(box, { labels, values, format, onPick, whole = false }) {
  const rowHeight = 22;
  const height = Math.max(120, labels.length * rowHeight + 40);
  const indices = labels.map((_, i) => i);
  const options = {
    height,
    legend: { show: false },
    cursor: { y: false, points: { show: false } },
    scales: {
      x: { time: false, ori: 1, dir: -1, range: () => [-0.5, labels.length - 0.5] },
      y: { ori: 0, range: (u, low, high) => [0, high > 0 ? high * 1.05 : 1] },
    },
    series: [
      {},
      { label: '', stroke: palette.bar, fill: palette.barFill, width: 0, paths: uPlot.paths.bars({ size: [0.7, 18] }), points: { show: false } },
    ],
    axes: [
      axis({ side: 3, grid: { show: false }, size: widest(labels) + 24 /* label, gap and 10 px ticks */, gap: 6, splits: () => indices, values: (u, splits) => splits.map((i) => labels[i] ?? '') }),
      axis({ side: 0, size: 30, space: 90, values: (u, splits) => splits.map(format), ...(whole ? { incrs: wholeSteps } : {}) }),
    ],
  };
  const plot = mount(box, options, [indices, values]);
  const tip = el('div', { class: 'chart-tip', hidden: true });
  box.append(tip);
  plot.over.addEventListener('mousemove', () => {
    const i = plot.cursor.idx;
    tip.hidden = i === null || i === undefined;
    if (!tip.hidden) tip.textContent = `${labels[i]}: ${format(values[i])}`;
  });
  plot.over.addEventListener('mouseleave', () => { tip.hidden = true; });
  if (onPick) {
    plot.over.style.cursor = 'pointer';
    plot.over.addEventListener('click', () => { if (plot.cursor.idx !== null) onPick(plot.cursor.idx); });
  }
  return plot;
}

/** yyyy-mm-dd as seconds at UTC midnight: the dates are already WIB calendar days. */
const daySeconds = (isoDate) => Date.parse(`${isoDate}T00:00:00Z`) / 1000;
const dayLabel = (seconds) => new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', day: 'numeric', month: 'short' }).format(seconds * 1000);

/** Enrolments per day as bars, with the days without any shown as zero up to today (WIB). */
export function dailyChart(box, days, { label, dayLabel: dateLabel, today }) {
  const counts = new Map(days.map((d) => [d.date, d.enrollments]));
  const end = daySeconds(today);
  const first = Math.min(end - 29 * 86400, ...days.map((d) => daySeconds(d.date)));
  const xs = [];
  const ys = [];
  for (let s = first; s <= end; s += 86400) {
    xs.push(s);
    ys.push(counts.get(new Date(s * 1000).toISOString().slice(0, 10)) ?? 0);
  }
  const options = {
    height: 220,
    legend: { show: true, live: true },
    scales: { x: { time: true, range: () => [first - 43200, end + 43200] }, y: { range: (u, low, high) => [0, Math.max(4, high)] } },
    series: [
      { label: dateLabel, value: (u, v) => (v === null ? '' : dayLabel(v)) },
      { label, stroke: palette.bar, fill: palette.barFill, width: 0, paths: uPlot.paths.bars({ size: [0.8, 24] }), points: { show: false } },
    ],
    axes: [axis({ values: (u, splits) => splits.map(dayLabel) }), axis({ size: 44, incrs: wholeSteps })],
  };
  return mount(box, options, [xs, ys]);
}

/** A village's budget over time: committed (stepped, rising with enrolments) against allocated. */
export function budgetChart(box, { times, committed, allocated, labels, format }) {
  const wib = (parts) => (seconds) => new Intl.DateTimeFormat(locale(), { timeZone: 'Asia/Jakarta', ...parts }).format(seconds * 1000);
  const when = wib({ day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  // Ticks show the time of day within a day or two, the date beyond.
  const tick = (splits) => {
    const span = splits.at(-1) - splits[0];
    if (span < 600) return wib({ hour: '2-digit', minute: '2-digit', second: '2-digit' });
    return span < 2 * 86400 ? wib({ hour: '2-digit', minute: '2-digit' }) : wib({ day: 'numeric', month: 'short' });
  };
  const money = (u, v) => (v === null || v === undefined ? '–' : format(v));
  const stepped = uPlot.paths.stepped({ align: 1 });
  const options = {
    height: 220,
    legend: { show: true, live: true },
    scales: { x: { time: true }, y: { range: (u, low, high) => [0, Math.max(1, high) * 1.1] } },
    series: [
      { label: labels.when, value: (u, v) => (v === null ? '' : `${when(v)} WIB`) },
      { label: labels.allocated, stroke: palette.accent, width: 2, dash: [6, 4], paths: stepped, points: { show: false }, value: money },
      { label: labels.committed, stroke: palette.bar, fill: 'rgba(47,111,219,0.15)', width: 2, paths: stepped, points: { show: false }, value: money },
    ],
    axes: [axis({ space: 70, values: (u, splits) => splits.map(tick(splits)) }), axis({ size: 70, values: (u, splits) => splits.map(format) })],
  };
  return mount(box, options, [times, allocated, committed]);
}
