/**
 * `qsm bids BIDS_DIR OUT_DIR participant [--participant-label L ...] [--session S ...] [--method ID ...] [--dc ...]`:
 * a BIDS App. Every subject, session and acquisition found (bids/discover.ts) is reconstructed by every method
 * into BIDS derivatives (bids/derivatives.ts); finished outputs are skipped; a failing acquisition is reported
 * at the end (exit 1) and does not stop the others.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../io/inputError';
import { UsageError, type FlagSpecs } from '../args';
import type { CommandContext } from '../context';
import { DC_FLAGS, parseDcFlags } from '../dataConsistencyStep';
import { READ_FLAGS } from '../inputs';
import { findMethod, METHODS, type MethodEntry } from '../methods';
import { parseBidsArgs } from '../bids/bidsArgs';
import { ensureDatasetDescription } from '../bids/derivatives';
import { discoverSubject, listSubjects, participantLabel, sessionLabel, type Acquisition } from '../bids/discover';
import { parsePhaseFlags, PHASE_FLAGS } from '../bids/rawPhase';
import { runAcquisition } from '../bids/runAcquisition';

const { 'out-net': _outNet, ...DC_BIDS } = DC_FLAGS; // a network's own output is always written

export const DEFAULT_BIDS_METHOD = 'tkd';

export const BIDS_FLAGS: FlagSpecs = {
  'participant-label': { kind: 'value', repeat: true, help: 'L ...: subjects to run (without or with sub-; default: every sub-* folder)' },
  session: { kind: 'value', repeat: true, help: 'S ...: sessions to run (without or with ses-; default: all)' },
  method: { kind: 'value', repeat: true, help: `ID ...: methods (default ${DEFAULT_BIDS_METHOD}): ${METHODS.map((m) => m.id).join(', ')}` },
  threads: { kind: 'value', help: 'N: worker threads for the learned methods (default: every core this process may use; a cluster job gives its share)' },
  ...DC_BIDS,
  ...PHASE_FLAGS,
  ...READ_FLAGS,
};

function chooseMethods(ids: string[]): MethodEntry[] {
  const out: MethodEntry[] = [];
  for (const id of ids.length ? ids : [DEFAULT_BIDS_METHOD]) {
    const m = findMethod(id);
    if (!m) throw new UsageError(`unknown method "${id}" (known: ${METHODS.map((x) => x.id).join(', ')})`);
    if (!out.includes(m)) out.push(m);
  }
  return out;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

export async function bidsCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const { bidsDir, outDir, level, flags } = parseBidsArgs(argv, BIDS_FLAGS);
  if (level !== 'participant') throw new UsageError(`analysis level "${level}": only participant is supported (there is no group level)`);
  const methods = chooseMethods(flags.strings('method'));
  const learned = methods.filter((m) => m.kind === 'learned');
  const dc = parseDcFlags(flags, learned.length > 0, methods.map((m) => m.id).join(', '));
  const pipeline = parsePhaseFlags(flags);
  const threads = flags.number('threads', { min: 1, max: 1024, integer: true });
  if (!isDir(bidsDir)) throw new InputError(`BIDS_DIR ${bidsDir}: no such folder`);
  if (resolve(bidsDir) === resolve(outDir)) throw new InputError('OUT_DIR must not be BIDS_DIR (derivatives go in their own folder, e.g. BIDS_DIR/derivatives/qsm)');
  if (!existsSync(join(bidsDir, 'dataset_description.json'))) ctx.err(`note: ${bidsDir} has no dataset_description.json; reading it as BIDS anyway`);

  const asked = flags.strings('participant-label').map(participantLabel);
  const subjects = asked.length ? [...new Set(asked)] : listSubjects(bidsDir);
  if (subjects.length === 0) throw new InputError(`${bidsDir}: no sub-* folders`);
  const sessions = flags.strings('session').map(sessionLabel);

  if (existsSync(outDir) && !isDir(outDir)) throw new InputError(`OUT_DIR ${outDir}: is a file, not a folder`);
  mkdirSync(outDir, { recursive: true });
  const note = ensureDatasetDescription(outDir, bidsDir);
  if (note) ctx.err(`note: ${note}`);

  const failures: string[] = [];
  const work: Acquisition[] = [];
  for (const s of subjects) {
    const found = discoverSubject(bidsDir, s, { sessions });
    if (found.skipped) {
      ctx.out(`sub-${s}: skipped: ${found.problem}`);
    } else if (found.problem) {
      failures.push(`sub-${s}: ${found.problem}`);
      ctx.out(`sub-${s}: failed: ${found.problem}`);
    }
    work.push(...found.acquisitions);
  }
  ctx.err(`${work.length} acquisition${work.length === 1 ? '' : 's'} of ${subjects.length} subject${subjects.length === 1 ? '' : 's'}, methods ${methods.map((m) => m.id).join(', ')}${dc ? ' (+ data consistency for the networks)' : ''}`);

  let written = 0;
  let done = 0;
  for (const [i, acq] of work.entries()) {
    const tag = `[${i + 1}/${work.length}] ${acq.key}`;
    const actx: CommandContext = {
      out: ctx.out,
      err: (line) => ctx.err(`${tag}: ${line}`),
      progress: (label) => ctx.progress(`${tag} ${label}`),
    };
    const r = await runAcquisition(acq, { bidsDir, outDir, methods, dc, pipeline, threads, flags }, actx);
    written += r.written;
    done += r.done;
    if (r.errors.length) {
      for (const e of r.errors) failures.push(`${acq.key}: ${e}`);
      ctx.out(`${acq.key}: failed (${r.written} written, ${r.done} already done): ${r.errors.join('; ')}`);
    } else {
      ctx.out(`${acq.key}: ok (${r.written} written, ${r.done} already done)`);
    }
  }
  ctx.err(`qsm bids: ${written} outputs written, ${done} already done, ${failures.length} failure${failures.length === 1 ? '' : 's'}`);
  if (failures.length) {
    for (const f of failures) ctx.err(`  failed: ${f}`);
    const who = [...new Set(failures.map((f) => f.slice(0, f.indexOf(':'))))];
    throw new InputError(`${who.length} failed (${who.join(', ')}); the rest of the outputs are in ${outDir}`);
  }
}
