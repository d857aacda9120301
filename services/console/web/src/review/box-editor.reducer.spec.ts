import { editorReducer, type EditorAction, type EditorState, initialEditorState, isDirty } from './box-editor.reducer';
import { present } from '../testing/fixtures';

const frame = { width: 200, height: 100 };
const detections = [
  { className: 'scratch', score: 0.91, box: { x1: 10, y1: 10, x2: 40, y2: 30 } },
  { className: 'dent', score: 0.55, box: { x1: 100, y1: 50, x2: 150, y2: 90 } },
];

const run = (state: EditorState, ...actions: EditorAction[]) => actions.reduce(editorReducer, state);

describe('box editor', () => {
  const start = initialEditorState(frame, detections);

  it('starts in view mode with the detections and nothing changed', () => {
    expect(start.mode).toBe('view');
    expect(start.boxes.map((b) => b.className)).toEqual(['scratch', 'dent']);
    expect(isDirty(start)).toBe(false);
  });

  it('does not change boxes outside edit mode', () => {
    const state = run(start, { type: 'select', index: 0 }, { type: 'move', index: 0, dx: 5, dy: 5 }, { type: 'delete', index: 0 });
    expect(state.boxes).toEqual(start.boxes);
    expect(state.selected).toBe(0);
  });

  it('moves, relabels and deletes in edit mode, and knows it is dirty', () => {
    const state = run(
      start,
      { type: 'start-edit' },
      { type: 'select', index: 0 },
      { type: 'move', index: 0, dx: 5, dy: -20 },
      { type: 'relabel', index: 0, className: 'crack' },
      { type: 'delete', index: 1 },
    );
    expect(state.boxes).toEqual([{ className: 'crack', score: 0.91, box: { x1: 15, y1: 0, x2: 45, y2: 20 } }]);
    expect(state.selected).toBeNull();
    expect(isDirty(state)).toBe(true);
  });

  it('moves a dragged box relative to where the drag began', () => {
    const from = present(detections[0]).box;
    const state = run(
      start,
      { type: 'start-edit' },
      { type: 'move', index: 0, dx: 3, dy: 3, from },
      { type: 'move', index: 0, dx: 6, dy: 4, from },
    );
    expect(present(state.boxes[0]).box).toEqual({ x1: 16, y1: 14, x2: 46, y2: 34 });
  });

  it('resizes with a handle and by the keyboard', () => {
    const from = present(detections[1]).box;
    const dragged = run(start, { type: 'start-edit' }, { type: 'resize', index: 1, handle: 'nw', to: { x: 90, y: 40 }, from });
    expect(present(dragged.boxes[1]).box).toEqual({ x1: 90, y1: 40, x2: 150, y2: 90 });
    const keyed = run(dragged, { type: 'resize-by', index: 1, dw: 10, dh: 10 });
    expect(present(keyed.boxes[1]).box).toEqual({ x1: 90, y1: 40, x2: 160, y2: 100 });
  });

  it('draws a new unscored box in draw mode, then selects it for editing', () => {
    const state = run(
      start,
      { type: 'start-edit' },
      { type: 'toggle-draw' },
      { type: 'draw', start: { x: 180, y: 90 }, end: { x: 160, y: 70 }, className: 'dent' },
    );
    expect(state.mode).toBe('edit');
    expect(state.selected).toBe(2);
    expect(state.boxes[2]).toEqual({ className: 'dent', score: null, box: { x1: 160, y1: 70, x2: 180, y2: 90 } });
  });

  it('ignores a click in draw mode (no box) and stays drawing', () => {
    const state = run(
      start,
      { type: 'start-edit' },
      { type: 'toggle-draw' },
      { type: 'draw', start: { x: 5, y: 5 }, end: { x: 5, y: 5 }, className: 'dent' },
    );
    expect(state.mode).toBe('draw');
    expect(state.boxes).toHaveLength(2);
  });

  it('cancel restores the detections and leaves edit mode', () => {
    const state = run(start, { type: 'start-edit' }, { type: 'delete', index: 0 }, { type: 'cancel' });
    expect(state.mode).toBe('view');
    expect(state.boxes).toEqual(start.boxes);
  });

  it('refuses to select a box that does not exist', () => {
    expect(run(start, { type: 'select', index: 7 }).selected).toBeNull();
  });
});
