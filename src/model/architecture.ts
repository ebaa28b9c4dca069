/** The weight names and tfjs shapes a model must carry, derived from its metadata (models/FORMAT.md). */
import type { QsmModelMeta } from './modelFormat';

/** Widths of the filter-manifold network's layers before the last (6 -> 32 -> 64 -> 128 -> 28·c0). */
export const FMN_WIDTHS = [6, 32, 64, 128];

export function levelChannels(meta: Pick<QsmModelMeta, 'levels' | 'baseChannels'>): number[] {
  return Array.from({ length: meta.levels }, (_, l) => meta.baseChannels * 2 ** l);
}

export function expectedWeights(meta: Pick<QsmModelMeta, 'levels' | 'baseChannels' | 'architecture'>): Map<string, number[]> {
  const c = levelChannels(meta);
  const out = new Map<string, number[]>();
  const conv = (name: string, cin: number, cout: number) => {
    out.set(`${name}.weight`, [3, 3, 3, cin, cout]);
    out.set(`${name}.bias`, [cout]);
  };
  if (meta.architecture === 'adaptive-unet') {
    const widths = [...FMN_WIDTHS, 28 * c[0]];
    for (let i = 1; i < widths.length; i++) {
      out.set(`fmn.fc${i}.weight`, [widths[i - 1], widths[i]]);
      out.set(`fmn.fc${i}.bias`, [widths[i]]);
    }
  }
  for (let l = 0; l < meta.levels; l++) {
    if (!(l === 0 && meta.architecture === 'adaptive-unet')) conv(`enc${l}.conv1`, l === 0 ? 1 : c[l - 1], c[l]);
    conv(`enc${l}.conv2`, c[l], c[l]);
  }
  for (let l = 0; l < meta.levels - 1; l++) {
    out.set(`up${l}.weight`, [2, 2, 2, c[l], c[l + 1]]);
    out.set(`up${l}.bias`, [c[l]]);
    conv(`dec${l}.conv1`, 2 * c[l], c[l]);
    conv(`dec${l}.conv2`, c[l], c[l]);
  }
  out.set('out.weight', [1, 1, 1, c[0], 1]);
  out.set('out.bias', [1]);
  return out;
}

/** Every problem with a set of named shapes at once, so a broken export is diagnosed in one go. */
export function weightProblems(meta: Parameters<typeof expectedWeights>[0], got: Map<string, number[]>): string[] {
  const want = expectedWeights(meta);
  const problems: string[] = [];
  for (const [name, shape] of want) {
    const g = got.get(name);
    if (!g) problems.push(`missing weight ${name} [${shape.join(', ')}]`);
    else if (g.join(',') !== shape.join(',')) problems.push(`weight ${name} has shape [${g.join(', ')}], expected [${shape.join(', ')}]`);
  }
  for (const name of got.keys()) if (!want.has(name)) problems.push(`unexpected weight ${name}`);
  return problems;
}
