import { PNG } from 'pngjs';
import QRCode from 'qrcode';

/** True when the PNG shows exactly the QR matrix of `text` (sampled at every module's centre). */
export function pngShowsQr(png: Buffer, text: string): boolean {
  const image = PNG.sync.read(png);
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const margin = 2;
  const scale = image.width / (size + 2 * margin);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const x = Math.floor((col + margin + 0.5) * scale);
      const y = Math.floor((row + margin + 0.5) * scale);
      const dark = image.data[(y * image.width + x) * 4]! < 128;
      if (dark !== Boolean(qr.modules.get(row, col))) return false;
    }
  }
  return true;
}
