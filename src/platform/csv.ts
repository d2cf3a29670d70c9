// CSV that spreadsheet programs open safely. A cell starting with =, +, -, @, a tab or a carriage
// return is taken by Excel, WPS and LibreOffice as a formula (=HYPERLINK(…), =cmd|…): such text
// gets a leading apostrophe, as OWASP advises, so it shows as typed and never runs. Plain numbers
// ("-5", "+3.5", "12%") stay numbers: they cannot carry a formula. Fields with commas, quotes or
// line breaks are quoted (RFC 4180).
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?%?$/i;

export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',');
}
