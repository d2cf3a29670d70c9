// Plausible Chinese names, addresses and numbers for the demo city, from a seeded generator so
// that the same seed gives the same city.

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  /** mulberry32 */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Picks by weights. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r <= 0) return v;
    }
    return items[items.length - 1]![0];
  }
}

// The most common surnames, weighted roughly by frequency (王李张刘陈 cover ~30% of people).
const SURNAMES: [string, number][] = [
  ['王', 72], ['李', 71], ['张', 68], ['刘', 54], ['陈', 45], ['杨', 31], ['赵', 20], ['黄', 19], ['周', 18], ['吴', 18], ['徐', 14], ['孙', 14], ['胡', 13], ['朱', 12],
  ['高', 12], ['林', 11], ['何', 11], ['郭', 11], ['马', 11], ['罗', 9], ['梁', 9], ['宋', 8], ['郑', 8], ['谢', 7], ['韩', 7], ['唐', 7], ['冯', 7], ['于', 6], ['董', 6],
  ['萧', 5], ['程', 5], ['曹', 5], ['袁', 5], ['邓', 5], ['许', 5], ['傅', 4], ['沈', 4], ['曾', 4], ['彭', 4], ['吕', 4], ['苏', 4], ['卢', 4], ['蒋', 4], ['蔡', 4],
  ['贾', 4], ['丁', 3], ['魏', 3], ['薛', 3], ['叶', 3], ['阎', 3], ['余', 3], ['潘', 3], ['杜', 3], ['戴', 3], ['夏', 3], ['钟', 3], ['汪', 3], ['田', 3], ['任', 3],
  ['姜', 3], ['范', 3], ['方', 3], ['石', 3], ['姚', 3], ['谭', 2], ['廖', 2], ['邹', 2], ['熊', 2], ['金', 2], ['陆', 2], ['郝', 2], ['孔', 2], ['白', 2], ['崔', 2],
  ['康', 2], ['毛', 2], ['邱', 2], ['秦', 2], ['江', 2], ['史', 2], ['顾', 2], ['侯', 2], ['邵', 2], ['孟', 2], ['龙', 2], ['万', 2], ['段', 2], ['雷', 2], ['钱', 2],
  ['汤', 2], ['尹', 2], ['黎', 1], ['易', 1], ['常', 2], ['武', 2], ['乔', 2], ['贺', 2], ['赖', 1], ['龚', 1], ['文', 1], ['阴', 1], ['温', 2], ['牛', 2], ['翟', 1],
];
const MALE = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志军文斌德福永庆海峰晓东振兴建华立新卫东红旗保国树林金生长青'.split('');
const FEMALE = '芳娜敏静丽艳娟霞秀英燕玲桂兰萍红梅琳雪倩婷颖慧佳欣悦怡晶莉蓉凤洁琴云莲珍翠花春香玉兰淑贞素芬美华秋菊'.split('');
const GEN_NAMES_OLD_M = ['建国', '建华', '国庆', '卫东', '红旗', '保国', '志强', '树林', '金生', '长青', '福贵', '有才', '德胜', '永祥', '满仓'];
const GEN_NAMES_OLD_F = ['秀英', '桂兰', '玉兰', '淑贞', '凤英', '素芬', '翠花', '春香', '秀兰', '桂英', '金凤', '玉梅', '月娥', '改莲', '爱莲'];

export function personName(rng: Rng, sex: '1' | '2', birthYear: number): string {
  const surname = rng.weighted(SURNAMES);
  if (birthYear < 1965 && rng.chance(0.5)) return surname + rng.pick(sex === '1' ? GEN_NAMES_OLD_M : GEN_NAMES_OLD_F);
  const pool = sex === '1' ? MALE : FEMALE;
  return rng.chance(0.3) ? surname + rng.pick(pool) : surname + rng.pick(pool) + rng.pick(pool);
}

export const ROAD_WORDS = ['兴华', '千峰', '漪汾', '长风', '迎泽', '并州', '府西', '南内环', '滨河', '和平', '胜利', '解放', '建设', '五一', '青年', '学府', '体育', '桃园', '青山', '东曲', '汾西', '晋祠', '龙城', '平阳'];
export const SHOP_KINDS: [string, string][] = [
  ['超市', 'shop'], ['便利店', 'shop'], ['面馆', 'shop'], ['药店', 'shop'], ['理发店', 'shop'], ['水果店', 'shop'], ['五金店', 'shop'], ['快递驿站', 'shop'], ['早餐店', 'shop'],
  ['诊所', 'clinic'], ['幼儿园', 'school'], ['物业服务中心', 'firm'], ['家政服务公司', 'firm'], ['养老服务站', 'social_org'],
];
export const OCCUPATIONS = ['工人', '教师', '医生', '护士', '司机', '个体经营', '公务员', '销售', '厨师', '保安', '快递员', '外卖骑手', '会计', '工程师', '农民', '退休', '学生', '无业'];
