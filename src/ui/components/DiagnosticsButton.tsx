/**
 * "Copy diagnostics" for bug reports: versions, backend, WebGPU adapter and limits, WebGL renderer, threading
 * facts (diagnostics.ts) go to the clipboard, with a "Copied" confirmation. Where the clipboard is blocked the
 * text is shown selected in a box to copy by hand.
 */
import { useEffect, useRef, useState } from 'react';
import { browserEnv, formatDiagnostics, gatherDiagnostics } from '../diagnostics';

// set by vite.config.ts from package.json and the installed @tensorflow/tfjs
const APP_VERSION: string = import.meta.env.VITE_APP_VERSION ?? 'unknown';
const TFJS_VERSION: string = import.meta.env.VITE_TFJS_VERSION ?? 'unknown';
const CONFIRM_MS = 2500;

interface Props {
  backend: string;
  backendNote?: string;
}

export function DiagnosticsButton({ backend, backendNote }: Props) {
  const [state, setState] = useState<{ kind: 'idle' | 'working' | 'copied' } | { kind: 'manual'; text: string; why: string }>({ kind: 'idle' });
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (state.kind === 'copied') {
      const t = setTimeout(() => setState({ kind: 'idle' }), CONFIRM_MS);
      return () => clearTimeout(t);
    }
    if (state.kind === 'manual') box.current?.select();
  }, [state]);

  const copy = async () => {
    setState({ kind: 'working' });
    const text = formatDiagnostics(await gatherDiagnostics(browserEnv(), { appVersion: APP_VERSION, tfjsVersion: TFJS_VERSION, backend, backendNote }));
    try {
      if (!navigator.clipboard?.writeText) throw new Error('this page has no clipboard access');
      await navigator.clipboard.writeText(text);
      setState({ kind: 'copied' });
    } catch (e) {
      setState({ kind: 'manual', text, why: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <div className="diagnostics">
      <button type="button" className="diagnostics-button" data-testid="copy-diagnostics" onClick={copy} disabled={state.kind === 'working'}
        title="Copy versions, backend, GPU adapter and limits, and WebGL renderer for a bug report">
        {state.kind === 'copied' ? 'Copied ✓' : 'Copy diagnostics'}
      </button>
      <span className="visually-hidden" role="status" data-testid="diagnostics-status">
        {state.kind === 'copied' ? 'Diagnostics copied to the clipboard' : ''}
      </span>
      {state.kind === 'manual' && (
        <div className="diagnostics-popup" role="dialog" aria-label="Diagnostics">
          <p className="small">The clipboard is blocked ({state.why}): select the text and copy it (Ctrl+C / ⌘C).</p>
          <textarea ref={box} readOnly value={state.text} rows={14} data-testid="diagnostics-text" aria-label="Diagnostics text" />
          <button type="button" onClick={() => setState({ kind: 'idle' })}>Close</button>
        </div>
      )}
    </div>
  );
}
