// The catalogue and handbook the platform ships carry English for every text, served beside the
// Chinese; a text an administrator has changed is theirs, and its (now unknown) English is not served.
import { describe, expect, it } from 'vitest';
import { nationalHandbook, starterCatalogue } from '../../src/modules/certificates/defaults.js';
import { handbookEnglish, kindEnglish } from '../../src/modules/certificates/english.js';

const cjk = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;

describe('English of the shipped catalogue', () => {
  it('gives every shipped certificate kind English for each of its texts', () => {
    for (const k of starterCatalogue) {
      const en = kindEnglish({ kindCode: k.code, title: k.title, basis: k.basis, purpose: k.purpose, process: k.process, materials: k.materials });
      expect(en, k.code).not.toBeNull();
      for (const f of ['title', 'basis', 'purpose', 'process'] as const) {
        expect(en![f], `${k.code}.${f}`).toBeTruthy();
        expect(en![f], `${k.code}.${f}`).not.toMatch(cjk);
      }
      expect(en!.materials, k.code).toHaveLength(k.materials.length);
    }
  });

  it('gives every handbook entry English for each text it has', () => {
    for (const h of nationalHandbook) {
      const en = handbookEnglish({ ...h, notes: h.notes });
      expect(en, h.code).not.toBeNull();
      for (const f of ['title', 'authority', 'place', 'contact', 'basis'] as const) expect(en![f], `${h.code}.${f}`).toMatch(/^[^\u3400-\u9fff]+$/);
      if (h.onlineHow) expect(en!.onlineHow, `${h.code}.onlineHow`).toBeTruthy();
      if (h.notes) expect(en!.notes, `${h.code}.notes`).toBeTruthy();
      expect(en!.materials, h.code).toHaveLength(h.materials.length);
    }
  });

  it('serves no English for a text an administrator changed', () => {
    const k = starterCatalogue[0]!;
    const en = kindEnglish({ kindCode: k.code, title: '居住情况证明', basis: k.basis, purpose: k.purpose, process: k.process, materials: [...k.materials, '房屋租赁合同'] });
    expect(en!.title).toBeUndefined();
    expect(en!.materials).toBeUndefined();
    expect(en!.basis).toBeTruthy();
    expect(kindEnglish({ kindCode: 'added_later', title: '新证明', basis: '', purpose: '', process: '', materials: [] })).toBeNull();
  });
});
