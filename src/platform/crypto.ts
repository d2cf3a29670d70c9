// Cryptography from Node's own OpenSSL: SM3 hashes, HMAC-SM3, SM4-CBC with an HMAC-SM3 tag
// (encrypt-then-MAC), keyed SM3 for exact look-ups of encrypted values, scrypt for passwords, and
// the Ed25519 key that signs the audit log's anchors and checkpoints.
// No primitive is written here; this module only fixes formats and key handling.
import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scrypt as scryptCb, timingSafeEqual, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
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
  /** Ed25519 private key that signs audit anchors and retention checkpoints (never in the database). */
  readonly auditSigning: KeyObject;
  /** Where the keys came from, for the start-up log (never the keys themselves). */
  readonly source: 'environment' | 'key-file' | 'generated-file';
  readonly auditSigningSource: 'environment' | 'key-file' | 'generated-file';
  /** The file the signing key was read from or generated into, when it came from one. */
  readonly auditSigningFile?: string;
}

/** Refused at start-up: a key kept where the database is kept is no protection against someone who has the data folder. */
export class KeyPlacementError extends Error {}

/** Is `path` the data folder or inside it (symbolic links followed as far as they exist)? */
export function isInside(dataDir: string, path: string): boolean {
  const real = (p: string): string => {
    const abs = resolve(p);
    try {
      return realpathSync(abs);
    } catch {
      // Not there yet: resolve the nearest parent that is.
      const parent = dirname(abs);
      return parent === abs ? abs : join(real(parent), basename(abs));
    }
  };
  const rel = relative(real(dataDir), real(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

const hex32 = /^[0-9a-fA-F]{32}$/;

/** The three data keys of a key file (`QC_KEYS_FILE`, or the generated `<dataDir>/keys.json`). */
function readKeyFile(file: string): { dataKey: string; macKey: string; indexKey: string } {
  let k: Record<string, unknown>;
  try {
    k = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot read the key file ${file}: ${(err as Error).message}`);
  }
  for (const name of ['dataKey', 'macKey', 'indexKey']) {
    if (typeof k[name] !== 'string' || !hex32.test(k[name] as string)) throw new Error(`the key file ${file} needs "${name}": 32 hex characters`);
  }
  return k as { dataKey: string; macKey: string; indexKey: string };
}

// PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 private key from PEM text or a 64-hex-character seed. */
export function parseSigningKey(text: string, where: string): KeyObject {
  const t = text.trim();
  let key: KeyObject;
  try {
    key = /^[0-9a-fA-F]{64}$/.test(t)
      ? createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(t, 'hex')]), format: 'der', type: 'pkcs8' })
      : createPrivateKey(t);
  } catch (err) {
    throw new Error(`${where}: not an Ed25519 private key (PEM, or 64 hex characters of seed): ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${where}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** An Ed25519 public key from PEM text (an auditor's copy, `audit-verify --public-key`). */
export function parsePublicKey(text: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(text.trim());
  } catch (err) {
    throw new Error(`${where}: not a public key in PEM: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${where}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** The generated development key file of the audit signing key, when none is configured. */
export function defaultSigningKeyFile(config: Config): string {
  return join(config.dataDir, 'audit-signing-key.pem');
}

function loadSigningKey(config: Config): { key: KeyObject; source: DataKeys['auditSigningSource']; file?: string } {
  const production = config.env === 'production';
  if (config.auditSigningKey) return { key: parseSigningKey(config.auditSigningKey, 'QC_AUDIT_SIGNING_KEY'), source: 'environment' };
  if (config.auditSigningKeyFile) {
    if (production && isInside(config.dataDir, config.auditSigningKeyFile)) {
      throw new KeyPlacementError(`QC_AUDIT_SIGNING_KEY_FILE (${config.auditSigningKeyFile}) lies inside the data folder ${config.dataDir}: in production the audit signing key must be kept apart from the data it protects (an environment variable or a file elsewhere)`);
    }
    const file = config.auditSigningKeyFile;
    if (existsSync(file)) return { key: parseSigningKey(readFileSync(file, 'utf8'), file), source: 'key-file', file };
    if (production) throw new Error(`QC_AUDIT_SIGNING_KEY_FILE: ${file} does not exist (make one with: openssl genpkey -algorithm ed25519 -out FILE)`);
    return { key: generateSigningKeyFile(file), source: 'generated-file', file };
  }
  if (production) throw new Error('QC_AUDIT_SIGNING_KEY or QC_AUDIT_SIGNING_KEY_FILE is required in production (the Ed25519 key that signs audit anchors and checkpoints)');
  const file = defaultSigningKeyFile(config);
  if (existsSync(file)) return { key: parseSigningKey(readFileSync(file, 'utf8'), file), source: 'generated-file', file };
  return { key: generateSigningKeyFile(file), source: 'generated-file', file };
}

function generateSigningKeyFile(file: string): KeyObject {
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  return privateKey;
}

/**
 * Keys come from configuration: the environment (`QC_DATA_KEY`, `QC_MAC_KEY`, `QC_INDEX_KEY`) or
 * a key file named by `QC_KEYS_FILE`. Outside production, missing keys are generated once into
 * `<dataDir>/keys.json` (mode 0600) so that the demo runs without setup; they never go into the
 * database. In production a key is refused when it is kept inside the data folder (a key file
 * there, or a `keys.json` left there): whoever copies the folder would hold the database and the
 * key that re-chains its audit log. The audit signing key follows the same rule.
 */
export function loadDataKeys(config: Config): DataKeys {
  const production = config.env === 'production';
  const generated = join(config.dataDir, 'keys.json');
  if (production && existsSync(generated)) {
    throw new KeyPlacementError(`${generated} holds keys inside the data folder: in production the MAC key (which keys the audit chain) and the other data keys must come from QC_DATA_KEY / QC_MAC_KEY / QC_INDEX_KEY or from QC_KEYS_FILE outside ${config.dataDir}. Move the file out of the data folder and point QC_KEYS_FILE at it.`);
  }
  if (production && config.keysFile && isInside(config.dataDir, config.keysFile)) {
    throw new KeyPlacementError(`QC_KEYS_FILE (${config.keysFile}) lies inside the data folder ${config.dataDir}: in production the keys must be kept apart from the database (move the file elsewhere)`);
  }
  const signing = loadSigningKey(config);
  const fromFile = config.keysFile ? readKeyFile(config.keysFile) : null;
  const pick = (env: string, file: string | undefined) => env || file || '';
  const env = { dataKey: pick(config.dataKey, fromFile?.dataKey), macKey: pick(config.macKey, fromFile?.macKey), indexKey: pick(config.indexKey, fromFile?.indexKey) };
  if (env.dataKey && env.macKey && env.indexKey) {
    return {
      encryption: Buffer.from(env.dataKey, 'hex'), mac: Buffer.from(env.macKey, 'hex'), index: Buffer.from(env.indexKey, 'hex'),
      auditSigning: signing.key, source: fromFile ? 'key-file' : 'environment', auditSigningSource: signing.source, ...(signing.file ? { auditSigningFile: signing.file } : {}),
    };
  }
  if (production) throw new Error('QC_DATA_KEY, QC_MAC_KEY and QC_INDEX_KEY (or QC_KEYS_FILE outside the data folder) are required in production');
  mkdirSync(config.dataDir, { recursive: true });
  if (!existsSync(generated)) {
    const k = { dataKey: randomBytes(16).toString('hex'), macKey: randomBytes(16).toString('hex'), indexKey: randomBytes(16).toString('hex') };
    writeFileSync(generated, JSON.stringify(k, null, 2), { mode: 0o600 });
  }
  const k = readKeyFile(generated);
  return {
    encryption: Buffer.from(env.dataKey || k.dataKey, 'hex'),
    mac: Buffer.from(env.macKey || k.macKey, 'hex'),
    index: Buffer.from(env.indexKey || k.indexKey, 'hex'),
    auditSigning: signing.key,
    source: 'generated-file',
    auditSigningSource: signing.source,
    ...(signing.file ? { auditSigningFile: signing.file } : {}),
  };
}

/** Fixed keys for tests and benchmarks only. */
export function testDataKeys(): DataKeys {
  return {
    encryption: Buffer.alloc(16, 1), mac: Buffer.alloc(16, 2), index: Buffer.alloc(16, 3),
    auditSigning: parseSigningKey('04'.repeat(32), 'test key'), source: 'environment', auditSigningSource: 'environment',
  };
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
