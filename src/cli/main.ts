/**
 * The `qsm` command (npm run qsm -- COMMAND ...): the same core/io/model code as the browser, headless.
 * Exit 0 on success, 1 for bad input or a failed step, 2 for a bad command line. Errors are one stderr line.
 */
import { fileURLToPath } from 'node:url';
import { isInputError } from '../io/inputError';
import { usageLines, UsageError, type FlagSpecs } from './args';
import { processContext, type CommandContext } from './context';
import { BIDS_FLAGS, bidsCommand } from './commands/bids';
import { COSMOS_FLAGS, cosmosCommand } from './commands/cosmos';
import { FIELD_FLAGS, fieldCommand } from './commands/field';
import { FORWARD_FLAGS, forwardCommand } from './commands/forward';
import { INVERT_FLAGS, invertCommand } from './commands/invert';
import { listCommand } from './commands/list';
import { METRICS_FLAGS, metricsCommand } from './commands/metrics';

interface Command {
  run: (argv: string[], ctx: CommandContext) => Promise<void>;
  flags: FlagSpecs;
  summary: string;
}

const COMMANDS: Record<string, Command> = {
  list: { run: listCommand, flags: {}, summary: 'the inversion methods available' },
  invert: { run: invertCommand, flags: INVERT_FLAGS, summary: 'local field -> susceptibility' },
  forward: { run: forwardCommand, flags: FORWARD_FLAGS, summary: 'susceptibility -> local field (dipole model)' },
  cosmos: { run: cosmosCommand, flags: COSMOS_FLAGS, summary: 'susceptibility from several orientations' },
  field: { run: fieldCommand, flags: FIELD_FLAGS, summary: 'scanner phase + magnitude (single- or multi-echo) -> local field (ppm)' },
  metrics: { run: metricsCommand, flags: METRICS_FLAGS, summary: 'NRMSE, PSNR, SSIM, HFEN, regression against a reference' },
  bids: { run: bidsCommand, flags: BIDS_FLAGS, summary: 'BIDS_DIR OUT_DIR participant (first, then the flags): every subject of a BIDS dataset -> BIDS derivatives' },
};

export function usage(): string {
  const lines = ['usage: npm run qsm -- COMMAND [--flag value ...]', ''];
  for (const [name, c] of Object.entries(COMMANDS)) {
    lines.push(`${name}: ${c.summary}`, ...usageLines(c.flags));
  }
  return lines.join('\n');
}

/** Runs one command line; returns the exit code. Never throws. */
export async function main(argv: string[], ctx: CommandContext = processContext()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    ctx.out(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    ctx.err(`qsm: unknown command "${name}" (known: ${Object.keys(COMMANDS).join(', ')}; see npm run qsm -- help)`);
    return 2;
  }
  try {
    await command.run(rest, ctx);
    return 0;
  } catch (e) {
    const msg = oneLine(e instanceof Error ? e.message : String(e));
    if (isInputError(e)) {
      ctx.err(`qsm ${name}: ${msg}`);
      return e instanceof UsageError ? 2 : 1;
    }
    ctx.err(`qsm ${name}: failed: ${msg}`);
    if (process.env.QSM_DEBUG) ctx.err(String((e as Error).stack));
    return 1;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
