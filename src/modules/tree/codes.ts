// Division and grid codes: GB/T 2260 (6 digits to county), the statistics bureau's 9-digit
// township and 12-digit village/community codes, and GB/T 30428.1 15-digit grid codes.
import type { NodeKind, TreeLevel } from './tables.js';

/** County-level kind from the last two digits of a 6-digit code: 01-20 市辖区, 21-80 县, 81-99 县级市, 70-79 statistical zones. */
export function districtKind(code: string): NodeKind {
  const n = Number(code.slice(4, 6));
  if (n >= 71 && n <= 79) return 'zone';
  if (n >= 81) return 'county_city';
  if (n >= 21) return 'county';
  return 'urban_district';
}

/** Township kind from the 7th digit of a 9-digit code: 0 街道, 1 镇, 2-3 乡, 4+ zones. */
export function streetKind(code: string): NodeKind {
  const d = code.charAt(6);
  if (d === '0') return 'subdistrict';
  if (d === '1') return 'town';
  if (d === '2' || d === '3') return 'township';
  return 'zone';
}

/** Community kind from the last 3 digits of a 12-digit code: 001-199 居委会, 200+ 村委会. */
export function communityKind(code: string): NodeKind {
  return Number(code.slice(9, 12)) >= 200 ? 'villagers_committee' : 'residents_committee';
}

const LENGTH: Record<TreeLevel, number> = { city: 6, district: 6, street: 9, community: 12, grid: 15 };

/** Checks a code's shape for its level and that it extends its parent's code. Returns a reason or null. */
export function codeProblem(level: TreeLevel, code: string, parentCode: string | null): string | null {
  if (!/^\d+$/.test(code) || code.length !== LENGTH[level]) return `a ${level} code has ${LENGTH[level]} digits`;
  if (!parentCode) return null;
  if (level === 'district') return code.slice(0, 4) === parentCode.slice(0, 4) ? null : 'a district code starts with its city code';
  if (!code.startsWith(parentCode)) return `the code must start with the parent code ${parentCode}`;
  return null;
}

/** The GB/T 30428.1 grid code: the community's 12 digits and a 3-digit grid number. */
export function gridCode(communityCode: string, seq: number): string {
  return `${communityCode}${String(seq).padStart(3, '0')}`;
}

export function districtCodeOf(code: string): string {
  return code.slice(0, 6);
}

/** Ids along a path "/1/12/130/" -> [1, 12, 130]. */
export function pathIds(path: string): number[] {
  return path.split('/').filter(Boolean).map(Number);
}
