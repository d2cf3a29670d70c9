declare module 'subset-font' {
  /** Subsets a TTF/WOFF/WOFF2 font to the given characters with HarfBuzz (wasm). */
  export default function subsetFont(font: Buffer | Uint8Array, text: string, opts?: { targetFormat?: 'sfnt' | 'truetype' | 'woff' | 'woff2'; preserveNameIds?: number[]; variationAxes?: Record<string, number> }): Promise<Buffer>;
}
