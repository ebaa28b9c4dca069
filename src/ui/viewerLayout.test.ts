import { describe, expect, it } from 'vitest';
import { gridColumns, liveViewers, MAX_LIVE_VIEWERS, MIN_VIEWER_PX, VIEWER_GAP_PX } from './viewerLayout';

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

describe('liveViewers', () => {
  const order = Array.from({ length: 19 }, (_, k) => `v${k}`);

  it('all of them while they fit in the budget, on screen or not', () => {
    expect([...liveViewers(order.slice(0, 7), new Set(['v1']))]).toEqual(order.slice(0, 7));
    expect(liveViewers(order.slice(0, MAX_LIVE_VIEWERS), new Set()).size).toBe(MAX_LIVE_VIEWERS);
  });

  it('the first ones in order before visibility is known, never more than the budget', () => {
    expect([...liveViewers(order, undefined)]).toEqual(order.slice(0, MAX_LIVE_VIEWERS));
    expect(MAX_LIVE_VIEWERS).toBeLessThan(16); // Chromium's per-page WebGL context limit
  });

  it('only viewers on or near the screen, in grid order', () => {
    expect([...liveViewers(order, new Set(['v9', 'v3', 'v4']))]).toEqual(['v3', 'v4', 'v9']);
    expect(liveViewers(order, new Set()).size).toBe(0);
  });

  it('the enlarged viewer first, on screen or not, within the budget', () => {
    const visible = new Set(order);
    const live = liveViewers(order, visible, 'v18', 4);
    expect([...live]).toEqual(['v18', 'v0', 'v1', 'v2']);
    expect([...liveViewers(order, new Set(['v1']), 'v5', 4)]).toEqual(['v5', 'v1']);
    // an enlarged id that is no viewer any more changes nothing
    expect([...liveViewers(order, new Set(['v1']), 'gone', 4)]).toEqual(['v1']);
  });
});
