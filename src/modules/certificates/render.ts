// The printed certificate (A4): the unit's red heading, the title, number, body, validity, the
// unit's name and date under an electronic seal drawn from the unit's name (red ring, star, the
// name along the arc), and a QR code with the short verification code. Also the printable
// handbook. Text goes through the platform's CJK PDF helper, so every character is checked
// against the embedded font subset.
import fontkit from '@pdf-lib/fontkit';
import {
  degrees, fill, LineJoinStyle, PDFDocument, popGraphicsState, pushGraphicsState, rectangle, rgb, setFillingGrayscaleColor, setLineJoin, setLineWidth, setStrokingRgbColor,
  setTextRenderingMode, TextRenderingMode, type PDFPage,
} from 'pdf-lib';
import QRCode from 'qrcode';
import subsetFont from 'subset-font';
import { A4, cjkFontBytes, mm, type CjkPdf } from '../../platform/documents/pdf.js';
import { chineseDate, displayVerifyCode } from './dates.js';
import type { HandbookEntry } from './handbook.js';

const RED: [number, number, number] = [0.8, 0.05, 0.05];

// Characters every certificate may draw whatever its text (numbers, Latin letters, punctuation).
const BASE_CHARS = ' 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,:;!?()[]{}<>-_+=/\\*#%&@|~"\'`^$年月日号，。：；、（）《》“”‘’？！—…·＊％　';

/**
 * A document with one embedded font, Noto Sans SC Regular subset with HarfBuzz to the characters
 * drawn (see docs/decisions/0002). Bold is the same glyphs filled and stroked: subsetting and
 * compressing a second weight cost more than the rest of a certificate together.
 */
export async function newOneFontPdf(meta: { title: string; text: string; author?: string; subject?: string }): Promise<CjkPdf> {
  const chars = [...new Set([...BASE_CHARS, ...meta.title, ...meta.text])].join('');
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await subsetFont(cjkFontBytes('regular'), chars, { targetFormat: 'truetype' }), { subset: false });
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

/** Draws with the one-font document's faux bold (fill and outline), rotated and translucent. */
function drawStyled(page: PDFPage, pdf: CjkPdf, t: string, o: { x: number; y: number; size: number; color: [number, number, number]; opacity: number; rotate?: number }) {
  page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.FillAndOutline), setLineWidth(o.size * 0.035), setLineJoin(LineJoinStyle.Round), setStrokingRgbColor(...o.color));
  page.drawText(t, { x: o.x, y: o.y, size: o.size, font: pdf.font, color: rgb(...o.color), opacity: o.opacity, rotate: o.rotate === undefined ? undefined : degrees(o.rotate) });
  page.pushOperators(popGraphicsState());
}
const GREY: [number, number, number] = [0.35, 0.35, 0.35];
const SEAL_BOTTOM = '证明专用章';

export interface CertificateDoc {
  title: string;
  number: string;
  verifyCode: string;
  /** Names above the unit: 太原市 万柏林区 兴华街道. */
  trail: string[];
  unitName: string;
  recipient: string | null;
  /** Body paragraphs as printed (ID numbers in clear). */
  text: string;
  issuedOn: string;
  validUntil: string;
  issuedByName: string;
  algorithm: string;
  kid: string;
  /** What the QR code holds (the verification address with the signed payload). */
  qrText: string;
  verifyBase: string;
}

/** A circular seal: ring, five-pointed star, the unit's name along the upper arc and a line below. */
export function drawSeal(page: PDFPage, pdf: CjkPdf, name: string, cx: number, cy: number, radius: number): void {
  const color = rgb(...RED);
  const opacity = 0.88;
  page.drawCircle({ x: cx, y: cy, size: radius, borderColor: color, borderWidth: radius * 0.055, borderOpacity: opacity, opacity: 0 });
  // Star, point up, in SVG coordinates (y grows downwards) around (cx, cy).
  const outer = radius * 0.3;
  const inner = outer * 0.382;
  const pts: string[] = [];
  for (let k = 0; k < 10; k++) {
    const a = ((-90 + k * 36) * Math.PI) / 180;
    const r = k % 2 === 0 ? outer : inner;
    pts.push(`${(r * Math.cos(a)).toFixed(3)} ${(r * Math.sin(a)).toFixed(3)}`);
  }
  page.drawSvgPath(`M ${pts.join(' L ')} Z`, { x: cx, y: cy + outer * 0.1, color, opacity, borderWidth: 0 });
  // The name along the arc, each character upright towards the rim.
  const chars = [...name];
  const n = chars.length;
  const span = Math.min(260, Math.max(120, n * 26));
  const step = n > 1 ? span / (n - 1) : 0;
  // Characters as large as the arc allows, at most a quarter of the radius; their tops just inside the ring.
  let size = radius * 0.27;
  if (n > 1) size = Math.min(size, 0.72 * radius * ((step * Math.PI) / 180) * 0.95);
  const rc = radius * 0.9 - size * 0.5;
  const font = pdf.bold;
  chars.forEach((ch, i) => {
    const theta = ((-span / 2 + i * step) * Math.PI) / 180;
    const phi = -theta;
    const w = font.widthOfTextAtSize(ch, size);
    const centerX = cx + rc * Math.sin(theta);
    const centerY = cy + rc * Math.cos(theta);
    // The glyph's visual centre sits about 0.38 em above its baseline.
    const dx = (w / 2) * Math.cos(phi) - 0.38 * size * Math.sin(phi);
    const dy = (w / 2) * Math.sin(phi) + 0.38 * size * Math.cos(phi);
    drawStyled(page, pdf, ch, { x: centerX - dx, y: centerY - dy, size, color: RED, opacity, rotate: (phi * 180) / Math.PI });
  });
  const bSize = radius * 0.17;
  const bw = font.widthOfTextAtSize(SEAL_BOTTOM, bSize);
  drawStyled(page, pdf, SEAL_BOTTOM, { x: cx - bw / 2, y: cy - radius * 0.62, size: bSize, color: RED, opacity });
}

/** Dark modules of the QR code as one filled path (one rectangle per run of dark modules in a row). */
export function drawQr(page: PDFPage, text: string, x: number, y: number, sizePt: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = sizePt / (n + quiet * 2);
  page.drawRectangle({ x, y, width: sizePt, height: sizePt, color: rgb(1, 1, 1) });
  const ops = [pushGraphicsState(), setFillingGrayscaleColor(0)];
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!qr.modules.get(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && qr.modules.get(r, c)) c++;
      // A hair of overlap so that no white seams show between neighbouring runs.
      ops.push(rectangle(x + (quiet + start) * cell, y + sizePt - (quiet + r + 1) * cell, (c - start) * cell + 0.05, cell + 0.05));
    }
  }
  ops.push(fill(), popGraphicsState());
  page.pushOperators(...ops);
}

function spacedTitle(title: string): string {
  return [...title].join(title.length <= 6 ? '　' : '');
}

// Punctuation that must not start a line (避头点): it hangs at the end of the previous one instead.
const NO_LINE_START = new Set([...'，。、：；！？）》」』”’…%']);

/**
 * Lines of `text` that fit `width` at `size`. CJK wraps between any two characters, but a run of
 * Latin letters and digits (an ID number, a date, an address number) is never split unless it is
 * wider than the line, and closing punctuation never starts a line.
 */
export function lines(pdf: CjkPdf, text: string, width: number, size: number, bold = false): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    const tokens = para.match(/[A-Za-z0-9][A-Za-z0-9\-_.:/@*]*|[\s\S]/gu) ?? [];
    let line = '';
    for (const tok of tokens) {
      if (!line || pdf.width(line + tok, size, bold) <= width || NO_LINE_START.has(tok)) {
        line += tok;
        continue;
      }
      if (pdf.width(tok, size, bold) > width) {
        for (const ch of [...tok]) {
          if (line && pdf.width(line + ch, size, bold) > width) {
            out.push(line);
            line = ch;
          } else line += ch;
        }
        continue;
      }
      out.push(line);
      line = tok;
    }
    out.push(line);
  }
  return out;
}

export async function renderCertificate(d: CertificateDoc): Promise<Uint8Array> {
  const heading = d.trail.join('');
  const paragraphs = d.text.split('\n').map((p) => `　　${p.trim()}`);
  const closing = '　　特此证明。';
  const validity = `　　本证明自出具之日起至${chineseDate(d.validUntil)}有效。`;
  const numberLine = `编号：${d.number}`;
  const date = chineseDate(d.issuedOn);
  const codeLine = `核验码：${displayVerifyCode(d.verifyCode)}`;
  const info = [
    '扫描二维码，或访问以下网址输入核验码，核验证明真伪与状态：',
    // A line of Latin text alone is shaped badly by the PDF font layer; a CJK label keeps it right.
    `网址：${d.verifyBase.replace(/\/+$/, '')}/verify`,
    codeLine,
    `电子签名：${d.algorithm === 'SM2' ? 'SM2/SM3（GB/T 32918）' : 'Ed25519'}，密钥标识 ${d.kid}`,
    `经办人：${d.issuedByName}`,
  ];
  const footer = '本证明由出具单位电子签名，二维码可离线验签；内容如有涂改，以核验结果为准。';
  const recipientLine = d.recipient ? `${d.recipient}：` : '';
  const pdf = await newOneFontPdf({
    title: `${d.title} ${d.number}`,
    subject: d.unitName,
    author: d.unitName,
    text: [heading, d.unitName, spacedTitle(d.title), numberLine, recipientLine, ...paragraphs, closing, validity, date, SEAL_BOTTOM, ...info, footer].join(''),
  });
  const page = pdf.doc.addPage([A4.width, A4.height]);
  const W = A4.width;
  const H = A4.height;
  const left = mm(25);
  const right = W - mm(25);
  const width = right - left;
  const centre = (t: string, y: number, size: number, bold = false, color?: [number, number, number]) => pdf.text(page, t, { x: (W - pdf.width(t, size, bold)) / 2, y, size, bold, color });

  // Red heading (红头): the place above, the unit in red, a red rule.
  if (heading) centre(heading, H - mm(24), 11, false, GREY);
  centre(d.unitName, H - mm(34), Math.min(24, (width / Math.max(1, [...d.unitName].length)) * 0.95), true, RED);
  page.drawLine({ start: { x: left, y: H - mm(39) }, end: { x: right, y: H - mm(39) }, thickness: 1.6, color: rgb(...RED) });

  centre(spacedTitle(d.title), H - mm(56), 24, true);
  pdf.text(page, numberLine, { x: right - pdf.width(numberLine, 10.5), y: H - mm(65), size: 10.5, color: GREY });

  // Body: shrink the type if a long template would run into the signature block.
  let size = 14;
  const bodyLines = (s: number) => [...(recipientLine ? [recipientLine] : []), ...paragraphs.flatMap((p) => lines(pdf, p, width, s)), ...lines(pdf, closing, width, s), ...lines(pdf, validity, width, s)];
  while (size > 10 && bodyLines(size).length * size * 1.9 > mm(120)) size -= 1;
  let y = H - mm(80);
  for (const l of bodyLines(size)) {
    pdf.text(page, l, { x: left, y, size });
    y -= size * 1.9;
  }

  // Unit and date, right side, under the seal.
  const signSize = 14;
  const unitY = Math.min(y - mm(22), mm(112));
  const unitW = pdf.width(d.unitName, signSize);
  const dateW = pdf.width(date, signSize);
  const blockRight = right - mm(6);
  pdf.text(page, d.unitName, { x: blockRight - unitW, y: unitY, size: signSize });
  pdf.text(page, date, { x: blockRight - Math.max(unitW, dateW) / 2 - dateW / 2, y: unitY - signSize * 1.9, size: signSize });
  drawSeal(page, pdf, d.unitName, blockRight - Math.max(unitW, dateW) / 2, unitY + signSize * 0.2, mm(21));

  // QR code and how to check, bottom left.
  const qrSize = mm(34);
  const qrY = mm(30);
  drawQr(page, d.qrText, left, qrY, qrSize);
  let iy = qrY + qrSize - 12;
  for (const [i, t] of info.entries()) {
    pdf.text(page, t, { x: left + qrSize + mm(5), y: iy, size: i === 2 ? 12 : 9, bold: i === 2, color: i === 2 ? [0, 0, 0] : GREY });
    iy -= i === 1 ? 20 : 15;
  }
  centre(footer, mm(16), 8.5, false, GREY);
  return pdf.doc.save({ useObjectStreams: true });
}

/** The whole handbook as a printable document for the counter and the notice board. */
export async function renderHandbook(entries: HandbookEntry[], heading: string): Promise<Uint8Array> {
  const title = '减证便民服务指南';
  const sub = '以下证明村（居）民委员会不再出具，请按指引到有关部门办理';
  const labels = { authority: '出具机构：', place: '办理地点：', contact: '咨询方式：', materials: '所需材料：', online: '网上办理：', notes: '说　　明：', basis: '依　　据：' };
  const blocks = entries.map((e, i) => ({
    head: `${i + 1}. ${e.title}`,
    rows: [
      [labels.authority, e.authority], [labels.place, e.place], [labels.contact, e.contact], [labels.materials, e.materials.join('；') || '无'],
      [labels.online, e.online ? `可以。${e.onlineHow ?? ''}` : '不可以，请到窗口办理'], ...(e.notes ? [[labels.notes, e.notes]] : []), [labels.basis, e.basis],
    ] as [string, string][],
  }));
  const pdf = await newOneFontPdf({ title, subject: heading, text: [title, sub, heading, '第页共', ...blocks.flatMap((b) => [b.head, ...b.rows.flat()])].join('') });
  const W = A4.width;
  const H = A4.height;
  const left = mm(20);
  const right = W - mm(20);
  const labelW = pdf.width(labels.authority, 10);
  const pages: PDFPage[] = [];
  let page = pdf.doc.addPage([W, H]);
  pages.push(page);
  pdf.text(page, title, { x: (W - pdf.width(title, 20, true)) / 2, y: H - mm(22), size: 20, bold: true });
  pdf.text(page, sub, { x: (W - pdf.width(sub, 11)) / 2, y: H - mm(30), size: 11, color: GREY });
  if (heading) pdf.text(page, heading, { x: (W - pdf.width(heading, 10)) / 2, y: H - mm(36), size: 10, color: GREY });
  let y = H - mm(46);
  const newPage = () => {
    page = pdf.doc.addPage([W, H]);
    pages.push(page);
    y = H - mm(20);
  };
  for (const b of blocks) {
    const rowLines = b.rows.map(([l, v]) => [l, lines(pdf, v, right - left - labelW, 10)] as const);
    const needed = 22 + rowLines.reduce((s, [, ls]) => s + ls.length * 14, 0) + 8;
    if (y - needed < mm(20)) newPage();
    pdf.text(page, b.head, { x: left, y, size: 13, bold: true });
    y -= 20;
    for (const [l, ls] of rowLines) {
      pdf.text(page, l, { x: left, y, size: 10, color: GREY });
      for (const line of ls) {
        pdf.text(page, line, { x: left + labelW, y, size: 10 });
        y -= 14;
      }
    }
    y -= 10;
  }
  pages.forEach((p, i) => {
    const t = `第 ${i + 1} 页 共 ${pages.length} 页`;
    pdf.text(p, t, { x: (W - pdf.width(t, 9)) / 2, y: mm(10), size: 9, color: GREY });
  });
  return pdf.doc.save({ useObjectStreams: true });
}
