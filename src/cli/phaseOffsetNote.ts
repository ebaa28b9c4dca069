/** The stderr line `qsm field` and `qsm bids` print about the smoothed phase offset (core/phase/phaseOffset.ts). */
import { describeOffsetDeparture } from '../core/phase/phaseOffset';

export function phaseOffsetNote(departure: number | undefined): string | undefined {
  const d = describeOffsetDeparture(departure);
  return d && `${d.warn ? 'warning' : 'note'}: ${d.text}${d.warn ? ' (--phase-offset fit)' : ''}`;
}
