import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError, type FlagSpecs } from './args';

const specs: FlagSpecs = {
  field: { kind: 'value', required: true, repeat: true, help: 'F' },
  lambda: { kind: 'value', help: 'L' },
  json: { kind: 'boolean', help: 'j' },
  b0dir: { kind: 'value', help: 'x,y,z' },
};

describe('parseFlags', () => {
  it('reads --k v, --k=v, booleans, repeats and negative numbers as values', () => {
    const f = parseFlags(['--field', 'a.nii', '--field=b.nii', '--json', '--lambda', '-0.5', '--b0dir', '-0.1,0,1'], specs);
    expect(f.strings('field')).toEqual(['a.nii', 'b.nii']);
    expect(f.has('json')).toBe(true);
    expect(f.number('lambda')).toBe(-0.5);
    expect(f.vec3s('b0dir')).toEqual([[-0.1, 0, 1]]);
  });
  it.each([
    [['--field', 'a', '--lamda', '1'], /unknown flag --lamda \(known: --field, --lambda, --json, --b0dir\)/],
    [['--field'], /--field needs a value/],
    [['--field', 'a', '--lambda', '--json'], /--lambda needs a value/],
    [['--field', 'a', '--lambda', '1', '--lambda', '2'], /--lambda given more than once/],
    [['--json'], /missing --field/],
    [['--field', 'a', 'stray'], /unexpected argument "stray"/],
    [['--field', 'a', '--json=yes'], /--json takes no value/],
  ])('%j is a usage error', (argv, pattern) => {
    expect(() => parseFlags(argv as string[], specs)).toThrow(UsageError);
    expect(() => parseFlags(argv as string[], specs)).toThrow(pattern as RegExp);
  });
  it('checks numbers and vectors', () => {
    expect(() => parseFlags(['--field', 'a', '--lambda', 'abc'], specs).number('lambda')).toThrow('--lambda: expected a number, got "abc"');
    expect(() => parseFlags(['--field', 'a', '--b0dir', '1,2'], specs).vec3s('b0dir')).toThrow('--b0dir: expected three numbers x,y,z, got "1,2"');
  });
});
