/**
 * One NiiVue canvas showing one volume. The volume is handed over as an in-memory NIfTI written by our own
 * writer, so NiiVue sees exactly the geometry we export. Instances register with the grid for synced crosshairs.
 * A panel that is not `live` keeps its caption and place but holds no NiiVue instance (no WebGL context); when
 * it becomes live again it opens at the grid's crosshair.
 */
import { NVImage, Niivue, SHOW_RENDER, SLICE_TYPE } from '@niivue/niivue';
import { useEffect, useRef, useState } from 'react';
import type { Volume } from '../../core/volume';
import { writeNifti } from '../../io/writeNifti';
import { textureLimitMessage } from '../viewerLimits';

export type DisplayWindow = [number, number];

interface Props {
  id: string;
  title: string;
  volume: Volume;
  window: DisplayWindow;
  colormap: 'gray' | 'qsm_diverging';
  sliceType: SLICE_TYPE;
  stale?: boolean;
  register: (id: string, nv: Niivue | undefined) => void;
  /** voxel indices under the crosshair after the user moves it in this panel */
  onLocation?: (vox: [number, number, number]) => void;
  /** shown across the whole grid width; the caption's button toggles it through onToggleEnlarged(id) */
  enlarged?: boolean;
  onToggleEnlarged?: (id: string) => void;
  /** holds a NiiVue instance (default); the grid keeps the number of live panels under the browser's WebGL limit */
  live?: boolean;
  /** the grid's crosshair voxel, where a panel that (re)starts puts its own */
  location?: [number, number, number];
}

/** Blue - white - red, for signed differences centred on zero. */
const DIVERGING = {
  R: [5, 67, 146, 247, 244, 214, 103],
  G: [48, 147, 197, 247, 165, 96, 0],
  B: [97, 195, 222, 247, 130, 77, 31],
  A: [255, 255, 255, 255, 255, 255, 255],
  I: [0, 42, 85, 128, 170, 213, 255],
};

export function NiivuePanel({ id, title, volume, window: win, colormap, sliceType, stale, register, onLocation, enlarged, onToggleEnlarged, live = true, location }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const nvRef = useRef<Niivue | undefined>(undefined);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState<string>();
  const onLocationRef = useRef(onLocation);
  useEffect(() => {
    onLocationRef.current = onLocation;
  }, [onLocation]);
  /** the GPU's 3-D texture size limit, read once the canvas has its WebGL2 context */
  const max3dRef = useRef<number | undefined>(undefined);
  const locationRef = useRef(location);
  useEffect(() => {
    locationRef.current = location;
  }, [location]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!live || !canvas) return;
    const nv = new Niivue({
      backColor: [0.08, 0.09, 0.11, 1],
      crosshairColor: [0.25, 0.9, 0.35, 0.55],
      crosshairWidth: 0.7,
      show3Dcrosshair: false,
      isColorbar: true,
      textHeight: 0.045,
      logLevel: 'error',
      loadingText: '',
      isResizeCanvas: true,
      // three orthogonal slices only: a 3-D render tile costs a lot on software GL and shows little for chi maps
      multiplanarShowRender: SHOW_RENDER.NEVER,
    });
    let disposed = false;
    nv.attachToCanvas(canvas)
      .then(() => {
        if (disposed) return;
        nv.addColormap('qsm_diverging', DIVERGING);
        nv.onLocationChange = (loc) => {
          const vox = (loc as { vox?: ArrayLike<number> }).vox;
          if (vox) onLocationRef.current?.([Math.round(vox[0]), Math.round(vox[1]), Math.round(vox[2])]);
        };
        const gl = nv.gl as WebGL2RenderingContext | undefined;
        max3dRef.current = gl ? Number(gl.getParameter(gl.MAX_3D_TEXTURE_SIZE)) : undefined;
        nvRef.current = nv;
        register(id, nv);
        setReady(true);
      })
      .catch((e: Error) => setFailed(`viewer could not start (WebGL2 needed): ${e.message}`));
    return () => {
      disposed = true;
      register(id, undefined);
      nvRef.current = undefined;
      setReady(false);
      nv.cleanup();
      (nv.gl?.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
    };
  }, [id, register, live]);

  useEffect(() => {
    const nv = nvRef.current;
    if (!ready || !nv) return;
    let cancelled = false;
    const tooBig = textureLimitMessage(volume.dims, max3dRef.current);
    if (tooBig) {
      setFailed(tooBig);
      return;
    }
    const bytes = writeNifti(volume);
    NVImage.loadFromUrl({ url: bytes, name: `${id}.nii`, colormap, cal_min: win[0], cal_max: win[1], trustCalMinMax: true })
      .then((img) => {
        if (cancelled) return;
        for (const old of [...nv.volumes]) nv.removeVolume(old);
        img.cal_min = win[0];
        img.cal_max = win[1];
        nv.addVolume(img);
        nv.setSliceType(sliceType);
        // a panel that starts after the crosshair moved (scrolled into view) joins it there
        const loc = locationRef.current;
        if (loc) {
          nv.scene.crosshairPos = nv.vox2frac(loc);
          nv.drawScene();
        }
      })
      .catch((e: Error) => setFailed(`could not display: ${e.message}`));
    return () => {
      cancelled = true;
    };
    // the window and slice type are applied by the effects below without reloading the image
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, volume, colormap, id]);

  useEffect(() => {
    const nv = nvRef.current;
    const img = nv?.volumes[0];
    if (!nv || !img) return;
    img.cal_min = win[0];
    img.cal_max = win[1];
    nv.updateGLVolume();
  }, [win]);

  useEffect(() => {
    nvRef.current?.setSliceType(sliceType);
  }, [sliceType, ready]);

  return (
    <figure className={`viewer-panel${stale ? ' stale' : ''}${enlarged ? ' enlarged' : ''}`} data-testid={`panel-${id}`} data-panel-id={id}
      data-enlarged={enlarged ? 'true' : undefined} data-live={live ? 'true' : 'false'}>
      <figcaption>
        <span className="panel-title">{title}</span>
        {stale && <span className="stale-badge" title="Computed with other acquisition or method settings: run again">stale</span>}
        {onToggleEnlarged && (
          <button type="button" className="enlarge" data-testid={`enlarge-${id}`} aria-pressed={!!enlarged}
            aria-label={enlarged ? `Back to the grid: ${title}` : `Enlarge ${title}`} title={enlarged ? 'Back to the grid' : 'Enlarge this viewer'}
            onClick={() => onToggleEnlarged(id)}>
            {enlarged ? '⤡' : '⤢'}
          </button>
        )}
      </figcaption>
      {failed ? (
        <p className="panel-error">{failed}</p>
      ) : !live ? (
        <div className="canvas-box paused" data-testid={`paused-${id}`}>
          <span>Not drawn while off screen: browsers allow only so many 3-D viewers at once. Scroll to it or enlarge it.</span>
        </div>
      ) : (
        // NiiVue sizes its canvas to 100% of the parent, so the parent fixes the square
        <div className="canvas-box">
          <canvas ref={canvasRef} aria-label={`${title} viewer`} tabIndex={0} />
        </div>
      )}
    </figure>
  );
}
