import { InvalidRequestError } from '@argus/platform';
import { decodeCursor, encodeCursor, pageOf } from './keyset-cursor.codec';

describe('keyset cursor', () => {
  it('round-trips a position', () => {
    const position = { at: new Date('2026-11-28T10:00:00.123Z'), id: '0b8f4c3e-1d2a-4b5c-8d9e-0f1a2b3c4d5e' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each(['nonsense', Buffer.from('{"t":"yesterday","id":"x"}').toString('base64url'), ''])(
    'refuses %j as 400 invalid-request on query.cursor',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(InvalidRequestError);
    },
  );

  it('gives a next cursor only when one more row than the page came back', () => {
    const rows = [1, 2, 3].map((n) => ({ n, at: new Date(n * 1000), id: String(n) }));
    const full = pageOf(rows, 2, (r) => r);
    expect(full.items.map((r) => r.n)).toEqual([1, 2]);
    expect(decodeCursor(full.nextCursor as string)).toEqual({ at: new Date(2000), id: '2' });
    expect(pageOf(rows, 3, (r) => r).nextCursor).toBeNull();
  });
});
