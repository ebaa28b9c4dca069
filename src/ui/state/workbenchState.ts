/**
 * The workbench's one source of truth: everything the panels show, changed only through `workbenchReducer`'s
 * actions. What follows from it (the run context, the current reference, which results are stale, what each view
 * shows) is derived in selectors.ts, never stored beside it, so views cannot disagree with each other.
 */
import { SLICE_TYPE } from '@niivue/niivue';
import { DEFAULT_TKD_THRESHOLD } from '../../core/tkd';
import type { BackendName, MethodId, MethodParams } from '../../worker/protocol';
import type { AcqSettings } from '../acquisitionState';
import type { LambdaMode } from '../cfl2Lambda';
import type { RunState } from '../components/MethodsPanel';
import type { MethodComparison, MethodResult } from './results';
import { DEFAULT_DC_SETTINGS, type DcSettings } from '../dcSettings';
import type { FieldOutputs } from '../../worker/computeProtocol';
import type { LoadedItem } from '../items';
import { DEFAULT_PIPELINE, type PipelineSettings } from '../phaseInputs';
import { METHODS } from '../methods';
import type { ResultId } from '../resultIds';
import type { Role } from '../roles';

export interface StepProgress {
  done: number;
  total: number;
  stage: string;
}

export interface WorkbenchState {
  /** which dataset the items are: results of a run on an earlier one are dropped when they arrive */
  datasetId: number;
  items: LoadedItem[];
  /** the user's edits of the acquisition read from the files */
  edits: Partial<AcqSettings>;
  selected: MethodId[];
  /** the user chose methods: models found later are no longer added to the selection */
  selectionTouched: boolean;
  params: MethodParams;
  lambdaMode: LambdaMode;
  dc: DcSettings;
  runs: Partial<Record<MethodId, RunState>>;
  running: boolean;
  loading: boolean;
  results: Partial<Record<ResultId, MethodResult>>;
  /** metrics, difference and scatter of a result against a reference; current only for that result and reference */
  comparisons: Partial<Record<ResultId, MethodComparison>>;
  referenceId?: string;
  errors: string[];
  exampleProgress?: StepProgress;
  cosmosProgress?: string;
  backend: { name: string; note?: string };
  preferredBackend: BackendName | '';
  sliceType: SLICE_TYPE;
  chiWindow: [number, number];
  /** the phase pipeline: its settings, progress, and its last outputs with the key of what they were made from */
  pipeline: PipelineSettings;
  pipelineProgress?: StepProgress;
  pipelineOutputs?: { outputs: FieldOutputs; key: string; sourceName: string };
}

export const initialState: WorkbenchState = {
  datasetId: 0,
  items: [],
  edits: {},
  selected: ['tkd', 'cfl2'],
  selectionTouched: false,
  params: { tkdThreshold: DEFAULT_TKD_THRESHOLD, overlap: 0.25 },
  lambdaMode: 'fixed',
  dc: DEFAULT_DC_SETTINGS,
  runs: {},
  running: false,
  loading: false,
  results: {},
  comparisons: {},
  errors: [],
  backend: { name: 'starting…' },
  preferredBackend: '',
  sliceType: SLICE_TYPE.AXIAL,
  chiWindow: [-0.15, 0.25],
  pipeline: DEFAULT_PIPELINE,
};

export type WorkbenchAction =
  /** a new dataset (the example, or files that replace it): everything computed on the old one goes */
  | { type: 'dataset'; items: LoadedItem[]; datasetId: number }
  /** files added to what is loaded; each takes its role from the previous holder */
  | { type: 'add-items'; items: LoadedItem[] }
  | { type: 'add-item'; item: LoadedItem; asReference?: boolean }
  | { type: 'assign-role'; id: string; role: Role }
  | { type: 'remove-item'; id: string }
  | { type: 'edit-acquisition'; patch: Partial<AcqSettings> }
  | { type: 'reset-acquisition' }
  | { type: 'toggle-method'; id: MethodId; on: boolean }
  /** models whose weights were found: selected unless the user already chose */
  | { type: 'models-found'; ids: MethodId[] }
  | { type: 'params'; params: MethodParams }
  | { type: 'lambda-mode'; mode: LambdaMode }
  | { type: 'dc'; dc: DcSettings }
  | { type: 'run-start'; methods: MethodId[] }
  | { type: 'run-update'; method: MethodId; patch: Partial<RunState> }
  | { type: 'run-end' }
  /** from a run started on dataset `datasetId` */
  | { type: 'result'; id: ResultId; result: MethodResult; datasetId: number }
  | { type: 'comparison'; id: ResultId; comparison: MethodComparison }
  | { type: 'reference'; id: string }
  | { type: 'error'; message: string }
  | { type: 'dismiss-errors' }
  | { type: 'loading'; on: boolean }
  | { type: 'example-progress'; progress?: StepProgress }
  | { type: 'cosmos-progress'; text?: string }
  | { type: 'backend'; name: string; note?: string }
  /** the tfjs backend a model actually ran on; keeps the note */
  | { type: 'backend-used'; name: string }
  | { type: 'prefer-backend'; backend: BackendName | '' }
  | { type: 'slice-type'; sliceType: SLICE_TYPE }
  | { type: 'chi-window'; window: [number, number] }
  | { type: 'pipeline-settings'; settings: PipelineSettings }
  | { type: 'pipeline-progress'; progress?: StepProgress }
  /** the pipeline's local field and mask become the input field and mask; its outputs stay viewable */
  | { type: 'pipeline-done'; outputs: FieldOutputs; key: string; sourceName: string; field: LoadedItem; mask: LoadedItem };

/** Only one input field and one mask: giving a file either role moves the previous holder aside. */
export function assignRole(items: LoadedItem[], id: string, role: Role): LoadedItem[] {
  return items.map((i) => {
    if (i.id === id) return { ...i, role };
    if (role === 'field' && i.role === 'field') return { ...i, role: 'cosmos-field' };
    if (role === 'mask' && i.role === 'mask') return { ...i, role: 'ignore' };
    return i;
  });
}

const firstReference = (items: LoadedItem[]) => items.find((i) => i.role === 'reference')?.id;

export function workbenchReducer(s: WorkbenchState, a: WorkbenchAction): WorkbenchState {
  switch (a.type) {
    case 'dataset':
      return { ...s, datasetId: a.datasetId, items: a.items, edits: {}, results: {}, comparisons: {}, runs: {}, referenceId: firstReference(a.items), pipelineOutputs: undefined };
    case 'add-items': {
      // a newly loaded field or mask takes the role from the previous holder
      let items = s.items;
      for (const it of a.items) items = assignRole([...items, { ...it, role: 'ignore' }], it.id, it.role);
      return { ...s, items, referenceId: firstReference(a.items) ?? s.referenceId };
    }
    case 'add-item':
      return { ...s, items: [...s.items, a.item], referenceId: a.asReference ? a.item.id : s.referenceId };
    case 'assign-role':
      return { ...s, items: assignRole(s.items, a.id, a.role) };
    case 'remove-item':
      return { ...s, items: s.items.filter((i) => i.id !== a.id), referenceId: s.referenceId === a.id ? undefined : s.referenceId };
    case 'edit-acquisition':
      return { ...s, edits: { ...s.edits, ...a.patch } };
    case 'reset-acquisition':
      return { ...s, edits: {} };
    case 'toggle-method':
      return { ...s, selectionTouched: true, selected: a.on ? [...s.selected.filter((x) => x !== a.id), a.id] : s.selected.filter((x) => x !== a.id) };
    case 'models-found':
      return s.selectionTouched ? s : { ...s, selected: [...a.ids.filter((m) => !s.selected.includes(m)), ...s.selected] };
    case 'params':
      return { ...s, params: a.params };
    case 'lambda-mode':
      return { ...s, lambdaMode: a.mode };
    case 'dc':
      return { ...s, dc: a.dc };
    case 'run-start':
      return { ...s, running: true, runs: Object.fromEntries(a.methods.map((m) => [m, { status: 'queued', done: 0, total: 1, stage: '' }])) };
    case 'run-update': {
      const prev = s.runs[a.method];
      return prev ? { ...s, runs: { ...s.runs, [a.method]: { ...prev, ...a.patch } } } : s;
    }
    case 'run-end':
      return { ...s, running: false };
    case 'result': {
      // a run on a dataset that has since been replaced must not put its maps beside the new data
      if (a.datasetId !== s.datasetId) return s;
      // a new result drops its old comparison: it described another map
      const { [a.id]: _old, ...comparisons } = s.comparisons;
      return { ...s, results: { ...s.results, [a.id]: a.result }, comparisons };
    }
    case 'comparison':
      // an answer for a result that has since been replaced or removed is dropped
      return s.results[a.id]?.chi === a.comparison.chi ? { ...s, comparisons: { ...s.comparisons, [a.id]: a.comparison } } : s;
    case 'reference':
      return { ...s, referenceId: a.id };
    case 'error':
      return { ...s, errors: [...s.errors.filter((x) => x !== a.message), a.message] };
    case 'dismiss-errors':
      return { ...s, errors: [] };
    case 'loading':
      return { ...s, loading: a.on };
    case 'example-progress':
      return { ...s, exampleProgress: a.progress };
    case 'cosmos-progress':
      return { ...s, cosmosProgress: a.text };
    case 'backend':
      return { ...s, backend: { name: a.name, note: a.note } };
    case 'backend-used':
      return s.backend.name === a.name ? s : { ...s, backend: { name: a.name, note: s.backend.note } };
    case 'prefer-backend':
      return { ...s, preferredBackend: a.backend, backend: { ...s.backend, name: 'switching…' } };
    case 'slice-type':
      return { ...s, sliceType: a.sliceType };
    case 'chi-window':
      return { ...s, chiWindow: a.window };
    case 'pipeline-settings':
      return { ...s, pipeline: a.settings };
    case 'pipeline-progress':
      return { ...s, pipelineProgress: a.progress };
    case 'pipeline-done': {
      // the new field is the input (a field loaded before becomes a COSMOS orientation, as when a field is dropped);
      // its mask goes first so it is the mask the methods use, while the user's own mask file stays loaded
      const kept = s.items.filter((i) => !i.fromPipeline);
      const items = assignRole([a.mask, ...kept, { ...a.field, role: 'ignore' }], a.field.id, 'field');
      return { ...s, items, pipelineOutputs: { outputs: a.outputs, key: a.key, sourceName: a.sourceName }, pipelineProgress: undefined };
    }
  }
}

/** Classical methods always run; a model only once its weights are found. */
export function isRunnable(m: MethodId, availability: Partial<Record<MethodId, { state: string }>>): boolean {
  return METHODS.find((x) => x.id === m)?.kind === 'classical' || availability[m]?.state === 'available';
}
