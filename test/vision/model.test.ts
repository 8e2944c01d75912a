/** The shipped CenterNet graph re-sized for another input: the folded shape constants are rewritten, bad sizes are refused plainly. */
import { describe, expect, it } from 'vitest';
import { checkInputSize, readModelArtifacts } from '../../src/vision/model.js';

describe('detector model input size', () => {
  it('refuses sides that are not multiples of 32 with a plain message', () => {
    expect(() => checkInputSize({ width: 300, height: 192 })).toThrow(/multiples of 32/);
    expect(() => checkInputSize({ width: 2048, height: 192 })).toThrow(/multiples of 32 from 64 to 1024/);
    expect(() => checkInputSize({ width: 320, height: 192 })).not.toThrow();
  });

  it('rewrites the input shape and the head constants for 320x192', async () => {
    const a = await readModelArtifacts({ width: 320, height: 192 });
    const topology = a.modelTopology as { node: Array<{ op: string; attr?: { shape?: { shape?: { dim?: Array<{ size: string }> } } } }> };
    expect(topology.node.find((n) => n.op === 'Placeholder')!.attr!.shape!.shape!.dim!.map((d) => d.size)).toEqual(['1', '192', '320', '3']);
    const view = new DataView(a.weightData as ArrayBuffer);
    let offset = 0;
    const found: Record<string, number[]> = {};
    for (const w of a.weightSpecs!) {
      const n = w.shape.reduce((s, x) => s * x, 1);
      if (w.dtype === 'int32' && /up_sampling2d_2\/mul$|BatchGather\/concat$|strided_slice_6$/.test(w.name)) found[w.name.split('/').pop()!] = Array.from({ length: n }, (_, i) => view.getInt32(offset + i * 4, true));
      offset += n * (w.quantization ? 2 : 4);
    }
    expect(found).toEqual({ mul: [48, 80], concat: [48 * 80, 4], strided_slice_6: [80] });
  });
});
