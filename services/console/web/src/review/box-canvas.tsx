import type { Box } from '@argus/contracts';
import { type Dispatch, type PointerEvent, useEffect, useRef, useState } from 'react';
import type { EditorAction, EditorState } from './box-editor.reducer';
import { fitTransform, HANDLES, type Handle, handlePoint, normaliseDrawnBox, type Point, screenToFrame, type Size } from './box-geometry';

type Drag =
  | { kind: 'move'; index: number; start: Point; from: Box }
  | { kind: 'resize'; index: number; handle: Handle; from: Box }
  | { kind: 'draw'; start: Point; end: Point };

/** Distinct colours that read on both dark and light parts of a frame, with white label text. */
const PALETTE = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#78350f', '#db2777', '#4d7c0f', '#334155'];

/**
 * A stable colour per class: by its place in the model's class list (so a model's first ten
 * classes never share a colour), else by a hash of its name.
 */
export function classColour(className: string, classes: readonly string[] = []): string {
  const index = classes.indexOf(className);
  if (index >= 0) return PALETTE[index % PALETTE.length] as string;
  let h = 0;
  for (const ch of className) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length] as string;
}

/**
 * The frame (or its template) with the boxes drawn over it in SVG. The SVG's viewBox is the frame
 * in pixels, so boxes are drawn in frame pixels and scale with the image; pointer positions go
 * the other way through the same fit transform (box-geometry).
 */
export function BoxCanvas({
  imageUrl,
  state,
  dispatch,
  drawClass,
  dimBoxes,
  classes,
}: {
  imageUrl: string;
  state: EditorState;
  dispatch: Dispatch<EditorAction>;
  drawClass: string;
  dimBoxes: boolean;
  /** The model's classes, which fix each class's colour. */
  classes: readonly string[];
}) {
  const svgRef = useRef<SVGSVGElement>(null);
  const [view, setView] = useState<Size>({ width: 0, height: 0 });
  const [drag, setDrag] = useState<Drag | null>(null);
  const [imageError, setImageError] = useState(false);
  const frame = state.frame;
  const editing = state.mode !== 'view';

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setView({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(svg);
    return () => observer.disconnect();
  }, []);

  useEffect(() => setImageError(false), [imageUrl]);

  const scale = fitTransform(frame, view).scale || 1;
  /** Screen pixels as frame pixels, for strokes, handles and labels that keep their size. */
  const px = (screen: number) => screen / scale;

  const toFrame = (event: PointerEvent): Point => {
    const rect = svgRef.current?.getBoundingClientRect();
    if (!rect) return { x: 0, y: 0 };
    const t = fitTransform(frame, { width: rect.width, height: rect.height });
    return screenToFrame({ x: event.clientX - rect.left, y: event.clientY - rect.top }, t);
  };

  const begin = (event: PointerEvent, next: Drag) => {
    event.preventDefault();
    event.stopPropagation();
    svgRef.current?.setPointerCapture?.(event.pointerId);
    setDrag(next);
  };

  const onBackgroundDown = (event: PointerEvent) => {
    if (event.button !== 0) return;
    if (state.mode === 'draw') {
      const p = toFrame(event);
      begin(event, { kind: 'draw', start: p, end: p });
    } else {
      dispatch({ type: 'select', index: null });
    }
  };

  const onBoxDown = (event: PointerEvent, index: number) => {
    if (event.button !== 0 || state.mode === 'draw') return;
    dispatch({ type: 'select', index });
    const b = state.boxes[index];
    if (editing && b) begin(event, { kind: 'move', index, start: toFrame(event), from: b.box });
    else event.stopPropagation();
  };

  const onHandleDown = (event: PointerEvent, index: number, handle: Handle) => {
    const b = state.boxes[index];
    if (event.button !== 0 || !b) return;
    begin(event, { kind: 'resize', index, handle, from: b.box });
  };

  const onMove = (event: PointerEvent) => {
    if (!drag) return;
    const p = toFrame(event);
    if (drag.kind === 'move')
      dispatch({ type: 'move', index: drag.index, dx: p.x - drag.start.x, dy: p.y - drag.start.y, from: drag.from });
    else if (drag.kind === 'resize') dispatch({ type: 'resize', index: drag.index, handle: drag.handle, to: p, from: drag.from });
    else setDrag({ ...drag, end: p });
  };

  const onUp = (event: PointerEvent) => {
    if (!drag) return;
    if (drag.kind === 'draw') dispatch({ type: 'draw', start: drag.start, end: toFrame(event), className: drawClass });
    svgRef.current?.releasePointerCapture?.(event.pointerId);
    setDrag(null);
  };

  const preview = drag?.kind === 'draw' ? normaliseDrawnBox(drag.start, drag.end, frame) : null;

  return (
    <div className={`canvas ${state.mode === 'draw' ? 'drawing' : ''}`}>
      <img data-testid="alert-image" src={imageUrl} alt="Frame under review" draggable={false} onError={() => setImageError(true)} />
      {imageError && <p className="canvas-error error">The image could not be loaded.</p>}
      <svg
        ref={svgRef}
        className="overlay"
        viewBox={`0 0 ${frame.width} ${frame.height}`}
        preserveAspectRatio="xMidYMid meet"
        onPointerDown={onBackgroundDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={() => setDrag(null)}
      >
        <rect className="frame-area" x={0} y={0} width={frame.width} height={frame.height} />
        {state.boxes.map((b, index) => {
          const selected = state.selected === index;
          const colour = classColour(b.className, classes);
          const w = b.box.x2 - b.box.x1;
          const h = b.box.y2 - b.box.y1;
          const label = b.score === null ? b.className : `${b.className} ${b.score.toFixed(2)}`;
          const labelAbove = b.box.y1 > px(18);
          return (
            <g
              key={index}
              data-testid="box"
              data-index={index}
              data-class={b.className}
              data-selected={selected ? 'true' : 'false'}
              className={`box ${selected ? 'selected' : ''} ${editing ? 'editable' : ''}`}
              opacity={dimBoxes && !selected ? 0.55 : 1}
              onPointerDown={(e) => onBoxDown(e, index)}
            >
              <rect
                x={b.box.x1}
                y={b.box.y1}
                width={w}
                height={h}
                fill={selected ? 'rgba(255,255,255,0.12)' : 'transparent'}
                stroke={colour}
                strokeWidth={px(selected ? 3 : 2)}
                strokeDasharray={b.score === null ? `${px(6)} ${px(3)}` : undefined}
              />
              <g transform={`translate(${b.box.x1} ${labelAbove ? b.box.y1 - px(16) : b.box.y2})`}>
                <rect width={px(label.length * 7 + 8)} height={px(16)} fill={colour} />
                <text x={px(4)} y={px(12)} fontSize={px(11.5)} fill="#fff" className="box-label">
                  {label}
                </text>
              </g>
              {selected &&
                editing &&
                HANDLES.map((handle) => {
                  const p = handlePoint(b.box, handle);
                  const s = px(10);
                  return (
                    <rect
                      key={handle}
                      className={`handle handle-${handle}`}
                      data-handle={handle}
                      x={p.x - s / 2}
                      y={p.y - s / 2}
                      width={s}
                      height={s}
                      fill="#fff"
                      stroke={colour}
                      strokeWidth={px(2)}
                      onPointerDown={(e) => onHandleDown(e, index, handle)}
                    />
                  );
                })}
            </g>
          );
        })}
        {preview && (
          <rect
            className="draw-preview"
            x={preview.x1}
            y={preview.y1}
            width={preview.x2 - preview.x1}
            height={preview.y2 - preview.y1}
            fill="rgba(37,99,235,0.15)"
            stroke="#2563eb"
            strokeWidth={px(2)}
            strokeDasharray={`${px(6)} ${px(3)}`}
          />
        )}
      </svg>
    </div>
  );
}
