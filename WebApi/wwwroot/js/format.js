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

export function percent(part, whole) {
  if (!whole) return '0%';
  const ratio = part / whole;
  // A nation's first thousands of workers are 0,004% of its target: still shown, not rounded to 0%.
  const digits = ratio > 0 && ratio < 0.01 ? { maximumSignificantDigits: 2 } : { maximumFractionDigits: 1 };
  return new Intl.NumberFormat(locale(), { style: 'percent', ...digits }).format(ratio);
}

const wib = { timeZone: 'Asia/Jakarta' };

/** 26 Nov 2026 14.05 WIB */
export function dateTime(iso) {
  if (!iso) return '';
  return `${new Intl.DateTimeFormat(locale(), { ...wib, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))} WIB`;
}

export function time(iso) {
  return `${new Intl.DateTimeFormat(locale(), { ...wib, timeStyle: 'medium' }).format(new Date(iso))} WIB`;
}

/** A calendar date (yyyy-mm-dd, already a WIB date): no time zone shift. */
export function date(isoDate) {
  if (!isoDate) return '';
  return new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', dateStyle: 'medium' }).format(new Date(`${isoDate}T00:00:00Z`));
}
