import { describe, expect, it } from 'vitest';
import { textureLimitMessage } from './viewerLimits';

describe('the viewer texture limit', () => {
  it('passes volumes within the limit, and an unknown limit', () => {
    expect(textureLimitMessage([256, 256, 192], 256)).toBeUndefined();
    expect(textureLimitMessage([600, 600, 400], undefined)).toBeUndefined();
  });
  it('refuses a volume over it on any axis, saying the map is still computed and downloadable', () => {
    const m = textureLimitMessage([512, 512, 200], 256);
    expect(m).toMatch(/512×512×200 voxels .* up to 256 per side/);
    expect(m).toMatch(/downloadable/);
    expect(textureLimitMessage([100, 100, 2049], 2048)).toMatch(/2048 per side/);
  });
});
