/** How many viewer columns fit: every viewer at least MIN_VIEWER_PX wide, never more columns than viewers. */
export const MIN_VIEWER_PX = 260;
/** the gap between viewers (.viewer-row in app.css) */
export const VIEWER_GAP_PX = 6;

/**
 * Columns for `count` viewers in a row `width` px wide. Before the width is known (first render, or no layout in
 * a test) every viewer gets its own column, as the one-row layout always did.
 */
export function gridColumns(count: number, width: number | undefined, min = MIN_VIEWER_PX, gap = VIEWER_GAP_PX): number {
  const n = Math.max(count, 1);
  if (width === undefined || !(width > 0)) return n;
  const fit = Math.max(1, Math.floor((width + gap) / (min + gap)));
  return Math.min(n, fit);
}

/**
 * Browsers keep only so many WebGL contexts alive (Chromium 16 per page, workers' included: tfjs's WebGL backend
 * and the renderer checks take some); past that the oldest is lost and its viewer goes blank. The example with
 * every method and its difference map has 19 viewers, so only this many hold a NiiVue instance at a time.
 */
export const MAX_LIVE_VIEWERS = 12;

/**
 * Which viewers hold a live NiiVue instance: all of them while they fit in `max`; beyond that the enlarged one,
 * then those on (or near) the screen in grid order, at most `max`. Before visibility is known, the first `max`.
 */
export function liveViewers(order: string[], visible: ReadonlySet<string> | undefined, enlarged?: string, max = MAX_LIVE_VIEWERS): Set<string> {
  if (order.length <= max) return new Set(order);
  const candidates = visible ? order.filter((id) => visible.has(id)) : order;
  const ranked = enlarged && order.includes(enlarged) ? [enlarged, ...candidates.filter((id) => id !== enlarged)] : candidates;
  return new Set(ranked.slice(0, Math.max(0, max)));
}
