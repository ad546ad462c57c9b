// A village's money with BPJS for a budget year's programme (GET .../programs/{year}/dues): its
// months (due date, workers, due, paid, status), its arrears and payments, and the payment form for
// whoever pays that programme: the months ticked in the table, the amount filled with what they still
// owe, the over- or underpayment said before sending (and recorded as such, never absorbed).
import '../i18n-bpjs.js'; // this screen's words
import { t } from '../i18n.js';
import { el, replace, figure, problemBox, notice, simpleTable, tickTable, keepListed, form, field } from '../ui.js';
import { call, get } from '../api.js';
import { count, date, dateTime, month, rupiah, todayWib } from '../format.js';
import { caller } from '../session.js';
import { allPrograms, programName } from './village-programs.js';

/** The roles that read a programme's dues (an agent does not). */
const readers = ['village-operator', 'district-officer', 'regency-officer', 'province-officer', 'bpjs-branch', 'national-monitor', 'national-admin'];

/**
 * Whether the signed-in caller pays this funder's programmes in this village: the village operator
 * its own budget (SD) and other sources (SL), a regency or province officer the regional budget (SA).
 * The page only offers the form; the API decides.
 */
export function mayPay(code, fundingSource) {
  const who = caller();
  if (!who) return false;
  const within = (region) => code === region || code.startsWith(`${region}.`);
  if (fundingSource === 'SA') return who.roles.some((r) => r === 'regency-officer' || r === 'province-officer') && who.regions.some(within);
  return who.roles.includes('village-operator') && who.regions.includes(code);
}

const keyOf = (p) => `${p.fundingSource}|${p.cohort}`;

/** What the ticked months still owe: their due less what was paid, never below zero. */
export function stillOwed(months, chosen) {
  return months.filter((m) => chosen.has(m.month)).reduce((sum, m) => sum + Math.max(0, m.amountDue - m.amountPaid), 0);
}

/** "lebih Rp3.600", "kurang Rp3.600" or "pas": a payment's difference from what it was expected to be. */
export const difference = (d) => (d > 0 ? t('difference.over', { amount: rupiah(d) }) : d < 0 ? t('difference.under', { amount: rupiah(-d) }) : t('difference.none'));

export function duesPanel(code, current, refresh) {
  const who = caller();
  const reads = who !== null && who.roles.some((r) => readers.includes(r));
  const year = el('select', { id: 'dues-year', name: 'year' });
  const programme = el('select', { id: 'dues-program', name: 'program' });
  const programmeField = field(t('dues.program'), programme);
  const slot = el('div', { class: 'slot' });
  const figures = el('div', { class: 'figures small', id: 'dues-figures' });
  const rule = el('p', { class: 'hint', id: 'dues-rule' });
  const months = el('div', { id: 'dues-months' });
  const payments = el('div', { id: 'dues-payments' });
  const payer = el('div', { id: 'payment' });
  const chosen = new Set();
  let dues = null;

  const pay = paymentForm(code, () => dues, chosen, async (answer) => {
    dues = answer;
    chosen.clear();
    draw();
    await refresh();
  });

  const programmesOf = (y) => allPrograms(current()).filter((p) => String(p.year) === y)
    .sort((a, b) => (a.cohort === b.cohort ? a.fundingSource.localeCompare(b.fundingSource) : a.cohort === 'vulnerable' ? -1 : 1));
  const drawChoices = () => {
    const village = current();
    const years = [...new Set(allPrograms(village).map((p) => p.year))].sort();
    const keep = year.value || String(years.includes(village.year) ? village.year : years.at(-1) ?? village.year);
    replace(year, years.map((y) => el('option', { value: y, selected: String(y) === keep }, y === village.year ? t('years.thisYear', { year: y }) : String(y))));
    const ofYear = programmesOf(year.value);
    const keepProgramme = programme.value;
    replace(programme, ofYear.map((p) => el('option', { value: keyOf(p), selected: keyOf(p) === keepProgramme }, programName(p))));
    programmeField.hidden = ofYear.length < 2;
  };

  const draw = () => {
    if (!dues) { replace(figures); replace(months); replace(payments); replace(rule); replace(payer); return; }
    const canPay = mayPay(code, dues.fundingSource) && !dues.prepaid;
    keepListed(chosen, dues.months.filter((m) => m.status !== 'paid'), (m) => m.month);
    rule.textContent = dues.prepaid ? t('dues.prepaid') : t('dues.rule', { months: dues.monthsInArrearsAllowed });
    replace(figures,
      figure('dues-amountInArrears', t('dues.inArrears'), {
        value: dues.amountInArrears, text: rupiah(dues.amountInArrears), money: true, warn: true,
        sub: t('dues.inArrearsSub', { months: count(dues.inArrears) }),
      }),
      figure('dues-amountDue', t('dues.amountDue'), { value: dues.amountDue, text: rupiah(dues.amountDue), money: true }),
      figure('dues-amountPaid', t('dues.amountPaid'), {
        value: dues.amountPaid, text: rupiah(dues.amountPaid), money: true, ratio: dues.amountPaid / (dues.amountDue || 1),
        sub: dues.overpaid ? t('dues.overpaid', { amount: rupiah(dues.overpaid) }) : null,
      }));
    replace(months, monthsTable(dues, canPay ? chosen : null, () => pay.update()));
    replace(payments, el('h3', { class: 'sub' }, t('dues.payments')),
      dues.payments.length ? paymentsTable(dues.payments) : el('p', { class: 'hint' }, t('dues.noPayments')));
    replace(payer, canPay ? pay.element : dues.prepaid ? null : el('p', { class: 'hint', id: 'payment-who' }, t(dues.fundingSource === 'SA' ? 'pay.whoSA' : 'pay.whoSD')));
    pay.update();
  };

  const reload = async () => {
    if (!reads) return;
    drawChoices();
    const p = programmesOf(year.value).find((x) => keyOf(x) === programme.value);
    if (!p) { dues = null; replace(slot, el('p', { class: 'empty' }, t('dues.noProgram'))); draw(); return; }
    try {
      dues = await get(`/api/villages/${code}/programs/${p.year}/dues?fundingSource=${p.fundingSource}&cohort=${p.cohort}`);
      replace(slot);
    } catch (problem) {
      dues = null;
      replace(slot, problemBox(problem));
    }
    draw();
  };
  year.addEventListener('change', () => { programme.value = ''; chosen.clear(); reload(); });
  programme.addEventListener('change', () => { chosen.clear(); reload(); });

  const element = el('div', { id: 'dues' },
    reads ? [el('div', { class: 'form inline' }, field(t('dues.year'), year), programmeField), slot, figures, rule, months, payments, payer]
      : el('p', { class: 'hint' }, t('dues.signIn')));
  return { element, reload };
}

/** The months, each ticked to pay when chosen is given (a payer's table); paid months have nothing to tick. */
function monthsTable(dues, chosen, changed) {
  const columns = [
    { label: t('column.month') }, { label: t('column.dueDate') }, { label: t('column.workers'), number: true },
    { label: t('column.due'), number: true }, { label: t('column.paid'), number: true }, { label: t('column.status') }, { label: t('column.paidOn') },
  ];
  const cells = (m) => [month(m.month), date(m.dueDate), count(m.workers), rupiah(m.amountDue),
    [rupiah(m.amountPaid), m.overpaid ? el('span', { class: 'overpaid' }, ` (${t('difference.over', { amount: rupiah(m.overpaid) })})`) : null],
    el('span', { class: `month-status month-${m.status}` }, t(`monthStatus.${m.status}`)), date(m.paidOn)];
  const attributes = (m) => ({ dataset: { month: m.month, status: m.status } });
  if (!chosen) return simpleTable('dues-table', columns, dues.months.map((m) => ({ attributes: attributes(m), cells: cells(m) })));
  return tickTable('dues-table', {
    allId: 'dues-choose-all', allLabel: t('dues.chooseAll'), items: dues.months, chosen, changed, columns, cells, attributes,
    key: (m) => m.month, label: (m) => t('dues.choose', { month: month(m.month) }), open: (m) => m.status !== 'paid',
  });
}

function paymentsTable(list) {
  return simpleTable('payments-table', [
    { label: t('column.reference') }, { label: t('column.paidOn') }, { label: t('column.month') }, { label: t('column.amount'), number: true },
    { label: t('column.expected'), number: true }, { label: t('column.difference'), number: true }, { label: t('column.recordedAt') },
  ], [...list].reverse().map((p) => ({
    attributes: { dataset: { reference: p.reference } },
    cells: [p.reference, date(p.paidOn), p.months.map(month).join(', '), rupiah(p.amount), rupiah(p.expected),
      el('span', { class: p.difference ? 'difference off' : 'difference' }, difference(p.difference)), dateTime(p.recordedAt)],
  })));
}

/**
 * Reference, day paid, the months ticked in the table and the amount (filled with what they still
 * owe whenever the ticks change); says over- or underpayment as the amount is typed. recorded(dues)
 * gets the programme's dues after the payment.
 */
function paymentForm(code, dues, chosen, recorded) {
  const reference = el('input', { name: 'reference', id: 'pay-reference', required: true, maxlength: 64, autocomplete: 'off' });
  const paidOn = el('input', { name: 'paidOn', id: 'pay-paid-on', type: 'date', required: true, value: todayWib(), max: todayWib() });
  const amount = el('input', { name: 'amount', id: 'pay-amount', type: 'number', min: 1, step: 1, required: true });
  const which = el('p', { class: 'hint', id: 'pay-months' });
  const says = el('p', { id: 'pay-difference', 'aria-live': 'polite' });
  let ticked = '';

  const sayDifference = () => {
    const expected = stillOwed(dues()?.months ?? [], chosen);
    const given = Number(amount.value) || 0;
    const gap = given - expected;
    says.className = gap === 0 ? 'pay-difference' : 'pay-difference off';
    says.textContent = chosen.size === 0 ? '' : `${t('pay.expected', { amount: rupiah(expected) })} · ${
      gap > 0 ? t('pay.over', { amount: rupiah(gap) }) : gap < 0 ? t('pay.under', { amount: rupiah(-gap) }) : t('pay.exact')}`;
  };
  amount.addEventListener('input', sayDifference);

  const element = form('payment-form', [
    el('h3', {}, t('pay.title')),
    el('p', { class: 'hint' }, t('pay.hint')),
    which,
    el('div', { class: 'grid-2' }, field(t('pay.reference'), reference), field(t('pay.paidOn'), paidOn), field(t('pay.amount'), amount)),
    says,
  ], t('pay.submit'), async (slot) => {
    if (chosen.size === 0) { replace(slot, notice(t('pay.noneChosen'), 'warn')); return; }
    const d = dues();
    const paid = [...chosen].sort();
    const { status, body } = await call(`/api/villages/${code}/programs/${d.year}/payments`, {
      method: 'POST',
      json: { reference: reference.value.trim(), paidOn: paidOn.value, months: paid, amount: Number(amount.value), fundingSource: d.fundingSource, cohort: d.cohort },
    });
    const words = { reference: body.payment.reference, amount: rupiah(body.payment.amount), months: body.payment.months.map(month).join(', ') };
    replace(slot, notice(status === 201 ? t('pay.created', words) : t('pay.again', words), body.payment.difference ? 'warn' : 'ok'));
    if (body.payment.difference) slot.append(el('p', { class: 'hint' }, `${t('column.difference')}: ${difference(body.payment.difference)}`));
    reference.value = '';
    await recorded(body.dues);
  });

  return {
    element,
    /** After a tick (or a reload): the months named and, when they changed, the amount they still owe. */
    update() {
      const now = [...chosen].sort().join();
      which.textContent = chosen.size ? t('pay.months', { months: [...chosen].sort().map(month).join(', ') }) : t('pay.noMonths');
      if (now !== ticked) {
        ticked = now;
        const expected = stillOwed(dues()?.months ?? [], chosen);
        amount.value = chosen.size ? String(expected) : '';
      }
      sayDifference();
    },
  };
}
