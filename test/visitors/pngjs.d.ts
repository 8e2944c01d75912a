// pngjs (a dependency of qrcode) ships no types; the tests read a PNG's pixels with it.
declare module 'pngjs' {
  export const PNG: { sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } } };
}
