import { z } from 'zod';
import { InvalidRequestError } from '@argus/platform';

/** The position after the last item of a page: its time and id (the list's sort key). */
export interface KeysetPosition {
  readonly at: Date;
  readonly id: string;
}

const CursorSchema = z.object({ t: z.iso.datetime({ offset: true }), id: z.string().min(1).max(64) });

/** Opaque to clients: base64url of `{t, id}`. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ t: position.at.toISOString(), id: position.id }), 'utf8').toString('base64url');
}

/** Decodes a cursor from a previous page; anything else is `400 invalid-request`. */
export function decodeCursor(cursor: string): KeysetPosition {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = CursorSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidRequestError('query', [
      { path: 'cursor', message: 'not a cursor of this list: pass nextCursor from the previous page as is' },
    ]);
  }
  return { at: new Date(parsed.data.t), id: parsed.data.id };
}

/** `{items, nextCursor}`: a next cursor only when the page came back full (one more item was asked for). */
export function pageOf<T>(
  rows: readonly T[],
  limit: number,
  positionOf: (item: T) => KeysetPosition,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null };
}

/** `?limit=`: default 50, 1..200 (the contract's paging). */
export const PageLimitSchema = z.coerce.number().int().min(1).max(200).default(50);
