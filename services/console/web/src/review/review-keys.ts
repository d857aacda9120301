import type { EditorMode } from './box-editor.reducer';

/**
 * The review page's keyboard, as the console README lists it: `c` confirm, `x` reject, `e` edit,
 * `n`/`p` next/previous, `d` draw, Delete, arrows move 1 px (Shift 10), Shift+Alt+arrows resize,
 * Enter save, Esc cancel, `b` reviewed/model boxes, `?` help. Pure: a key event in, a command out.
 */
export type ReviewKeyCommand =
  | { kind: 'confirm' | 'reject' | 'edit' | 'draw' | 'next' | 'previous' | 'save' | 'escape' | 'help' | 'delete' | 'toggle-boxes' }
  | { kind: 'move'; dx: number; dy: number }
  | { kind: 'resize'; dw: number; dh: number };

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

export function reviewKeyCommand(event: KeyLike, mode: EditorMode, hasSelection: boolean): ReviewKeyCommand | null {
  if (event.ctrlKey || event.metaKey) return null;
  const arrow = ARROWS[event.key];
  if (arrow) {
    if (mode === 'view' || !hasSelection) return null;
    if (event.shiftKey && event.altKey) return { kind: 'resize', dw: arrow[0], dh: arrow[1] };
    if (event.altKey) return null;
    const step = event.shiftKey ? 10 : 1;
    return { kind: 'move', dx: arrow[0] * step, dy: arrow[1] * step };
  }
  if (event.altKey) return null;
  switch (event.key) {
    case '?':
      return { kind: 'help' };
    case 'Escape':
      return { kind: 'escape' };
    case 'n':
      return { kind: 'next' };
    case 'p':
      return { kind: 'previous' };
    case 'e':
      return { kind: 'edit' };
    case 'd':
      return { kind: 'draw' };
    case 'b':
      return mode === 'view' ? { kind: 'toggle-boxes' } : null;
    case 'c':
      return mode === 'view' ? { kind: 'confirm' } : null;
    case 'x':
      return mode === 'view' ? { kind: 'reject' } : null;
    case 'Enter':
      return mode === 'view' ? null : { kind: 'save' };
    case 'Delete':
    case 'Backspace':
      return mode !== 'view' && hasSelection ? { kind: 'delete' } : null;
    default:
      return null;
  }
}
