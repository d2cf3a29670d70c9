// PDF documents with correct Chinese text: pdf-lib with fontkit and Noto Sans SC from the npm
// registry. pdf-lib's own subsetting drops glyphs of this CJK font (the text renders blank), so
// the font is subset first with HarfBuzz (subset-font) to exactly the characters the document
// uses, then embedded whole: a one-page certificate stays under 20 KB and renders everywhere.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import subsetFont from 'subset-font';

const require = createRequire(import.meta.url);
const fontFiles = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
  /** Noto Serif SC (宋体-like), for certificates: the same CJK coverage as the sans face. */
  serif: '@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf',
} as const;
const fontCache = new Map<string, Buffer>();

/** The full font file, read once per process (about 10 MB; the serif 15 MB). */
export function cjkFontBytes(weight: keyof typeof fontFiles = 'regular'): Buffer {
  let b = fontCache.get(weight);
  if (!b) {
    b = readFileSync(require.resolve(fontFiles[weight]));
    fontCache.set(weight, b);
  }
  return b;
}

// Characters always available, so numbers, punctuation and Latin text never go missing.
const BASE_CHARS = ' 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,:;!?()[]{}<>-_+=/\\*#%&@|~"\'`^$年月日号，。：；、（）《》“”‘’？！—…·＊％';

export interface CjkPdf {
  doc: PDFDocument;
  font: PDFFont;
  bold: PDFFont;
  /** Characters the embedded subset covers. */
  covers(text: string): boolean;
  /** Draws text, refusing characters outside the subset (they would print as blanks). */
  text(page: PDFPage, text: string, opts: { x: number; y: number; size: number; bold?: boolean; color?: [number, number, number] }): void;
  /** Draws text wrapped to a width (CJK wraps between any two characters); returns the y below it. */
  wrapped(page: PDFPage, text: string, opts: { x: number; y: number; width: number; size: number; lineHeight?: number; bold?: boolean; color?: [number, number, number] }): number;
  width(text: string, size: number, bold?: boolean): number;
}

/**
 * A new document whose fonts cover `text` (pass every string the document will draw, e.g. the
 * template and the values joined together).
 */
export async function newCjkPdf(meta: { title: string; text: string; author?: string; subject?: string }): Promise<CjkPdf> {
  const chars = [...new Set([...BASE_CHARS, ...meta.title, ...meta.text])].join('');
  const [regularSub, boldSub] = await Promise.all([
    subsetFont(cjkFontBytes('regular'), chars, { targetFormat: 'truetype' }),
    subsetFont(cjkFontBytes('bold'), chars, { targetFormat: 'truetype' }),
  ]);
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(regularSub, { subset: false });
  const bold = await doc.embedFont(boldSub, { subset: false });
  doc.setTitle(meta.title);
  doc.setAuthor(meta.author ?? '轻车 Qingche');
  if (meta.subject) doc.setSubject(meta.subject);
  doc.setProducer('Qingche');
  doc.setCreator('Qingche');
  const covered = new Set(chars);
  const covers = (t: string) => [...t].every((c) => c === '\n' || covered.has(c));
  const check = (t: string) => {
    if (!covers(t)) throw new Error(`PDF text outside the embedded font subset: ${[...t].filter((c) => !covered.has(c)).join('')}`);
  };
  const pdf: CjkPdf = {
    doc,
    font,
    bold,
    covers,
    text(page, t, o) {
      check(t);
      page.drawText(t, { x: o.x, y: o.y, size: o.size, font: o.bold ? bold : font, color: rgb(...(o.color ?? [0, 0, 0])) });
    },
    wrapped(page, t, o) {
      check(t);
      const f = o.bold ? bold : font;
      const lh = o.lineHeight ?? o.size * 1.6;
      let y = o.y;
      for (const para of t.split('\n')) {
        let line = '';
        for (const ch of [...para]) {
          if (line && f.widthOfTextAtSize(line + ch, o.size) > o.width) {
            page.drawText(line, { x: o.x, y, size: o.size, font: f, color: rgb(...(o.color ?? [0, 0, 0])) });
            y -= lh;
            line = ch;
          } else line += ch;
        }
        page.drawText(line, { x: o.x, y, size: o.size, font: f, color: rgb(...(o.color ?? [0, 0, 0])) });
        y -= lh;
      }
      return y;
    },
    width(t, size, b) {
      return (b ? bold : font).widthOfTextAtSize(t, size);
    },
  };
  return pdf;
}

/** Millimetres to PDF points. */
export const mm = (v: number) => (v * 72) / 25.4;
export const A4 = { width: mm(210), height: mm(297) };
