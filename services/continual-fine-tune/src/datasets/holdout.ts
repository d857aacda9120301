import { createHash } from 'node:crypto';

/**
 * A line's frozen evaluation holdout: whether a frame is in it depends only on the line, the
 * frame's content hash and the line's holdout share, never on when it was labelled or what else
 * is in the data set. So a frame that is in the holdout once is in it in every later version, a
 * re-uploaded copy of the same image lands on the same side, and no training job ever sees it.
 */
export function inHoldout(lineId: string, frameSha256: string, share: number): boolean {
  assertHoldoutShare(share);
  return holdoutPosition(lineId, frameSha256) < share;
}

/** Where a frame falls in [0, 1) on its line: the first 52 bits of sha256(`<line>:<content hash>`). */
export function holdoutPosition(lineId: string, frameSha256: string): number {
  const digest = createHash('sha256').update(`argus-holdout:${lineId}:${frameSha256.toLowerCase()}`).digest();
  // 52 bits fit a double exactly: 6 bytes and the top nibble of the seventh.
  const high = digest.readUIntBE(0, 6);
  const nibble = digest[6]! >>> 4;
  return (high * 16 + nibble) / 2 ** 52;
}

export function assertHoldoutShare(share: number): void {
  if (!(share > 0 && share < 1)) throw new RangeError(`a holdout share must be in (0, 1), got ${share}`);
}
