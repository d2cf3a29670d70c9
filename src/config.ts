// One typed configuration object, read from the environment once, validated, frozen.
// Every variable is declared here with its meaning, its default and whether it is a secret;
// `qingche config` prints this table, and a bad value stops the start with a list of what is wrong.
import { resolve } from 'node:path';
import { roles } from './platform/auth/roles.js';

type Parser<T> = (raw: string) => T;

interface VarSpec<T> {
  env: string;
  group: 'server' | 'database' | 'security' | 'devices' | 'features' | 'imports' | 'logging';
  description: string;
  secret?: boolean;
  default?: T | (() => T);
  parse: Parser<T>;
}

const str: Parser<string> = (raw) => raw;
const int =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`expected a whole number, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`expected a number from ${min} to ${max}, got ${n}`);
    return n;
  };
const bool: Parser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  throw new Error(`expected true or false, got "${raw}"`);
};
const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) => {
    if (!values.includes(raw as T)) throw new Error(`expected one of ${values.join(', ')}, got "${raw}"`);
    return raw as T;
  };
const url =
  (...protocols: string[]): Parser<string> =>
  (raw) => {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new Error(`not a URL: "${raw.replace(/\/\/[^@/]*@/, '//***@')}"`);
    }
    if (!protocols.includes(u.protocol)) throw new Error(`expected a ${protocols.join(' or ')} URL`);
    return raw;
  };
/** "30/1m", "10/30s", "200/1h" (requests per window), or "off". */
export interface RateSpec {
  readonly max: number;
  readonly windowMs: number;
}
const rate: Parser<RateSpec | null> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (v === 'off') return null;
  const m = /^(\d{1,7})\s*\/\s*(\d{1,5})\s*(s|m|h)$/.exec(v);
  if (!m) throw new Error(`expected requests per window such as 30/1m, 10/30s or 200/1h, or off; got "${raw}"`);
  const max = Number(m[1]);
  const windowMs = Number(m[2]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[3] as 's' | 'm' | 'h'];
  if (max < 1 || windowMs < 1000 || windowMs > 24 * 3_600_000) throw new Error(`expected at least 1 request in a window from 1 s to 24 h, got "${raw}"`);
  return Object.freeze({ max, windowMs });
};
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
/** Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses, CIDR ranges or loopback / linklocal / uniquelocal. */
const proxyList: Parser<readonly string[]> = (raw) => {
  const items = raw.split(',').map((x) => x.trim()).filter(Boolean);
  for (const item of items) {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) continue;
    const [addr, bits, extra] = item.split('/');
    const v4 = IPV4.test(addr ?? '');
    const v6 = !v4 && /^[0-9a-fA-F:.]+$/.test(addr ?? '') && (addr ?? '').includes(':');
    const maxBits = v4 ? 32 : 128;
    if ((!v4 && !v6) || extra !== undefined || (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > maxBits))) {
      throw new Error(`"${item}" is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal`);
    }
  }
  return Object.freeze(items);
};
const roleList: Parser<readonly string[]> = (raw) => Object.freeze(raw.split(',').map((x) => x.trim()).filter(Boolean));
/** A Leaflet tile template: an http(s) URL or a path on this server; its origin is allowed in the Content-Security-Policy. */
const tileTemplate: Parser<string> = (raw) => {
  const v = raw.trim();
  if (v === '' || v.startsWith('/')) return v;
  let u: URL;
  try {
    u = new URL(v.replace(/\{[a-z]+\}/gi, 'x'));
  } catch {
    throw new Error(`not a URL or a path: "${raw}"`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('expected an http or https URL, or a path starting with /');
  return v;
};
const hexKey: Parser<string> = (raw) => {
  if (!/^[0-9a-fA-F]{32}$/.test(raw)) throw new Error('expected 32 hex characters (a 128-bit key)');
  return raw.toLowerCase();
};

export const configSpec = {
  env: { env: 'NODE_ENV', group: 'server', description: 'development, test or production. Production refuses generated keys.', default: 'development', parse: oneOf('development', 'test', 'production') },
  port: { env: 'PORT', group: 'server', description: 'HTTP port.', default: 3000, parse: int(0, 65535) },
  host: { env: 'HOST', group: 'server', description: 'Interface to listen on (0.0.0.0 to reach it from phones on the LAN).', default: '127.0.0.1', parse: str },
  publicBaseUrl: { env: 'QC_PUBLIC_BASE_URL', group: 'server', description: 'Address residents use to reach the public pages (printed in certificate QR codes). Defaults to http://HOST:PORT.', default: '', parse: (raw) => (raw === '' ? '' : url('http:', 'https:')(raw)) },
  dataDir: { env: 'QC_DATA_DIR', group: 'database', description: 'Folder for the embedded database, generated development keys and uploaded files.', default: () => resolve(process.cwd(), 'data'), parse: (raw) => resolve(raw) },
  databaseUrl: { env: 'DATABASE_URL', group: 'database', description: 'PostgreSQL server to use instead of the embedded PGlite database.', secret: true, default: '', parse: (raw) => (raw === '' ? '' : url('postgres:', 'postgresql:')(raw)) },
  pgliteFsync: { env: 'QC_PGLITE_FSYNC', group: 'database', description: 'Embedded database: flush each commit to disk (survives a power cut, not only a killed process). Off only for throw-away data.', default: true, parse: bool },
  backupDir: { env: 'QC_BACKUP_DIR', group: 'database', description: 'Where `qingche backup` writes and `qingche doctor` looks for backups of the embedded database. Defaults to <QC_DATA_DIR>/backups; better on another disk.', default: '', parse: (raw) => (raw === '' ? '' : resolve(raw)) },
  databasePoolSize: { env: 'QC_DB_POOL', group: 'database', description: 'Connections in the PostgreSQL pool.', default: 10, parse: int(1, 200) },
  demoResidents: { env: 'QC_DEMO_RESIDENTS', group: 'features', description: 'Residents in the demo city generated on first start of `npm start`.', default: 6000, parse: int(0, 10_000_000) },
  sessionIdleMinutes: { env: 'QC_SESSION_IDLE_MINUTES', group: 'security', description: 'A session unused this long expires.', default: 30, parse: int(1, 24 * 60) },
  sessionMaxHours: { env: 'QC_SESSION_MAX_HOURS', group: 'security', description: 'A session expires this long after log-in, used or not.', default: 12, parse: int(1, 24 * 30) },
  passwordMinLength: { env: 'QC_PASSWORD_MIN_LENGTH', group: 'security', description: 'Shortest password accepted.', default: 10, parse: int(6, 128) },
  passwordMinClasses: { env: 'QC_PASSWORD_MIN_CLASSES', group: 'security', description: 'Character classes (lower, upper, digit, symbol) a password must mix.', default: 3, parse: int(1, 4) },
  lockoutThreshold: { env: 'QC_LOCKOUT_THRESHOLD', group: 'security', description: 'Failed log-ins in a row, for one account from one address, that stop log-ins to it from that address.', default: 5, parse: int(1, 100) },
  lockoutAccountThreshold: { env: 'QC_LOCKOUT_ACCOUNT_THRESHOLD', group: 'security', description: 'Failed log-ins in a row for one account from any addresses that stop log-ins to it from every address where it has not logged in lately.', default: 20, parse: int(1, 1000) },
  lockoutKnownAddressDays: { env: 'QC_LOCKOUT_KNOWN_ADDRESS_DAYS', group: 'security', description: 'An address the account logged in from within this many days is not locked out by failures from elsewhere.', default: 30, parse: int(0, 365) },
  lockoutMinutes: { env: 'QC_LOCKOUT_MINUTES', group: 'security', description: 'How long a lock lasts.', default: 15, parse: int(1, 24 * 60) },
  mfaRequiredRoles: { env: 'QC_MFA_REQUIRED_ROLES', group: 'security', description: 'Roles that must use a TOTP second factor unless an administrator changes the role policy (comma-separated).', default: Object.freeze(['admin', 'auditor', 'security_officer']) as readonly string[], parse: roleList },
  trustedProxies: { env: 'QC_TRUSTED_PROXIES', group: 'server', description: 'Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or CIDR ranges, comma-separated; loopback for one on the same machine). Empty: the connecting address is the client.', default: Object.freeze([]) as readonly string[], parse: proxyList },
  rateLimitStore: { env: 'QC_RATE_LIMIT_STORE', group: 'security', description: 'Where rate-limit counts live: database (shared by every instance), memory (this process only) or auto (database on PostgreSQL, memory on the embedded database, which one process owns).', default: 'auto', parse: oneOf('auto', 'database', 'memory') },
  rateLoginAddress: { env: 'QC_RATE_LOGIN_ADDRESS', group: 'security', description: 'Log-in attempts per client address (N/window, e.g. 30/1m, or off).', default: Object.freeze({ max: 30, windowMs: 60_000 }) as RateSpec | null, parse: rate },
  rateLoginAccount: { env: 'QC_RATE_LOGIN_ACCOUNT', group: 'security', description: 'Log-in attempts per user name, from all addresses together.', default: Object.freeze({ max: 10, windowMs: 60_000 }) as RateSpec | null, parse: rate },
  ratePublic: { env: 'QC_RATE_PUBLIC', group: 'security', description: 'Requests per client address to the public API (catalogue, handbook, public pages and reports).', default: Object.freeze({ max: 120, windowMs: 60_000 }) as RateSpec | null, parse: rate },
  rateVerify: { env: 'QC_RATE_VERIFY', group: 'security', description: 'Certificate checks per client address (scanned QR codes and typed codes; a batch counts each item).', default: Object.freeze({ max: 120, windowMs: 60_000 }) as RateSpec | null, parse: rate },
  rateVerifyCode: { env: 'QC_RATE_VERIFY_CODE', group: 'security', description: 'Typed verification codes per client address (guessing needs many; a scanned QR code does not count).', default: Object.freeze({ max: 60, windowMs: 600_000 }) as RateSpec | null, parse: rate },
  rateVerifyCodePrefix: { env: 'QC_RATE_VERIFY_CODE_PREFIX', group: 'security', description: 'Typed verification codes sharing their first five characters, from all addresses together (completing a partly known code).', default: Object.freeze({ max: 20, windowMs: 3_600_000 }) as RateSpec | null, parse: rate },
  dataKey: { env: 'QC_DATA_KEY', group: 'security', description: 'SM4 key (32 hex) that encrypts ID numbers and phones at rest. Generated into the data folder outside production.', secret: true, default: '', parse: (raw) => (raw === '' ? '' : hexKey(raw)) },
  macKey: { env: 'QC_MAC_KEY', group: 'security', description: 'HMAC-SM3 key (32 hex) that authenticates encrypted values.', secret: true, default: '', parse: (raw) => (raw === '' ? '' : hexKey(raw)) },
  indexKey: { env: 'QC_INDEX_KEY', group: 'security', description: 'Keyed SM3 key (32 hex) for exact look-up of encrypted values.', secret: true, default: '', parse: (raw) => (raw === '' ? '' : hexKey(raw)) },
  keysFile: { env: 'QC_KEYS_FILE', group: 'security', description: 'A JSON file with dataKey, macKey and indexKey (32 hex each), instead of the three variables. In production it must lie outside the data folder.', default: '', parse: (raw) => (raw === '' ? '' : resolve(raw)) },
  auditSigningKey: { env: 'QC_AUDIT_SIGNING_KEY', group: 'security', description: 'Ed25519 private key (PEM, or 64 hex characters of seed) that signs audit anchors and retention checkpoints.', secret: true, default: '', parse: str },
  auditSigningKeyFile: { env: 'QC_AUDIT_SIGNING_KEY_FILE', group: 'security', description: 'File holding that key (PEM; openssl genpkey -algorithm ed25519). Outside production, without either, one is generated into the data folder. In production it must lie outside the data folder.', default: '', parse: (raw) => (raw === '' ? '' : resolve(raw)) },
  auditAnchorFile: { env: 'QC_AUDIT_ANCHOR_FILE', group: 'security', description: 'Where signed audit anchors (the chain head: last hash and row count) are appended. Default: audit-anchors.jsonl in the data folder.', default: '', parse: (raw) => (raw === '' ? '' : resolve(raw)) },
  auditAnchorSeconds: { env: 'QC_AUDIT_ANCHOR_SECONDS', group: 'security', description: 'How often a new audit anchor is written when the log has grown (also at start-up and shutdown).', default: 60, parse: int(5, 3600) },
  auditRetentionDays: { env: 'QC_AUDIT_RETENTION_DAYS', group: 'security', description: 'Audit rows are kept at least this long (never under 180).', default: 365, parse: int(180, 36500) },
  bodyLimitBytes: { env: 'QC_BODY_LIMIT_BYTES', group: 'server', description: 'Largest JSON request body.', default: 1024 * 1024, parse: int(1024, 64 * 1024 * 1024) },
  uploadLimitBytes: { env: 'QC_UPLOAD_LIMIT_BYTES', group: 'server', description: 'Largest uploaded file (spreadsheets, photos).', default: 30 * 1024 * 1024, parse: int(1024, 1024 * 1024 * 1024) },
  // Reading an uploaded sheet (xlsx, CSV): counted as it unpacks and parses, in a worker thread (docs/import-export.md, decision 0022).
  importMaxRows: { env: 'QC_IMPORT_MAX_ROWS', group: 'imports', description: 'Rows a sheet may hold (counted as they are read, never taken from what the sheet declares).', default: 1_000_000, parse: int(1, 10_000_000) },
  importMaxColumns: { env: 'QC_IMPORT_MAX_COLUMNS', group: 'imports', description: 'Columns that may hold a value (an import maps at most 1,000).', default: 1000, parse: int(1, 1000) },
  importMaxPartMb: { env: 'QC_IMPORT_MAX_PART_MB', group: 'imports', description: 'MB one part of an xlsx file (a sheet, the string table) may unpack to.', default: 512, parse: int(1, 4095) },
  importMaxUnpackedMb: { env: 'QC_IMPORT_MAX_UNPACKED_MB', group: 'imports', description: 'MB the parts of an xlsx file may unpack to together.', default: 1024, parse: int(1, 65_536) },
  importMaxStrings: { env: 'QC_IMPORT_MAX_STRINGS', group: 'imports', description: 'Entries of an xlsx shared-string table.', default: 2_000_000, parse: int(1, 100_000_000) },
  importMaxStringsMb: { env: 'QC_IMPORT_MAX_STRINGS_MB', group: 'imports', description: 'MB of text (UTF-8) in an xlsx shared-string table.', default: 64, parse: int(1, 2048) },
  importParseSeconds: { env: 'QC_IMPORT_PARSE_SECONDS', group: 'imports', description: 'Seconds of work one step of reading a sheet may take (opening it, counting its rows, one pass over them).', default: 120, parse: int(1, 3600) },
  importWorkerMemoryMb: { env: 'QC_IMPORT_WORKER_MEMORY_MB', group: 'imports', description: 'Heap of the worker thread that reads an upload (its V8 old generation).', default: 256, parse: int(32, 16_384) },
  importWorkers: { env: 'QC_IMPORT_WORKERS', group: 'imports', description: 'Uploads read at the same time (one worker thread each; more wait their turn).', default: 2, parse: int(1, 64) },
  mqttUrl: { env: 'MQTT_URL', group: 'devices', description: 'External MQTT broker. Without it the app embeds its own broker.', secret: true, default: '', parse: (raw) => (raw === '' ? '' : url('mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:')(raw)) },
  mqttPort: { env: 'MQTT_PORT', group: 'devices', description: 'TCP port of the embedded broker (0 picks a free port; a port in use falls back to a free one).', default: 1884, parse: int(0, 65535) },
  jobsEnabled: { env: 'QC_JOBS', group: 'features', description: 'Run background sweeps (deadlines, reminders) in this instance.', default: true, parse: bool },
  jobsPollMs: { env: 'QC_JOBS_POLL_MS', group: 'features', description: 'How often the job worker looks for due work.', default: 2000, parse: int(50, 600_000) },
  jobsHeartbeatMs: { env: 'QC_JOBS_HEARTBEAT_MS', group: 'features', description: 'How often a worker running a job marks it alive.', default: 5000, parse: int(100, 60_000) },
  jobsStaleMs: { env: 'QC_JOBS_STALE_MS', group: 'features', description: 'A running job not marked alive for this long is taken over by another worker (its own died). At least three heartbeats.', default: 30_000, parse: int(1000, 3_600_000) },
  smallCellThreshold: { env: 'QC_SMALL_CELL_THRESHOLD', group: 'features', description: 'Report cells below this count are suppressed above community level.', default: 5, parse: int(0, 1000) },
  tileUrl: { env: 'QC_TILE_URL', group: 'features', description: 'Map tile URL template ({s}, {z}/{x}/{y}), http(s) or a path on this server; empty draws vector layers only. Its origin is allowed as an image source in the Content-Security-Policy.', default: '', parse: tileTemplate },
  logLevel: { env: 'QC_LOG_LEVEL', group: 'logging', description: 'pino log level.', default: 'info', parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent') },
} satisfies Record<string, VarSpec<any>>;

type Spec = typeof configSpec;
export type Config = { readonly [K in keyof Spec]: ReturnType<Spec[K]['parse']> };

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads the environment (or an override map, in tests) into a frozen Config, or throws listing every bad value. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(configSpec) as [string, VarSpec<unknown>][]) {
    const raw = env[spec.env];
    if (raw === undefined) {
      out[key] = typeof spec.default === 'function' ? (spec.default as () => unknown)() : spec.default;
      continue;
    }
    try {
      out[key] = spec.parse(raw);
    } catch (err) {
      problems.push(`${spec.env}: ${(err as Error).message}`);
    }
  }
  Object.assign(out, overrides);
  if (out.env === 'production' && !out.keysFile) {
    for (const k of ['dataKey', 'macKey', 'indexKey'] as const) {
      if (!out[k]) problems.push(`${configSpec[k].env}: required in production, or QC_KEYS_FILE outside the data folder (keys are never generated, kept in the database or beside it)`);
    }
  }
  if (out.env === 'production' && !out.auditSigningKey && !out.auditSigningKeyFile) {
    problems.push(`${configSpec.auditSigningKey.env} or ${configSpec.auditSigningKeyFile.env}: required in production (the Ed25519 key that signs audit anchors and checkpoints, kept outside the data folder)`);
  }
  if (typeof out.jobsStaleMs === 'number' && typeof out.jobsHeartbeatMs === 'number' && out.jobsStaleMs < 3 * out.jobsHeartbeatMs) {
    problems.push(`${configSpec.jobsStaleMs.env}: must be at least three heartbeats (${configSpec.jobsHeartbeatMs.env} = ${out.jobsHeartbeatMs} ms), or live jobs would be taken over`);
  }
  for (const r of (out.mfaRequiredRoles as readonly string[] | undefined) ?? []) {
    if (!(roles as readonly string[]).includes(r)) problems.push(`${configSpec.mfaRequiredRoles.env}: unknown role "${r}" (roles: ${roles.join(', ')})`);
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(out) as Config;
}

/** The table printed by `qingche config`: secrets are shown as set or unset, never their value. */
export function describeConfig(config: Config): string[] {
  return (Object.entries(configSpec) as [keyof Config, VarSpec<unknown>][]).map(([key, spec]) => {
    const v = config[key] as unknown;
    const shown = v !== null && typeof v === 'object' && 'windowMs' in v ? `${(v as RateSpec).max}/${(v as RateSpec).windowMs / 1000}s` : Array.isArray(v) ? v.join(',') : JSON.stringify(v);
    const value = spec.secret ? (config[key] ? '(set)' : '(unset)') : shown;
    return `${spec.env.padEnd(26)} ${String(value).padEnd(28)} ${spec.description}`;
  });
}
