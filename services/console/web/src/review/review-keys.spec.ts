import { reviewKeyCommand } from './review-keys';

const key = (k: string, mods: Partial<{ shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({
  key: k,
  shiftKey: false,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...mods,
});

describe('review keyboard', () => {
  it('maps the common path in view mode', () => {
    expect(reviewKeyCommand(key('c'), 'view', false)).toEqual({ kind: 'confirm' });
    expect(reviewKeyCommand(key('x'), 'view', false)).toEqual({ kind: 'reject' });
    expect(reviewKeyCommand(key('e'), 'view', false)).toEqual({ kind: 'edit' });
    expect(reviewKeyCommand(key('n'), 'view', false)).toEqual({ kind: 'next' });
    expect(reviewKeyCommand(key('p'), 'view', false)).toEqual({ kind: 'previous' });
    expect(reviewKeyCommand(key('?', { shiftKey: true }), 'view', false)).toEqual({ kind: 'help' });
  });

  it("switches between the reviewed boxes and the model's with b, not while correcting", () => {
    expect(reviewKeyCommand(key('b'), 'view', false)).toEqual({ kind: 'toggle-boxes' });
    expect(reviewKeyCommand(key('b'), 'edit', true)).toBeNull();
    expect(reviewKeyCommand(key('b', { ctrlKey: true }), 'view', false)).toBeNull();
  });

  it('does not confirm or reject while editing, and Enter saves only then', () => {
    expect(reviewKeyCommand(key('c'), 'edit', true)).toBeNull();
    expect(reviewKeyCommand(key('x'), 'edit', true)).toBeNull();
    expect(reviewKeyCommand(key('Enter'), 'edit', false)).toEqual({ kind: 'save' });
    expect(reviewKeyCommand(key('Enter'), 'view', false)).toBeNull();
  });

  it('moves the selected box 1 px, 10 px with Shift, and resizes with Shift+Alt', () => {
    expect(reviewKeyCommand(key('ArrowLeft'), 'edit', true)).toEqual({ kind: 'move', dx: -1, dy: 0 });
    expect(reviewKeyCommand(key('ArrowDown', { shiftKey: true }), 'edit', true)).toEqual({ kind: 'move', dx: 0, dy: 10 });
    expect(reviewKeyCommand(key('ArrowRight', { shiftKey: true, altKey: true }), 'edit', true)).toEqual({ kind: 'resize', dw: 1, dh: 0 });
    expect(reviewKeyCommand(key('ArrowUp', { shiftKey: true, altKey: true }), 'edit', true)).toEqual({ kind: 'resize', dw: 0, dh: -1 });
  });

  it('leaves arrows to the page when nothing is selected or not editing, and Alt+arrows to the browser', () => {
    expect(reviewKeyCommand(key('ArrowLeft'), 'edit', false)).toBeNull();
    expect(reviewKeyCommand(key('ArrowLeft'), 'view', true)).toBeNull();
    expect(reviewKeyCommand(key('ArrowLeft', { altKey: true }), 'edit', true)).toBeNull();
  });

  it('deletes only a selected box in edit mode', () => {
    expect(reviewKeyCommand(key('Delete'), 'edit', true)).toEqual({ kind: 'delete' });
    expect(reviewKeyCommand(key('Delete'), 'edit', false)).toBeNull();
    expect(reviewKeyCommand(key('Delete'), 'view', true)).toBeNull();
  });

  it('leaves browser shortcuts alone', () => {
    expect(reviewKeyCommand(key('c', { ctrlKey: true }), 'view', false)).toBeNull();
    expect(reviewKeyCommand(key('n', { metaKey: true }), 'view', false)).toBeNull();
  });
});
