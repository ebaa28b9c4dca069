import { describe, expect, it } from 'vitest';
import { DEFAULT_DC_LAMBDA } from '../core/dataConsistency';
import { MASKED_DC_DEFAULTS } from '../core/dataConsistencyMasked';
import { dcDescription, dcLambdaText, dcRequest, dcSettingsKey, DEFAULT_DC_SETTINGS, type UsedDc } from './dcSettings';
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
  const on = { enabled: true, form: 'masked' } as const;
  it('the key changes with what the result depends on, and turning it off makes every result stale', () => {
    const keys = new Set([
      dcSettingsKey(DEFAULT_DC_SETTINGS),
      dcSettingsKey({ ...on, mode: 'fixed', lambda: 2 * MASKED_DC_DEFAULTS.lambda }),
      dcSettingsKey({ ...on, mode: 'fixed', form: 'closed' }),
      dcSettingsKey({ ...on, mode: 'corner' }),
      dcSettingsKey({ enabled: false, mode: 'fixed', form: 'masked' }),
    ]);
    expect(keys.size).toBe(5);
    // the default typed out is the default, for each form
    expect(dcSettingsKey({ ...on, mode: 'fixed', lambda: MASKED_DC_DEFAULTS.lambda })).toBe(dcSettingsKey(DEFAULT_DC_SETTINGS));
    expect(dcSettingsKey({ ...on, mode: 'fixed', form: 'closed', lambda: DEFAULT_DC_LAMBDA })).toBe(dcSettingsKey({ ...on, mode: 'fixed', form: 'closed' }));
    // an L-curve rule depends on neither the fixed value nor the form box (it always runs the closed form)
    expect(dcSettingsKey({ ...on, mode: 'corner', lambda: 0.3 })).toBe(dcSettingsKey({ ...on, mode: 'corner', form: 'closed' }));
  });
  it('asks the worker for a form with a value or a rule, and describes it as the CLI does', () => {
    expect(dcRequest(DEFAULT_DC_SETTINGS)).toEqual({ form: 'masked', lambda: MASKED_DC_DEFAULTS.lambda });
    expect(dcRequest({ ...on, mode: 'fixed', form: 'closed' })).toEqual({ form: 'closed', lambda: DEFAULT_DC_LAMBDA });
    expect(dcRequest({ ...on, mode: 'inflection' })).toEqual({ form: 'closed', rule: 'inflection' });
    expect(dcLambdaText({ value: 0.0123, rule: 'corner', form: 'closed' } as UsedDc)).toBe('λ = 0.0123 (L-curve corner; closed form)');
    expect(dcLambdaText({ value: 0.01, form: 'masked', iterations: 14 } as UsedDc)).toBe('λ = 0.01 (fixed; masked, 14 CG iterations)');
    expect(dcLambdaText({ value: 0.02 })).toBe('λ = 0.02 (fixed)');
    expect(dcDescription({ value: 0.0123, rule: 'corner', form: 'closed' } as UsedDc)).toBe('dc lambda=0.0123 (L-curve corner)');
    expect(dcDescription({ value: 0.01, form: 'masked', iterations: 14 } as UsedDc)).toBe('dc masked lambda=0.01');
  });
});
