// What the compute worker transfers with a message: every volume's buffer once, and nothing that is not a buffer.
import { describe, expect, it } from 'vitest';
import { makeVolume, type Volume } from '../core/volume';
import { computeTransferables } from './computeProtocol';

const vol = (): Volume => makeVolume([2, 2, 2], [1, 1, 1]);

describe('computeTransferables', () => {
  it('transfers the pipeline outputs\' five volumes, not the numbers beside them', () => {
    const outputs = { brainMask: vol(), unwrapped: vol(), totalPpm: vol(), localPpm: vol(), localMask: vol(), offsetDeparture: 0.7 };
    const t = computeTransferables({ type: 'field', jobId: 'j', outputs });
    expect(t).toHaveLength(5);
    for (const v of [outputs.brainMask, outputs.unwrapped, outputs.totalPpm, outputs.localPpm, outputs.localMask]) expect(t).toContain(v.data.buffer);
  });
  it('lists a buffer shared by two volumes once', () => {
    const a = vol();
    const t = computeTransferables({ type: 'field', jobId: 'j', outputs: { brainMask: a, unwrapped: a, totalPpm: vol(), localPpm: vol(), localMask: vol() } });
    expect(t).toHaveLength(4);
  });
});
