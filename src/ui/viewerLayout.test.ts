import { describe, expect, it } from 'vitest';
import { gridColumns, MIN_VIEWER_PX, VIEWER_GAP_PX } from './viewerLayout';

describe('gridColumns', () => {
  it('keeps every viewer at least the minimum width', () => {
    for (const width of [300, 600, 914, 1034, 1500, 2400]) {
      const c = gridColumns(9, width);
      expect((width - (c - 1) * VIEWER_GAP_PX) / c).toBeGreaterThanOrEqual(MIN_VIEWER_PX);
      // and uses the room: one more column would be narrower than the minimum
      expect((width - c * VIEWER_GAP_PX) / (c + 1)).toBeLessThan(MIN_VIEWER_PX);
    }
  });

  it('issue 15: seven viewers at a 1280-1400 px window (about 914-1034 px for the viewers) wrap onto three columns', () => {
    expect(gridColumns(7, 914)).toBe(3);
    expect(gridColumns(7, 1034)).toBe(3);
  });

  it('never more columns than viewers, never fewer than one', () => {
    expect(gridColumns(2, 2000)).toBe(2);
    expect(gridColumns(0, 2000)).toBe(1);
    expect(gridColumns(5, 100)).toBe(1);
  });

  it('one column per viewer before the width is known', () => {
    expect(gridColumns(7, undefined)).toBe(7);
    expect(gridColumns(7, 0)).toBe(7);
  });
});
