/** `qsm list`: the methods `invert` accepts. */
import { UsageError } from '../args';
import { METHODS } from '../methods';
import type { CommandContext } from '../context';

export async function listCommand(argv: string[], ctx: CommandContext): Promise<void> {
  if (argv.length > 0) throw new UsageError(`takes no arguments, got "${argv[0]}"`);
  const width = Math.max(...METHODS.map((m) => m.id.length));
  for (const m of METHODS) ctx.out(`${m.id.padEnd(width)}  ${m.kind.padEnd(9)}  ${m.summary}`);
}
