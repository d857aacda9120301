/**
 * Why a box read from an annotation cannot be used, or null when it can. Boxes are pixel corners
 * (x1, y1) top-left and (x2, y2) bottom-right; a size, when known, bounds them.
 */
export function describeInvalidBox(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  size?: { width: number; height: number },
): string | null {
  if (![x1, y1, x2, y2].every(Number.isFinite)) return 'box coordinates must be finite numbers';
  if (x1 < 0 || y1 < 0) return `box corner (${x1}, ${y1}) is negative`;
  if (x2 <= x1 || y2 <= y1) return `box (${x1}, ${y1}, ${x2}, ${y2}) is empty: need x2 > x1 and y2 > y1`;
  if (size && (x2 > size.width || y2 > size.height)) {
    return `box (${x1}, ${y1}, ${x2}, ${y2}) lies outside the ${size.width}x${size.height} image`;
  }
  return null;
}
