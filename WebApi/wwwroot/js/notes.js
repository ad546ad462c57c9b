// The "what" of an audit entry in the reader's language. The ledger records it once, in the
// service's own small vocabulary (ChangeNotes.cs: "income Rp1,000,000, JKK+JKM, Rp16,800/month x 12
// from 2026-11", "into 2027 SD, ..." for a renewal, "2027 apparatus: target 8 workers, ..." for a
// programme); the record stays as written, and the page says it in Bahasa Indonesia by swapping
// those words and writing rupiah the Indonesian way. Words it does not know pass through unchanged.
import { lang } from './i18n.js';

const words = [
  // Money with BPJS (payments, termination, reinstatement) and the reconciliation's notes.
  [/\bmore than (\d+) months in arrears, membership ended \(berakhir kepesertaan\); covered until\b/g, 'lebih dari $1 bulan menunggak, kepesertaan berakhir; terlindungi sampai'],
  [/\bmembership restored, covered until\b/g, 'kepesertaan dipulihkan, terlindungi sampai'],
  [/\breason:/g, 'alasan:'],
  [/\bpayment (\S+) of\b/g, 'pembayaran $1 sebesar'],
  [/\bpaid on\b/g, 'dibayar'],
  [/\bexpected\b/g, 'seharusnya'],
  [/\boverpaid\b/g, 'lebih bayar'],
  [/\bunderpaid\b/g, 'kurang bayar'],
  [/\bconfirmed by BPJS\b/g, 'terkonfirmasi BPJS'],
  [/\brefused by BPJS\b/g, 'ditolak BPJS'],
  [/\bregistered on\b/g, 'terdaftar'],
  [/ (for) (\d{4}-\d{2})/g, ' untuk $2'],
  [/\bmonths not begun refunded\b/g, 'bulan yang belum berjalan dikembalikan'],
  [/\bname corrected\b/g, 'nama dikoreksi'],
  [/\/month\b/g, '/bulan'],
  [/\bmonths\b/g, 'bulan'],
  [/\bworkers\b/g, 'pekerja'],
  [/\bbudget\b/g, 'anggaran'],
  [/\bfunding\b/g, 'sumber dana'],
  [/\bcoverage\b/g, 'masa perlindungan'],
  [/\bincome\b/g, 'penghasilan'],
  [/\bpremium\b/g, 'iuran'],
  [/\boccupation\b/g, 'pekerjaan'],
  [/\bagent\b/g, 'agen'],
  [/\bfrom (\d{4}-\d{2})\b/g, 'mulai $1'],
  [/\binto (\d{4}) /g, 'ke program $1 '],
  [/\bapparatus\b/g, 'perangkat desa'],
  [/\bnone\b/g, 'tidak ada'],
];

/** "Rp1,000,000" as "Rp1.000.000". */
const rupiah = (text) => text.replace(/Rp(\d{1,3}(?:,\d{3})+)/g, (match, digits) => `Rp${digits.replaceAll(',', '.')}`);

export function localizeNote(what) {
  if (lang() !== 'id' || !what) return what;
  return words.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), rupiah(what));
}
