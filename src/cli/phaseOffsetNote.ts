/**
 * The line `qsm field` and `qsm bids` print about the smoothed phase offset (core/phase/phaseOffset.ts
 * offsetDeparture): how far it departs from the per-voxel intercepts in units of their noise, and a warning when it
 * is far enough that the offset is probably not smooth.
 */
export const OFFSET_DEPARTURE_WARN = 3;

export function phaseOffsetNote(departure: number | undefined): string | undefined {
  if (departure === undefined || !Number.isFinite(departure)) return undefined;
  const how = `the smoothed phase offset departs from the per-voxel intercepts by ${departure.toFixed(2)}x their noise (about 0.7 when the offset is smooth)`;
  return departure > OFFSET_DEPARTURE_WARN
    ? `warning: ${how}: the offset does not look smooth (coil-combination singularities, motion between echoes?); compare with --phase-offset fit`
    : `note: ${how}`;
}
