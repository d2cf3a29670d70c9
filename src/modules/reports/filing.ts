// The filing number (备案号). Approval of a template files it: the reviewer's office gives it the
// next number of the year, which every copy of the report then carries where official tables
// print their 表号 (e.g. 减负备〔2026〕3号). Internal codes (pop_monthly) stay inside the platform.
import { and, eq, isNull, max, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { FilingOut } from './schemas.js';
import { reportTemplates } from './tables.js';

/** Class of the advisory lock taken while a number is given (one at a time across the cluster). */
const FILING_LOCK = 0x7166_6e6f; // "qfno"

/** The filing number as answers carry it (schemas.ts `FilingOut`). */
export type FilingNumber = FilingOut;

export function filingNumber(year: number | null | undefined, seq: number | null | undefined): FilingNumber | null {
  if (!year || !seq) return null;
  return { year, seq, zh: `减负备〔${year}〕${seq}号`, en: `Filing No. ${year}/${seq}` };
}

/** The year in China (UTC+8) of a moment. */
export function chinaYear(at: Date): number {
  return new Date(at.getTime() + 8 * 3_600_000).getUTCFullYear();
}

/** Gives the template its filing number unless it has one; call inside the approving transaction. */
export async function assignFilingNumber(tx: DbOrTx, templateId: number, at = new Date()): Promise<FilingNumber> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${FILING_LOCK}::int)`);
  const [row] = await tx.select({ year: reportTemplates.filingYear, seq: reportTemplates.filingSeq }).from(reportTemplates).where(eq(reportTemplates.id, templateId)).limit(1);
  const have = filingNumber(row?.year, row?.seq);
  if (have) return have;
  const year = chinaYear(at);
  const [{ last }] = (await tx.select({ last: max(reportTemplates.filingSeq) }).from(reportTemplates).where(eq(reportTemplates.filingYear, year))) as [{ last: number | null }];
  const seq = (last ?? 0) + 1;
  await tx.update(reportTemplates).set({ filingYear: year, filingSeq: seq }).where(and(eq(reportTemplates.id, templateId), isNull(reportTemplates.filingSeq)));
  return filingNumber(year, seq)!;
}
