/** Loading: a drop zone and a file picker for several files at once, then one row per file with its role. */
import { useRef, useState, type DragEvent } from 'react';
import type { LoadedItem } from '../items';
import { NIFTI_ROLES, ROLE_LABELS, type Role } from '../roles';

interface Props {
  items: LoadedItem[];
  gridMessages: { ok: boolean; name: string; text: string }[];
  busy: boolean;
  onFiles: (files: File[]) => void;
  onRole: (id: string, role: Role) => void;
  onRemove: (id: string) => void;
}

function describeItem(i: LoadedItem): string {
  if (i.sidecar) {
    const s = i.sidecar;
    const parts = [
      s.fieldStrength !== undefined && `B0 ${s.fieldStrength} T`,
      s.echoTime !== undefined && `TE ${(s.echoTime * 1000).toFixed(1)} ms`,
      s.units && `units ${s.units}`,
    ].filter(Boolean);
    return parts.length ? parts.join(', ') : 'no field strength, echo time or units';
  }
  if (!i.volume) return '';
  const v = i.volume;
  return `${v.dims.join('×')} · ${v.voxelSize.map((d) => +d.toFixed(3)).join('×')} mm`;
}

export function FilePanel({ items, gridMessages, busy, onFiles, onRole, onRemove }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const unassigned = items.filter((i) => i.role === 'unassigned');
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) onFiles(files);
  };
  return (
    <section className="panel" aria-labelledby="files-heading">
      <h2 id="files-heading">Data</h2>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <p>
          Drop NIfTI files here (field map, mask, magnitude, reference) and a BIDS <code>.json</code> sidecar, or{' '}
          <button type="button" className="linklike" onClick={() => input.current?.click()} disabled={busy}>
            choose files
          </button>
        </p>
        <label className="visually-hidden" htmlFor="file-input">Choose files</label>
        <input
          id="file-input"
          ref={input}
          type="file"
          multiple
          accept=".nii,.gz,.json,application/gzip,application/json"
          data-testid="file-input"
          className="visually-hidden"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length) onFiles(files);
          }}
        />
        <p className="muted small">Files stay on this computer: nothing is uploaded.</p>
      </div>
      {unassigned.length > 0 && (
        <p className="role-prompt" role="status" data-testid="choose-role-notice">
          {unassigned.length === 1 ? '1 file needs' : `${unassigned.length} files need`} a role: its name did not say what it is.
          Choose one below; nothing uses the file until then.
        </p>
      )}
      {items.length > 0 && (
        <ul className="file-list" aria-label="Loaded files">
          {items.map((i) => (
            <li key={i.id} data-testid={`file-${i.name}`}>
              <div className="file-name" title={i.name}>{i.name}</div>
              <div className="file-row">
                {i.role === 'sidecar' ? (
                  <span className="role-fixed" data-testid={`role-${i.name}`}>{ROLE_LABELS.sidecar}</span>
                ) : (
                  <select
                    aria-label={`Role of ${i.name}`}
                    data-testid={`role-${i.name}`}
                    className={i.role === 'unassigned' ? 'needs-role' : undefined}
                    aria-invalid={i.role === 'unassigned' || undefined}
                    value={i.role}
                    onChange={(e) => onRole(i.id, e.target.value as Role)}
                  >
                    {i.role === 'unassigned' && <option value="unassigned" disabled>{ROLE_LABELS.unassigned}</option>}
                    {NIFTI_ROLES.map((r) => (
                      <option key={r} value={r}>{ROLE_LABELS[r]}</option>
                    ))}
                  </select>
                )}
                <button type="button" className="icon" aria-label={`Remove ${i.name}`} onClick={() => onRemove(i.id)}>×</button>
              </div>
              {i.role === 'unassigned' && (
                <div className="warning small" data-testid={`choose-role-${i.name}`}>Choose a role: the name did not tell what this file is.</div>
              )}
              <div className="muted small">{describeItem(i)}</div>
              {i.warnings.map((w) => (
                <div key={w} className="warning small">{w}</div>
              ))}
            </li>
          ))}
        </ul>
      )}
      {gridMessages.length > 0 && (
        <ul className="grid-check" data-testid="grid-check" aria-label="Grid check">
          {gridMessages.filter((m) => !m.ok).map((m) => (
            <li key={m.text} className="bad">✗ {m.text}</li>
          ))}
          {gridMessages.some((m) => m.ok) && (
            <li className="ok">✓ {gridMessages.filter((m) => m.ok).map((m) => m.name).join(', ')}: on the field map's grid</li>
          )}
        </ul>
      )}
    </section>
  );
}
