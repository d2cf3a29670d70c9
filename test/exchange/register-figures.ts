// Figures of a register import as the wizard runs it: the counts, and the refused and warned
// rows grouped by reason (a reason's names, numbers and quoted values blanked out, so that
// "楼栋“3号楼”…" and "楼栋“7号楼”…" are one reason).
import type { TestApp } from '../support/app.js';

export interface IssueRow {
  rowNo: number;
  severity: 'error' | 'warning';
  reasons: { column: string; message: string; severity?: string }[];
}

export interface ImportFigures {
  counts: Record<string, number>;
  imported: number;
  importedWithWarnings: number;
  refused: number;
  byReason: Record<string, number>;
}

/** A reason without its particulars. */
export function reasonKind(column: string, message: string, community?: string): string {
  const m = (community ? message.split(community).join('〈社区〉') : message)
    .replace(/“[^”]*”/g, '“…”')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/（[^）]*）/g, '（…）')
    .replace(/\d+/g, '#');
  return column ? `${column}：${m}` : m;
}

export async function allIssues(t: TestApp, token: string, importId: number): Promise<IssueRow[]> {
  const out: IssueRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const r = await t.call('GET', `/api/imports/${importId}/issues?limit=500&offset=${offset}`, { token });
    if (r.statusCode !== 200) throw new Error(`issues: ${r.statusCode} ${r.body}`);
    const body = r.json() as { items: IssueRow[]; total: number };
    out.push(...body.items);
    if (out.length >= body.total || !body.items.length) break;
  }
  return out;
}

export function figures(view: { counts?: Record<string, number> } & Record<string, unknown>, issues: IssueRow[], community?: string): ImportFigures {
  const c = view.counts ?? {};
  const byReason: Record<string, number> = {};
  for (const i of issues) {
    const seen = new Set<string>();
    for (const x of i.reasons) {
      const k = `${i.severity === 'error' && x.severity !== 'warning' ? '未导入' : '提示'} · ${reasonKind(x.column, x.message, community)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      byReason[k] = (byReason[k] ?? 0) + 1;
    }
  }
  const imported = (c.created ?? 0) + (c.updated ?? 0) + (c.unchanged ?? 0);
  return { counts: c, imported, importedWithWarnings: c.warned ?? 0, refused: c.failed ?? 0, byReason: Object.fromEntries(Object.entries(byReason).sort((a, b) => b[1] - a[1])) };
}

export function printFigures(title: string, f: ImportFigures): void {
  const lines = [
    `== ${title}`,
    `imported ${f.imported} (of which with warnings ${f.importedWithWarnings}), refused ${f.refused}; counts ${JSON.stringify(f.counts)}`,
    ...Object.entries(f.byReason).map(([k, n]) => `  ${String(n).padStart(4)}  ${k}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
