import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, s: { isTTY, columns: 60, write: (x: string) => writes.push(x) } };
}

describe('ProgressBar', () => {
  it('on a terminal redraws one line and ends with the timing', () => {
    const { writes, s } = sink(true);
    const bar = new ProgressBar('invert tkd', s);
    bar.update(0, 4, 'FFT');
    bar.update(4, 4, 'FFT');
    bar.finish();
    expect(writes[0]).toMatch(/^\rinvert tkd FFT \[-{24}\] {3}0%/);
    expect(writes[1]).toMatch(/^\rinvert tkd FFT \[#{24}\] 100%/);
    expect(writes[1].length).toBe(60);
    expect(writes.at(-1)).toMatch(/^invert tkd: done in \d+\.\d\d s\n$/);
  });
  it('elsewhere writes only the final line', () => {
    const { writes, s } = sink(false);
    const bar = new ProgressBar('forward', s);
    bar.update(1, 2, 'FFT');
    bar.finish();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^forward: done in/);
  });
});
