/**
 * A random UUID v4 for client-chosen ids (a review's `reviewId`, which makes a retried decision
 * idempotent). crypto.randomUUID exists only in secure contexts; a console reached over plain
 * http on the plant network is not one, but getRandomValues works everywhere.
 */
export function randomUuid(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const b = random(new Uint8Array(16));
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
