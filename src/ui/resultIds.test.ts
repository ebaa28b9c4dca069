import { describe, expect, it } from 'vitest';
import { DEFAULT_DC_LAMBDA } from '../core/dataConsistency';
import { dcDescription, dcLambdaText, dcRequest, dcSettingsKey, DEFAULT_DC_SETTINGS } from './dcSettings';
import { dcResultId, isDcResult, methodOf, RESULT_ORDER, resultLabel } from './resultIds';

describe('result ids', () => {
  it('each network is followed by its data-consistency variant, classical methods have none', () => {
    expect(RESULT_ORDER).toEqual(['adaptive-unet', 'adaptive-unet-dc', 'adaptive-unet-tl', 'adaptive-unet-tl-dc', 'unet-tl', 'unet-tl-dc', 'tkd', 'cfl2', 'tv', 'ndi']);
  });
  it('a variant names its network and is labelled after it', () => {
    expect(dcResultId('unet-tl')).toBe('unet-tl-dc');
    expect(isDcResult('unet-tl-dc')).toBe(true);
    expect(isDcResult('unet-tl')).toBe(false);
    expect(methodOf('adaptive-unet-tl-dc')).toBe('adaptive-unet-tl');
    expect(methodOf('tkd')).toBe('tkd');
    expect(resultLabel('adaptive-unet-tl-dc')).toBe('Adaptive U-Net (TL) + DC');
    expect(resultLabel('adaptive-unet-tl')).toBe('Adaptive U-Net (TL)');
  });
});

describe('data-consistency settings', () => {
  it('the key changes with what the result depends on, and turning it off makes every result stale', () => {
    const keys = new Set([
      dcSettingsKey(DEFAULT_DC_SETTINGS),
      dcSettingsKey({ enabled: true, mode: 'fixed', lambda: 2 * DEFAULT_DC_LAMBDA }),
      dcSettingsKey({ enabled: true, mode: 'corner' }),
      dcSettingsKey({ enabled: false, mode: 'fixed' }),
    ]);
    expect(keys.size).toBe(4);
    // the default typed out is the default
    expect(dcSettingsKey({ enabled: true, mode: 'fixed', lambda: DEFAULT_DC_LAMBDA })).toBe(dcSettingsKey(DEFAULT_DC_SETTINGS));
    // an L-curve rule does not depend on the fixed value
    expect(dcSettingsKey({ enabled: true, mode: 'corner', lambda: 0.3 })).toBe(dcSettingsKey({ enabled: true, mode: 'corner' }));
  });
  it('asks the worker for a value or a rule, and describes it as the CLI does', () => {
    expect(dcRequest(DEFAULT_DC_SETTINGS)).toEqual({ lambda: DEFAULT_DC_LAMBDA });
    expect(dcRequest({ enabled: true, mode: 'inflection' })).toEqual({ rule: 'inflection' });
    expect(dcLambdaText({ value: 0.0123, rule: 'corner' })).toBe('λ = 0.0123 (L-curve corner)');
    expect(dcLambdaText({ value: 0.02 })).toBe('λ = 0.02 (fixed)');
    expect(dcDescription({ value: 0.0123, rule: 'corner' })).toBe('dc lambda=0.0123 (L-curve corner)');
  });
});
