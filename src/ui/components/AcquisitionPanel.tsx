/** What was read, what was assumed, and the user's edits; every value editable. */
import { tiltDegrees } from '../../core/acquisition';
import type { Vec3 } from '../../core/volume';
import { FIELD_UNITS, type FieldUnits } from '../../io/units';
import { normalizeDir, type AcqNotes, type AcqSettings } from '../acquisitionState';

interface Props {
  settings: AcqSettings;
  notes: AcqNotes;
  edited: (keyof AcqSettings)[];
  onEdit: (patch: Partial<AcqSettings>) => void;
  onReset: () => void;
}

const UNIT_LABEL: Record<FieldUnits, string> = { ppm: 'ppm', hz: 'Hz', rad: 'rad' };

function NumberField({ label, value, step, onChange, testid, min }: { label: string; value: number | undefined; step: number; min?: number; onChange: (v: number | undefined) => void; testid: string }) {
  return (
    <label className="num">
      <span>{label}</span>
      <input
        type="number"
        step={step}
        min={min}
        value={value === undefined ? '' : +value.toFixed(6)}
        data-testid={testid}
        onChange={(e) => {
          const v = e.target.value === '' ? undefined : Number(e.target.value);
          if (v === undefined || Number.isFinite(v)) onChange(v);
        }}
      />
    </label>
  );
}

export function AcquisitionPanel({ settings, notes, edited, onEdit, onReset }: Props) {
  const setVoxel = (axis: number, v: number | undefined) => {
    if (!(v !== undefined && v > 0)) return;
    const voxelSize = [...settings.voxelSize] as Vec3;
    voxelSize[axis] = v;
    onEdit({ voxelSize });
  };
  const setB = (axis: number, v: number | undefined) => {
    const b = [...settings.b0Dir] as Vec3;
    b[axis] = v ?? 0;
    const n = normalizeDir(b);
    if (n) onEdit({ b0Dir: b });
  };
  const note = (k: keyof AcqSettings) => (edited.includes(k) ? 'edited by you' : notes[k]);
  const unitB = normalizeDir(settings.b0Dir);
  return (
    <section className="panel" aria-labelledby="acq-heading">
      <h2 id="acq-heading">Acquisition</h2>
      <fieldset>
        <legend>Voxel size (mm)</legend>
        <div className="triple">
          {['x', 'y', 'z'].map((a, i) => (
            <NumberField key={a} label={a} step={0.1} min={0.01} value={settings.voxelSize[i]} testid={`voxel-${a}`} onChange={(v) => setVoxel(i, v)} />
          ))}
        </div>
        <p className="note">{note('voxelSize')}</p>
      </fieldset>
      <fieldset>
        <legend>B0 direction (voxel axes)</legend>
        <div className="triple">
          {['x', 'y', 'z'].map((a, i) => (
            <NumberField key={a} label={a} step={0.05} value={settings.b0Dir[i]} testid={`b0-${a}`} onChange={(v) => setB(i, v)} />
          ))}
        </div>
        <p className="note">
          tilt <strong data-testid="tilt">{unitB ? tiltDegrees(unitB).toFixed(1) : '—'}°</strong> from voxel z · {note('b0Dir')}
        </p>
      </fieldset>
      <fieldset>
        <legend>Field map</legend>
        <div className="triple">
          <label className="num">
            <span>units</span>
            <select value={settings.units} data-testid="units" onChange={(e) => onEdit({ units: e.target.value as FieldUnits })}>
              {FIELD_UNITS.map((u) => (
                <option key={u} value={u}>{UNIT_LABEL[u]}</option>
              ))}
            </select>
          </label>
          <NumberField label="B0 (T)" step={0.5} min={0} value={settings.fieldStrength} testid="field-strength" onChange={(v) => onEdit({ fieldStrength: v })} />
          <NumberField label="TE (ms)" step={1} min={0} value={settings.echoTime === undefined ? undefined : settings.echoTime * 1000} testid="echo-time" onChange={(v) => onEdit({ echoTime: v === undefined ? undefined : v / 1000 })} />
        </div>
        <p className="note">units: {note('units')}</p>
        <p className="note">B0: {note('fieldStrength')} · TE: {note('echoTime')}</p>
      </fieldset>
      {edited.length > 0 && (
        <button type="button" className="secondary" onClick={onReset}>Reset to what the files say</button>
      )}
    </section>
  );
}
