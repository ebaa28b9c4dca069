/** The stderr line `qsm field` and `qsm bids` print about TFI's PDF cross-check (core/phase/localFieldPipeline.ts). */
import { TFI_PDF_RATIO_LIMIT } from '../core/phase/localFieldPipeline';

export function tfiCheckNote(r: { tfiToPdf?: number; tfiFellBack?: boolean }): string | undefined {
  if (r.tfiToPdf === undefined) return undefined;
  return r.tfiFellBack
    ? `warning: TFI's local field came out ${r.tfiToPdf.toFixed(1)}x PDF's (over ${TFI_PDF_RATIO_LIMIT}: its solve went wrong): the local field is PDF's`
    : `note: TFI's local field is ${r.tfiToPdf.toFixed(2)}x PDF's in the mask (PDF loses part of the brain's own field; over ${TFI_PDF_RATIO_LIMIT} TFI would give way to it)`;
}
