// Cryptography from Node's own OpenSSL: SM3 hashes, HMAC-SM3, SM4-CBC with an HMAC-SM3 tag
// (encrypt-then-MAC), keyed SM3 for exact look-ups of encrypted values, and scrypt for passwords.
// No primitive is written here; this module only fixes formats and key handling.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../config.js';

const scrypt = promisify(scryptCb) as (pw: string | Buffer, salt: Buffer, keylen: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

export function sm3Hex(data: string | Buffer): string {
  return createHash('sm3').update(data).digest('hex');
}

export function hmacSm3Hex(key: Buffer, data: string | Buffer): string {
  return createHmac('sm3', key).update(data).digest('hex');
}

export interface DataKeys {
  /** SM4 key (16 bytes). */
  readonly encryption: Buffer;
  /** HMAC-SM3 key that authenticates ciphertexts. */
  readonly mac: Buffer;
  /** HMAC-SM3 key for blind indexes (exact-match look-up of encrypted values). */
  readonly index: Buffer;
  /** Where the keys came from, for the start-up log (never the keys themselves). */
  readonly source: 'environment' | 'generated-file';
}

/**
 * Keys come from configuration. Outside production, missing keys are generated once into
 * `<dataDir>/keys.json` (mode 0600) so that the demo runs without setup; they never go into the database.
 */
export function loadDataKeys(config: Config): DataKeys {
  if (config.dataKey && config.macKey && config.indexKey) {
    return { encryption: Buffer.from(config.dataKey, 'hex'), mac: Buffer.from(config.macKey, 'hex'), index: Buffer.from(config.indexKey, 'hex'), source: 'environment' };
  }
  if (config.env === 'production') throw new Error('QC_DATA_KEY, QC_MAC_KEY and QC_INDEX_KEY are required in production');
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'keys.json');
  if (!existsSync(file)) {
    const k = { dataKey: randomBytes(16).toString('hex'), macKey: randomBytes(16).toString('hex'), indexKey: randomBytes(16).toString('hex') };
    writeFileSync(file, JSON.stringify(k, null, 2), { mode: 0o600 });
  }
  const k = JSON.parse(readFileSync(file, 'utf8')) as { dataKey: string; macKey: string; indexKey: string };
  return {
    encryption: Buffer.from(config.dataKey || k.dataKey, 'hex'),
    mac: Buffer.from(config.macKey || k.macKey, 'hex'),
    index: Buffer.from(config.indexKey || k.indexKey, 'hex'),
    source: 'generated-file',
  };
}

/** Fixed keys for tests and benchmarks only. */
export function testDataKeys(): DataKeys {
  return { encryption: Buffer.alloc(16, 1), mac: Buffer.alloc(16, 2), index: Buffer.alloc(16, 3), source: 'environment' };
}

const CIPHER_VERSION = 's1';

export class FieldCipher {
  constructor(private readonly keys: DataKeys) {}

  /** SM4-CBC(random IV) then HMAC-SM3 over version|iv|ciphertext; stored as `s1.<base64url>`. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-cbc', this.keys.encryption, iv);
    const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = createHmac('sm3', this.keys.mac).update(CIPHER_VERSION).update(body).digest();
    return `${CIPHER_VERSION}.${Buffer.concat([body, tag]).toString('base64url')}`;
  }

  decrypt(stored: string): string {
    const dot = stored.indexOf('.');
    if (dot < 0 || stored.slice(0, dot) !== CIPHER_VERSION) throw new Error('unknown ciphertext format');
    const raw = Buffer.from(stored.slice(dot + 1), 'base64url');
    if (raw.length < 16 + 16 + 32) throw new Error('ciphertext too short');
    const body = raw.subarray(0, raw.length - 32);
    const tag = raw.subarray(raw.length - 32);
    const expected = createHmac('sm3', this.keys.mac).update(CIPHER_VERSION).update(body).digest();
    if (!timingSafeEqual(tag, expected)) throw new Error('ciphertext failed authentication');
    const decipher = createDecipheriv('sm4-cbc', this.keys.encryption, body.subarray(0, 16));
    return Buffer.concat([decipher.update(body.subarray(16)), decipher.final()]).toString('utf8');
  }

  /** Keyed SM3 of a normalised value: equal inputs give equal hashes, usable in a unique index. */
  blindIndex(kind: string, normalised: string): string {
    return hmacSm3Hex(this.keys.index, `${kind}:${normalised}`);
  }

  /**
   * Keyed SM3 of the last four characters of a normalised value (kinds "id4", "phone4"),
   * truncated to 64 bits: only 10,000 values exist, so the key is what keeps them from being
   * mapped back; the truncation keeps the index small.
   */
  tailIndex(kind: 'id4' | 'phone4', normalised: string): string {
    return this.blindIndex(kind, normalised.slice(-4).toUpperCase()).slice(0, 16);
  }
}

// scrypt parameters: N=2^15, r=8, p=1 is OWASP's baseline and costs ~50 ms here.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return timingSafeEqual(actual, expected);
}

/** A random bearer secret and the SM3 digest under which it is stored. */
export function newOpaqueToken(prefix: string): { token: string; digest: string } {
  const token = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, digest: sm3Hex(token) };
}
