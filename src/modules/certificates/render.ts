// The printed certificate (A4): the unit's red heading, the title, number, body, validity, the
// unit's name and date under an electronic seal drawn from the unit's name (red ring, star, the
// name along the arc), and a QR code with the short verification code. Also the printable
// handbook. Text goes through the platform's CJK PDF helper, so every character is checked
// against the embedded font subset.
import {
  concatTransformationMatrix, degrees, fill, LineJoinStyle, popGraphicsState, pushGraphicsState, rectangle, rgb, setFillingGrayscaleColor, setLineJoin, setLineWidth, setStrokingRgbColor,
  setTextRenderingMode, TextRenderingMode, type PDFPage,
} from 'pdf-lib';
import QRCode from 'qrcode';
import { A4, lines, mm, newOneFontPdf, type CjkPdf } from '../../platform/documents/pdf.js';
import { chineseDate, displayVerifyCode } from '../../platform/dates.js';
import { qrSegments } from './statement.js';
import type { handbookEntries } from './tables.js';

type HandbookEntry = typeof handbookEntries.$inferSelect;

const RED: [number, number, number] = [0.8, 0.05, 0.05];

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
  /** A reprint after the validity date carries a 已过期 stamp and says it is for the record only. */
  expired?: boolean;
}

export interface SealLayout {
  radius: number;
  /** The name along the upper arc: each glyph's centre, angle from the top (radians) and size. */
  glyphs: { ch: string; x: number; y: number; theta: number; size: number }[];
  /** Lowest point any arc glyph can reach (its centre less half its diagonal), relative to the centre. */
  arcBottom: number;
  star: { y: number; outer: number };
  bottom: { y: number; size: number };
}

/**
 * Where the seal's parts go, relative to its centre. The arc is as wide as it can be while every
 * glyph stays above `clearAbove` (the top of the unit's name line, which with the date sits in the
 * seal's lower half as GB/T 9704 asks), so the arc never runs into the lines it is stamped over.
 */
export function sealLayout(name: string, radius: number, clearAbove: number, widthOf: (ch: string, size: number) => number = (_c, s) => s): SealLayout {
  const chars = [...name];
  const n = chars.length;
  const place = (span: number) => {
    const step = n > 1 ? span / (n - 1) : 0;
    // Characters as large as the arc allows, at most a quarter of the radius; their tops just inside the ring.
    let size = radius * 0.25;
    if (n > 1) size = Math.min(size, 0.72 * radius * ((step * Math.PI) / 180) * 0.95);
    const rc = radius * 0.9 - size * 0.5;
    const glyphs = chars.map((ch, i) => {
      const theta = ((-span / 2 + i * step) * Math.PI) / 180;
      return { ch, theta, size, x: rc * Math.sin(theta), y: rc * Math.cos(theta), w: widthOf(ch, size) };
    });
    const arcBottom = Math.min(...glyphs.map((g) => g.y - Math.SQRT1_2 * Math.max(g.size, g.w)));
    return { glyphs: glyphs.map(({ w: _w, ...g }) => g), arcBottom, size };
  };
  let span = Math.min(240, Math.max(100, n * 26));
  let laid = place(span);
  while (span > 90 && laid.arcBottom < clearAbove) {
    span -= 4;
    laid = place(span);
  }
  const starOuter = radius * 0.26;
  return { radius, glyphs: laid.glyphs, arcBottom: laid.arcBottom, star: { y: clearAbove + starOuter + radius * 0.04, outer: starOuter }, bottom: { y: -radius * 0.86, size: radius * 0.14 } };
}

/** A circular seal: ring, five-pointed star, the unit's name along the upper arc and a line below. */
export function drawSeal(page: PDFPage, pdf: CjkPdf, name: string, cx: number, cy: number, radius: number, clearAbove = radius * 0.12): void {
  const color = rgb(...RED);
  const opacity = 0.88;
  const font = pdf.bold;
  const layout = sealLayout(name, radius, clearAbove, (ch, size) => font.widthOfTextAtSize(ch, size));
  page.drawCircle({ x: cx, y: cy, size: radius, borderColor: color, borderWidth: radius * 0.055, borderOpacity: opacity, opacity: 0 });
  // Star, point up, in SVG coordinates (y grows downwards).
  const outer = layout.star.outer;
  const inner = outer * 0.382;
  const pts: string[] = [];
  for (let k = 0; k < 10; k++) {
    const a = ((-90 + k * 36) * Math.PI) / 180;
    const r = k % 2 === 0 ? outer : inner;
    pts.push(`${(r * Math.cos(a)).toFixed(3)} ${(r * Math.sin(a)).toFixed(3)}`);
  }
  page.drawSvgPath(`M ${pts.join(' L ')} Z`, { x: cx, y: cy + layout.star.y, color, opacity, borderWidth: 0 });
  // The name along the arc, each character upright towards the rim.
  for (const g of layout.glyphs) {
    const phi = -g.theta;
    const w = font.widthOfTextAtSize(g.ch, g.size);
    // The glyph's visual centre sits about 0.38 em above its baseline.
    const dx = (w / 2) * Math.cos(phi) - 0.38 * g.size * Math.sin(phi);
    const dy = (w / 2) * Math.sin(phi) + 0.38 * g.size * Math.cos(phi);
    drawStyled(page, pdf, g.ch, { x: cx + g.x - dx, y: cy + g.y - dy, size: g.size, color: RED, opacity, rotate: (phi * 180) / Math.PI });
  }
  const bw = font.widthOfTextAtSize(SEAL_BOTTOM, layout.bottom.size);
  drawStyled(page, pdf, SEAL_BOTTOM, { x: cx - bw / 2, y: cy + layout.bottom.y, size: layout.bottom.size, color: RED, opacity });
}

/** A rectangular 已过期 stamp, tilted, over the body of a certificate reprinted after its validity. */
function drawExpiredStamp(page: PDFPage, pdf: CjkPdf, cx: number, cy: number) {
  const text = '已过期';
  const size = 44;
  const tw = pdf.width(text, size);
  const w = tw + 30;
  const h = size + 22;
  const a = (12 * Math.PI) / 180;
  // Drawn around its own centre, then turned: the whole stamp is one rotated group.
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(Math.cos(a), Math.sin(a), -Math.sin(a), Math.cos(a), cx, cy));
  page.drawRectangle({ x: -w / 2, y: -h / 2, width: w, height: h, borderColor: rgb(...RED), borderWidth: 3.5, borderOpacity: 0.85, opacity: 0 });
  drawStyled(page, pdf, text, { x: -tw / 2, y: -size * 0.34, size, color: RED, opacity: 0.85 });
  page.pushOperators(popGraphicsState());
}

/**
 * Dark modules of the QR code as one filled path (one rectangle per run of dark modules in a row).
 * A QC2 payload goes in an alphanumeric segment (see statement.ts), which keeps the code small.
 */
export function drawQr(page: PDFPage, text: string, x: number, y: number, sizePt: number): { version: number; modulePt: number } {
  const qr = QRCode.create(qrSegments(text), { errorCorrectionLevel: 'M' });
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
  return { version: qr.version, modulePt: cell };
}

function spacedTitle(title: string): string {
  return [...title].join(title.length <= 6 ? '　' : '');
}

/** Where the signature block's lines go: the unit's name and the date sit in the seal's lower half (GB/T 9704). */
export function signatureBlock(unitY: number, signSize: number, radius: number) {
  const dateY = unitY - signSize * 1.7;
  // The seal's centre: the unit line's top (about 0.88 em above its baseline) a little below it.
  const cy = unitY + signSize * 0.88 + radius * 0.02;
  return { unitY, dateY, cy, clearAbove: unitY + signSize * 0.88 + radius * 0.06 - cy };
}

export const QR_SIZE_MM = 46;

/** Draws one certificate and throws it away, so that the code paths are compiled before the first real print. */
export async function warmUpRenderer(): Promise<void> {
  await renderCertificate({
    title: '居住证明', number: '000000000000-2000-00000', verifyCode: '0000000000', trail: ['预热'], unitName: '预热社区居民委员会', recipient: null, text: '兹证明预热。',
    issuedOn: '2000-01-01', validUntil: '2000-01-02', issuedByName: '-', algorithm: 'SM2', kid: '00000000', qrText: 'http://localhost/verify?p=AAAA', verifyBase: 'http://localhost',
  });
}

export async function renderCertificate(d: CertificateDoc): Promise<Uint8Array> {
  const heading = d.trail.join('');
  const paragraphs = d.text.split('\n').map((p) => `　　${p.trim()}`);
  const closing = '　　特此证明。';
  const validity = `　　本证明自出具之日起至${chineseDate(d.validUntil)}有效。`;
  const expiredLine = `　　本证明已过期（有效期至${chineseDate(d.validUntil)}），此件为存档副本，不作证明使用。`;
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
    text: [heading, d.unitName, spacedTitle(d.title), numberLine, recipientLine, ...paragraphs, closing, validity, d.expired ? `${expiredLine}已过期` : '', date, SEAL_BOTTOM, ...info, footer].join(''),
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
  const bodyLines = (s: number) => [
    ...(recipientLine ? [recipientLine] : []), ...paragraphs.flatMap((p) => lines(pdf, p, width, s)), ...lines(pdf, closing, width, s), ...lines(pdf, validity, width, s),
    ...(d.expired ? lines(pdf, expiredLine, width, s) : []),
  ];
  while (size > 10 && bodyLines(size).length * size * 1.9 > mm(112)) size -= 1;
  const bodyTop = H - mm(80);
  let y = bodyTop;
  for (const l of bodyLines(size)) {
    pdf.text(page, l, { x: left, y, size, color: d.expired && l === lines(pdf, expiredLine, width, size)[0] ? RED : undefined });
    y -= size * 1.9;
  }

  // Unit and date, right side, in the lower half of the seal.
  const signSize = 14;
  const radius = mm(21);
  const qrSize = mm(QR_SIZE_MM);
  const qrY = mm(24);
  // Above the QR code and its notes, below the body.
  const block = signatureBlock(Math.min(y - mm(26), qrY + qrSize + mm(12) + radius), signSize, radius);
  const unitW = pdf.width(d.unitName, signSize);
  const dateW = pdf.width(date, signSize);
  const blockRight = right - mm(6);
  const blockCentre = blockRight - Math.max(unitW, dateW) / 2;
  pdf.text(page, d.unitName, { x: blockCentre - unitW / 2, y: block.unitY, size: signSize });
  pdf.text(page, date, { x: blockCentre - dateW / 2, y: block.dateY, size: signSize });
  drawSeal(page, pdf, d.unitName, blockCentre, block.cy, radius, block.clearAbove);

  if (d.expired) drawExpiredStamp(page, pdf, W / 2, (bodyTop + y) / 2 + size);

  // QR code and how to check, bottom left.
  drawQr(page, d.qrText, left - mm(2), qrY, qrSize);
  let iy = qrY + qrSize - mm(9);
  for (const [i, t] of info.entries()) {
    pdf.text(page, t, { x: left + qrSize + mm(3), y: iy, size: i === 2 ? 12 : 9, bold: i === 2, color: i === 2 ? [0, 0, 0] : GREY });
    iy -= i === 1 ? 20 : 15;
  }
  centre(footer, mm(14), 8.5, false, GREY);
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
