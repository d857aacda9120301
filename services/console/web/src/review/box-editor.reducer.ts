import type { Box } from '@argus/contracts';
import type { ScoredDetection } from '../api/api-types';
import { clampBox, type Handle, moveBox, normaliseDrawnBox, type Point, resizeBox, resizeBoxBy, type Size } from './box-geometry';

/**
 * The boxes of an alert as the operator edits them in "correct" mode. Boxes drawn by a person have
 * no score. Every change goes through the geometry functions, so a box is always inside the frame.
 */
export interface EditableBox {
  className: string;
  box: Box;
  score: number | null;
}

export type EditorMode = 'view' | 'edit' | 'draw';

export interface EditorState {
  frame: Size;
  original: EditableBox[];
  boxes: EditableBox[];
  selected: number | null;
  mode: EditorMode;
}

export type EditorAction =
  | { type: 'start-edit' }
  | { type: 'cancel' }
  | { type: 'toggle-draw' }
  | { type: 'select'; index: number | null }
  | { type: 'move'; index: number; dx: number; dy: number; from?: Box }
  | { type: 'resize'; index: number; handle: Handle; to: Point; from: Box }
  | { type: 'resize-by'; index: number; dw: number; dh: number }
  | { type: 'relabel'; index: number; className: string }
  | { type: 'delete'; index: number }
  | { type: 'draw'; start: Point; end: Point; className: string }
  /** Shows another set of boxes (the model's, or a review's) and makes it what a correction starts from. */
  | { type: 'show'; boxes: EditableBox[] };

export function initialEditorState(frame: Size, detections: readonly (ScoredDetection | EditableBox)[]): EditorState {
  const boxes = detections.map((d) => ({ className: d.className, box: { ...d.box }, score: d.score }));
  return { frame, original: boxes, boxes, selected: null, mode: 'view' };
}

function update(state: EditorState, index: number, change: (b: EditableBox) => EditableBox): EditorState {
  const current = state.boxes[index];
  if (!current) return state;
  const boxes = state.boxes.slice();
  boxes[index] = change(current);
  return { ...state, boxes };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  const editing = state.mode !== 'view';
  switch (action.type) {
    case 'start-edit':
      return editing ? state : { ...state, mode: 'edit' };
    case 'cancel':
      return { ...state, boxes: state.original, selected: null, mode: 'view' };
    case 'show':
      return editing ? state : { ...state, original: action.boxes, boxes: action.boxes, selected: null };
    case 'toggle-draw':
      return { ...state, mode: state.mode === 'draw' ? 'edit' : 'draw', selected: state.mode === 'draw' ? state.selected : null };
    case 'select':
      return action.index === null || state.boxes[action.index] ? { ...state, selected: action.index } : state;
    case 'move':
      if (!editing) return state;
      return update(state, action.index, (b) => ({ ...b, box: moveBox(action.from ?? b.box, action.dx, action.dy, state.frame) }));
    case 'resize':
      if (!editing) return state;
      return update(state, action.index, (b) => ({ ...b, box: resizeBox(action.from, action.handle, action.to, state.frame) }));
    case 'resize-by':
      if (!editing) return state;
      return update(state, action.index, (b) => ({ ...b, box: resizeBoxBy(b.box, action.dw, action.dh, state.frame) }));
    case 'relabel':
      if (!editing) return state;
      return update(state, action.index, (b) => ({ ...b, className: action.className }));
    case 'delete': {
      if (!editing || !state.boxes[action.index]) return state;
      const boxes = state.boxes.filter((_, i) => i !== action.index);
      return { ...state, boxes, selected: null };
    }
    case 'draw': {
      if (state.mode !== 'draw') return state;
      const box = normaliseDrawnBox(action.start, action.end, state.frame);
      if (!box) return state;
      const boxes = [...state.boxes, { className: action.className, box: clampBox(box, state.frame), score: null }];
      // Back to editing with the new box selected, ready to be relabelled or nudged.
      return { ...state, boxes, selected: boxes.length - 1, mode: 'edit' };
    }
  }
}

/** Has the operator changed anything compared with the detections? */
export function isDirty(state: EditorState): boolean {
  if (state.boxes.length !== state.original.length) return true;
  return state.boxes.some((b, i) => {
    const o = state.original[i];
    return (
      !o || o.className !== b.className || o.box.x1 !== b.box.x1 || o.box.y1 !== b.box.y1 || o.box.x2 !== b.box.x2 || o.box.y2 !== b.box.y2
    );
  });
}
