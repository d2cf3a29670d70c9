// Where a resident lives: the linked house is the source of truth, the free-text 现住址 a note that
// must agree with it (docs/decisions/0021). The house's address is derived from its building and
// room; a free text that says another place (迎泽东街3号 against a house at 迎泽东街1号) is a
// mismatch, shown on the resident card and in the to-do list until someone corrects one of the two.
// The same rule exists twice, here and as SQL for the to-do list, and the tests hold them together.
import { sql, type SQL } from 'drizzle-orm';

export interface HouseParts {
  buildingName: string;
  buildingAddress: string;
  buildingKind: string;
  unitNo: string | null;
  roomNo: string;
}

export type AddressStatus = 'agrees' | 'mismatch' | 'house_only' | 'text_only' | 'none';

export interface AddressCheck {
  status: AddressStatus;
  /** The free text as entered. */
  text: string | null;
  /** The linked house's address, derived from building and room. */
  house: string | null;
  /** What may be printed: the house's address when a house is linked and nothing contradicts it, else the text. */
  address: string | null;
}

const SINGLE_HOUSE = new Set(['rural_house', 'bungalow']);

/** 迎泽东街1号 1号楼 2单元 301室; a village house is just its building (迎泽东街1号院). */
export function houseAddress(h: HouseParts): string {
  const base = h.buildingName.startsWith(h.buildingAddress) ? h.buildingName : `${h.buildingAddress}${h.buildingName}`;
  if (SINGLE_HOUSE.has(h.buildingKind) && !h.unitNo && (h.roomNo === '' || h.roomNo === '1')) return base;
  const unit = h.unitNo ? (/单元$/.test(h.unitNo) ? h.unitNo : `${h.unitNo}单元`) : '';
  const room = /[室号]$/.test(h.roomNo) ? h.roomNo : `${h.roomNo}室`;
  return `${base}${unit}${room}`;
}

/** The same without the building's name (迎泽东街1号2单元301室), as people often write it. */
function houseAddressShort(h: HouseParts): string {
  return houseAddress({ ...h, buildingName: h.buildingAddress });
}

/** Spaces dropped, full-width digits and letters made ASCII, Latin letters lower case. */
export function normaliseAddress(s: string): string {
  return s
    .replace(/\s+/g, '')
    .replace(/[０-９Ａ-Ｚａ-ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[—－]/g, '-')
    .toLowerCase();
}

/** `a` starts with `p`, and does not go on with a digit when `p` ends with one (1号 is not 12号). */
function prefixOf(p: string, a: string): boolean {
  if (!p || !a.startsWith(p)) return false;
  return !(/\d$/.test(p) && /^\d/.test(a.slice(p.length)));
}

/**
 * The text agrees with the house when one says less than the other but nothing else: the text is
 * the start of the house's address (迎泽东街1号), or the house's address with more detail after it.
 */
export function addressesAgree(text: string, h: HouseParts): boolean {
  const t = normaliseAddress(text);
  for (const full of [houseAddress(h), houseAddressShort(h)].map(normaliseAddress)) if (prefixOf(t, full) || prefixOf(full, t)) return true;
  return false;
}

export function checkAddress(text: string | null | undefined, h: HouseParts | null): AddressCheck {
  const free = text?.trim() ? text.trim() : null;
  const house = h ? houseAddress(h) : null;
  if (!free && !house) return { status: 'none', text: null, house: null, address: null };
  if (!house) return { status: 'text_only', text: free, house: null, address: free };
  if (!free) return { status: 'house_only', text: null, house, address: house };
  return addressesAgree(free, h!) ? { status: 'agrees', text: free, house, address: house } : { status: 'mismatch', text: free, house, address: null };
}

// ---- the same rule in SQL (the to-do list finds mismatches across a scope) --------------------

const norm = (e: SQL) => sql`lower(translate(regexp_replace(${e}, '\\s+', '', 'g'), '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ－—', '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz--'))`;

/** houseAddress() over building b and house h, optionally without the building's name. */
function houseAddressSql(short: boolean): SQL {
  const base = short ? sql`b.address` : sql`CASE WHEN left(b.name, length(b.address)) = b.address THEN b.name ELSE b.address || b.name END`;
  const unit = sql`CASE WHEN h.unit_no IS NULL OR h.unit_no = '' THEN '' WHEN h.unit_no ~ '单元$' THEN h.unit_no ELSE h.unit_no || '单元' END`;
  const room = sql`CASE WHEN h.room_no ~ '[室号]$' THEN h.room_no ELSE h.room_no || '室' END`;
  return sql`CASE WHEN b.kind IN ('rural_house', 'bungalow') AND (h.unit_no IS NULL OR h.unit_no = '') AND h.room_no IN ('', '1') THEN ${base} ELSE ${base} || ${unit} || ${room} END`;
}

function prefixSql(p: SQL, a: SQL): SQL {
  return sql`(length(${p}) > 0 AND left(${a}, length(${p})) = ${p} AND NOT (${p} ~ '[0-9]$' AND substr(${a}, length(${p}) + 1, 1) ~ '^[0-9]'))`;
}

/**
 * True where resident r's free text contradicts its house h in building b (the three joined by the
 * caller under exactly these aliases).
 */
export function addressMismatchSql(): SQL {
  const t = norm(sql`r.address`);
  const parts = [houseAddressSql(false), houseAddressSql(true)].map((e) => norm(e));
  const agrees = sql.join(parts.map((f) => sql`(${prefixSql(t, f)} OR ${prefixSql(f, t)})`), sql` OR `);
  return sql`(r.address IS NOT NULL AND btrim(r.address) <> '' AND NOT (${agrees}))`;
}
