/**
 * What a NiiVue panel can draw: it uploads each volume as one WebGL2 3-D texture, and a GPU draws those only up to
 * MAX_3D_TEXTURE_SIZE voxels per side (WebGL2 guarantees 256; desktop GPUs give 2048, some mobile ones 256-512).
 * A larger volume is refused before NiiVue allocates anything, with a message that says what still works.
 */
export function textureLimitMessage(dims: readonly number[], max3d: number | undefined): string | undefined {
  if (!max3d || !(max3d > 0)) return undefined;
  const over = dims.filter((n) => n > max3d);
  if (over.length === 0) return undefined;
  return `this volume is ${dims.join('×')} voxels and this GPU's WebGL draws 3-D textures up to ${max3d} per side, so it cannot be shown here; it is computed, in the metrics and downloadable (crop or downsample it to view it)`;
}
