// PDF documents with correct Chinese text: pdf-lib with fontkit and Noto Sans SC from the npm
// registry. pdf-lib's own subsetting drops glyphs of this CJK font (the text renders blank), so
// the font is subset first with HarfBuzz (subset-font) to exactly the characters the document
// uses, then embedded whole: a one-page certificate stays under 20 KB and renders everywhere.
// Two kinds of document: newCjkPdf (sans regular and bold, for reports) and newOneFontPdf (one
// face, serif or sans, faux bold; for certificates and the handbook); lines() breaks Chinese text.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { deflateSync } from 'node:zlib';
import { degrees, LineJoinStyle, PDFDocument, popGraphicsState, pushGraphicsState, rgb, setLineJoin, setLineWidth, setStrokingRgbColor, setTextRenderingMode, TextRenderingMode, type PDFFont, type PDFPage } from 'pdf-lib';
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

// Characters a one-font document may always draw whatever its text (numbers, Latin letters,
// punctuation, the full-width space of official forms).
const ONE_FONT_BASE_CHARS = ' 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,:;!?()[]{}<>-_+=/\\*#%&@|~"\'`^$年月日号，。：；、（）《》“”‘’？！—…·＊％　';

/**
 * A document with one embedded font subset with HarfBuzz to the characters drawn (see
 * docs/decisions/0002): Noto Serif SC (宋体-like, as official certificates are set) or Noto Sans
 * SC. Bold is the same glyphs filled and stroked: subsetting and compressing a second weight cost
 * more than the rest of a certificate together.
 */
export async function newOneFontPdf(meta: { title: string; text: string; author?: string; subject?: string; face?: 'serif' | 'sans' }): Promise<CjkPdf> {
  const chars = [...new Set([...ONE_FONT_BASE_CHARS, ...meta.title, ...meta.text])].join('');
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  // The font file is the largest stream: Node's zlib compresses it several times faster than the
  // JavaScript deflate pdf-lib uses, with the same format.
  const context = doc.context;
  context.flateStream = (contents, dict = {}) => context.stream(deflateSync(typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents), { ...dict, Filter: 'FlateDecode' });
  const font = await doc.embedFont(await subsetFont(cjkFontBytes(meta.face === 'sans' ? 'regular' : 'serif'), chars, { targetFormat: 'truetype' }), { subset: false });
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
  const draw = (page: PDFPage, t: string, o: { x: number; y: number; size: number; bold?: boolean; color?: [number, number, number]; opacity?: number; rotate?: number }) => {
    const color = o.color ?? [0, 0, 0];
    if (o.bold) page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.FillAndOutline), setLineWidth(o.size * 0.035), setLineJoin(LineJoinStyle.Round), setStrokingRgbColor(...color));
    page.drawText(t, { x: o.x, y: o.y, size: o.size, font, color: rgb(...color), opacity: o.opacity, rotate: o.rotate === undefined ? undefined : degrees(o.rotate) });
    if (o.bold) page.pushOperators(popGraphicsState());
  };
  const pdf: CjkPdf = {
    doc,
    font,
    bold: font,
    covers,
    text(page, t, o) {
      check(t);
      draw(page, t, o);
    },
    wrapped(page, t, o) {
      check(t);
      let y = o.y;
      for (const l of lines(pdf, t, o.width, o.size)) {
        draw(page, l, { ...o, y });
        y -= o.lineHeight ?? o.size * 1.6;
      }
      return y;
    },
    width(t, size) {
      return font.widthOfTextAtSize(t, size);
    },
  };
  return pdf;
}

// Punctuation that must not start a line (避头点): it hangs at the end of the previous one instead.
const NO_LINE_START = new Set([...'，。、：；！？）》」』”’…%']);

/**
 * Lines of `text` that fit `width` at `size`. CJK wraps between any two characters, but a run of
 * Latin letters and digits (an ID number, a date, an address number) is never split unless it is
 * wider than the line, and closing punctuation never starts a line.
 */
export function lines(pdf: CjkPdf, text: string, width: number, size: number, bold = false): string[] {
  // Shaping a string is the costly part of drawing: each token is measured once and lines add up
  // their tokens' advances (CJK faces do not kern across the characters where lines break).
  const measured = new Map<string, number>();
  const w = (t: string) => {
    let v = measured.get(t);
    if (v === undefined) {
      v = pdf.width(t, size, bold);
      measured.set(t, v);
    }
    return v;
  };
  const out: string[] = [];
  for (const para of text.split('\n')) {
    const tokens = para.match(/[A-Za-z0-9][A-Za-z0-9\-_.:/@*]*|[\s\S]/gu) ?? [];
    let line = '';
    let lineW = 0;
    for (const tok of tokens) {
      const tw = w(tok);
      if (!line || lineW + tw <= width || NO_LINE_START.has(tok)) {
        line += tok;
        lineW += tw;
        continue;
      }
      if (tw > width) {
        for (const ch of [...tok]) {
          const cw = w(ch);
          if (line && lineW + cw > width) {
            out.push(line);
            line = ch;
            lineW = cw;
          } else {
            line += ch;
            lineW += cw;
          }
        }
        continue;
      }
      out.push(line);
      line = tok;
      lineW = tw;
    }
    out.push(line);
  }
  return out;
}

/** Millimetres to PDF points. */
export const mm = (v: number) => (v * 72) / 25.4;
export const A4 = { width: mm(210), height: mm(297) };
