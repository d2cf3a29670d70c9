// Benchmark helpers: every figure is printed next to a baseline measured in the same run on the
// same machine, as a ratio, so that numbers from different machines can still be compared.
import { performance } from 'node:perf_hooks';

export interface Row {
  /** What was measured, e.g. "resident by ID number (PostgreSQL)". */
  name: string;
  /** The measured figure. */
  value: number;
  unit: string;
  /** The same-run baseline it is compared with, and what that baseline is. */
  baseline?: { name: string; value: number };
  /** How the ratio reads: "lower" (latency: value/baseline) or "higher" (throughput: value/baseline). */
  better: 'lower' | 'higher';
  /** A target from the issue, e.g. "p99 < 20 ms"; checked when `limit` is given. */
  target?: string;
  limit?: { max?: number; min?: number };
  note?: string;
}

export interface BenchContext {
  /** postgres:// URL of a scratch server database, when one is available. */
  pgUrl?: string;
  /** Scale chosen on the command line (--residents N). */
  residents: number;
  quick: boolean;
  log(msg: string): void;
}

export interface Suite {
  name: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

export interface LatencyStats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  opsPerSec: number;
}

/** Runs `fn` `n` times after `warmup` runs, `concurrency` at a time; latencies in ms. */
export async function measure(fn: (i: number) => Promise<unknown>, opts: { n: number; warmup?: number; concurrency?: number }): Promise<LatencyStats> {
  for (let i = 0; i < (opts.warmup ?? Math.min(20, opts.n)); i++) await fn(i);
  const lat: number[] = [];
  const c = opts.concurrency ?? 1;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      for (;;) {
        const i = next++;
        if (i >= opts.n) return;
        const t0 = performance.now();
        await fn(i);
        lat.push(performance.now() - t0);
      }
    }),
  );
  const total = performance.now() - started;
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
  return { n: lat.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), mean: lat.reduce((s, x) => s + x, 0) / lat.length, opsPerSec: (lat.length / total) * 1000 };
}

/** Wall time of one run of `fn`, in ms. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function fmt(v: number): string {
  if (v >= 1000) return Math.round(v).toLocaleString('en-US');
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** Prints the table: figure, baseline, ratio, target and whether it was met. */
export function printTable(title: string, rows: Row[]): string[] {
  const out: string[] = [];
  const header = ['measure', 'value', 'baseline (same run)', 'ratio', 'target', 'met'];
  const lines = rows.map((r) => {
    const ratio = r.baseline ? r.value / r.baseline.value : undefined;
    const met = r.limit ? ((r.limit.max === undefined || r.value <= r.limit.max) && (r.limit.min === undefined || r.value >= r.limit.min) ? 'yes' : 'NO') : '';
    return [
      r.name,
      `${fmt(r.value)} ${r.unit}`,
      r.baseline ? `${fmt(r.baseline.value)} ${r.unit} ${r.baseline.name}` : '',
      ratio === undefined ? '' : `${ratio.toFixed(2)}x`,
      r.target ?? '',
      met,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => [...l[i]!].length)));
  const row = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - [...c].length))).join(' | ');
  out.push('', `## ${title}`, row(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(row));
  for (const r of rows) if (r.note) out.push(`  note: ${r.name}: ${r.note}`);
  console.log(out.join('\n'));
  return out;
}
