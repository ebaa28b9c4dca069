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
