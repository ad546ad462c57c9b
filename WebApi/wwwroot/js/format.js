// Numbers, money and times as Indonesians write them; times always in WIB (Asia/Jakarta).
import { lang } from './i18n.js';

const locale = () => (lang() === 'en' ? 'en-GB' : 'id-ID');

/** Rp20.160.000: Indonesian grouping, no space after Rp, whatever the page's language. */
export function rupiah(amount) {
  const n = Math.round(Number(amount) || 0);
  return `${n < 0 ? '-' : ''}Rp${Math.abs(n).toLocaleString('id-ID')}`;
}

/** A change of money: +Rp201.600 or -Rp50.400. */
export const rupiahDelta = (amount) => (amount > 0 ? `+${rupiah(amount)}` : rupiah(amount));

/** Short money for chart axes: Rp20,2 jt / Rp1,5 M. */
export function rupiahShort(amount) {
  return `Rp${new Intl.NumberFormat(locale(), { notation: 'compact', maximumFractionDigits: 1 }).format(amount)}`;
}

export const count = (n) => Number(n ?? 0).toLocaleString(locale());

/** Workers counted in parts (effective coverage: 6 paid months count fully): 1.234,5 with at most two decimals. */
export const decimal = (n) => Number(n ?? 0).toLocaleString(locale(), { maximumFractionDigits: 2 });

export function percent(part, whole) {
  if (!whole) return '0%';
  const ratio = part / whole;
  // A nation's first thousands of workers are 0,004% of its target: still shown, not rounded to 0%.
  const digits = ratio > 0 && ratio < 0.01 ? { maximumSignificantDigits: 2 } : { maximumFractionDigits: 1 };
  return new Intl.NumberFormat(locale(), { style: 'percent', ...digits }).format(ratio);
}

const wib = { timeZone: 'Asia/Jakarta' };

/** Today in WIB as yyyy-mm-dd, and its budget year (APBDes runs January to December). */
export const todayWib = () => new Intl.DateTimeFormat('en-CA', wib).format(new Date());
export const thisYear = () => Number(todayWib().slice(0, 4));

/** 26 Nov 2026 14.05 WIB */
export function dateTime(iso) {
  if (!iso) return '';
  return `${new Intl.DateTimeFormat(locale(), { ...wib, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))} WIB`;
}

/** 26 Nov 2026: the WIB day of an instant. */
export function day(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale(), { ...wib, dateStyle: 'medium' }).format(new Date(iso));
}

export function time(iso) {
  return `${new Intl.DateTimeFormat(locale(), { ...wib, timeStyle: 'medium' }).format(new Date(iso))} WIB`;
}

/** A calendar date (yyyy-mm-dd, already a WIB date): no time zone shift. */
export function date(isoDate) {
  if (!isoDate) return '';
  return new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', dateStyle: 'medium' }).format(new Date(`${isoDate}T00:00:00Z`));
}

/** A month (yyyy-mm) by its name: Februari 2026. */
export function month(isoMonth) {
  if (!isoMonth) return '';
  return new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(new Date(`${isoMonth}-01T00:00:00Z`));
}
