// Valid test identities: GB 11643 ID numbers with correct check characters, unique per call.
import { idCheckChar } from '../../src/modules/registry/validation.js';

let seq = 100;

/** A valid 18-digit ID number; sequence digits are unique within the test process. */
export function idNumber(opts: { birth?: string; sex?: '1' | '2'; address?: string } = {}): string {
  const birth = (opts.birth ?? '1980-05-17').replace(/-/g, '');
  seq += 2;
  let s = seq % 1000;
  // Odd sequence = male, even = female.
  if ((opts.sex ?? '1') === '1' && s % 2 === 0) s += 1;
  if (opts.sex === '2' && s % 2 === 1) s += 1;
  const first17 = `${opts.address ?? '140109'}${birth}${String(s % 1000).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

let phoneSeq = 10_000_000;
export function mobile(): string {
  phoneSeq += 7;
  return `139${String(phoneSeq).slice(-8)}`;
}
