import { useEffect, useState } from 'react';
import type { MethodId } from '../worker/protocol';
import { checkModel, METHODS, type ModelAvailability } from './methods';

/** Asks once, at start, which model weights this build serves. */
export function useModelAvailability(): Partial<Record<MethodId, ModelAvailability>> {
  const [availability, setAvailability] = useState<Partial<Record<MethodId, ModelAvailability>>>(() =>
    Object.fromEntries(METHODS.filter((m) => m.kind === 'model').map((m) => [m.id, { state: 'checking' }])),
  );
  useEffect(() => {
    let alive = true;
    for (const m of METHODS.filter((x) => x.kind === 'model')) {
      checkModel(m.id).then((a) => alive && setAvailability((prev) => ({ ...prev, [m.id]: a })));
    }
    return () => {
      alive = false;
    };
  }, []);
  return availability;
}
