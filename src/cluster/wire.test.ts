import { describe, expect, it } from 'vitest';
import type { PackedAccumulators } from '../engine/network/accumulator.ts';
import { decodeState, encodeState } from './wire.ts';

describe('a packed classifier state as bytes', () => {
  it('comes back as it went, text of any script and doubles bit for bit', () => {
    const lines = ['2 A1 eni-1 "quoted" 52.1.2.3', 'DNS query for 東京.example (mining pool)', 'peer 🛰 node'];
    const state: PackedAccumulators = {
      keys: ['A1\u00002022-03\u0000miner\u0000', 'A2\u00002022-04\u0000node\u0000ethereum'],
      signals: ['miner', 'node'],
      networks: [null, 'ethereum'],
      numbers: new Float64Array([1.5, -0, 2 ** 53 - 1, Number.MIN_VALUE, 0.1 + 0.2]),
      peerNumbers: new Float64Array([3_232_235_777, 4_294_967_295 * 65_536 + 443]),
      sampleKeys: new Float64Array([-(2 ** 52) + 7, 2 ** 32 + 1]),
      text: lines.join(''),
      lengths: new Uint32Array(lines.map((l) => l.length)),
    };
    const back = decodeState(encodeState(state));
    expect(back.keys).toEqual(state.keys);
    expect(back.signals).toEqual(state.signals);
    expect(back.networks).toEqual(state.networks);
    expect(back.text).toBe(state.text);
    expect([...back.lengths]).toEqual([...state.lengths]);
    for (const k of ['numbers', 'peerNumbers', 'sampleKeys'] as const)
      expect(Buffer.from(back[k].buffer).equals(Buffer.from(state[k].buffer))).toBe(true);
    // Whatever the text's length in bytes, the arrays after it are found where they were put.
    for (const extra of ['x', 'xy', 'xyz', '東'])
      expect([...decodeState(encodeState({ ...state, text: state.text + extra })).numbers]).toEqual([
        ...state.numbers,
      ]);
  });
});
