import type { Box } from '@argus/contracts';

/**
 * Box geometry for the review editor, in the frame's own pixels (what the API stores). The image is
 * scaled to fit its view box, centred (like `object-fit: contain` and an SVG `viewBox` with
 * `preserveAspectRatio="xMidYMid meet"`); these functions map between the two and keep every edit
 * inside the frame. Pure, so they are unit-tested without a browser.
 */
export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface ViewTransform {
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** Smallest box the editor makes: a 1-pixel box would be invisible and useless as a label. */
export const MIN_BOX_SIZE = 2;

export type Handle = 'nw' | 'ne' | 'sw' | 'se';
export const HANDLES: readonly Handle[] = ['nw', 'ne', 'sw', 'se'];

/** How a frame of `frame` size sits in a view of `view` size: scaled to fit, centred. */
export function fitTransform(frame: Size, view: Size): ViewTransform {
  if (frame.width <= 0 || frame.height <= 0 || view.width <= 0 || view.height <= 0) return { scale: 1, offsetX: 0, offsetY: 0 };
  const scale = Math.min(view.width / frame.width, view.height / frame.height);
  return {
    scale,
    offsetX: (view.width - frame.width * scale) / 2,
    offsetY: (view.height - frame.height * scale) / 2,
  };
}

export function screenToFrame(point: Point, t: ViewTransform): Point {
  return { x: (point.x - t.offsetX) / t.scale, y: (point.y - t.offsetY) / t.scale };
}

export function frameToScreen(point: Point, t: ViewTransform): Point {
  return { x: point.x * t.scale + t.offsetX, y: point.y * t.scale + t.offsetY };
}

export function boxToScreen(box: Box, t: ViewTransform): Box {
  const a = frameToScreen({ x: box.x1, y: box.y1 }, t);
  const b = frameToScreen({ x: box.x2, y: box.y2 }, t);
  return { x1: a.x, y1: a.y, x2: b.x, y2: b.y };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function clampPoint(p: Point, frame: Size): Point {
  return { x: clamp(p.x, 0, frame.width), y: clamp(p.y, 0, frame.height) };
}

/** Whole pixels, ordered corners, inside the frame; at least MIN_BOX_SIZE where the frame allows. */
export function clampBox(box: Box, frame: Size): Box {
  let x1 = clamp(Math.round(Math.min(box.x1, box.x2)), 0, frame.width);
  let y1 = clamp(Math.round(Math.min(box.y1, box.y2)), 0, frame.height);
  let x2 = clamp(Math.round(Math.max(box.x1, box.x2)), 0, frame.width);
  let y2 = clamp(Math.round(Math.max(box.y1, box.y2)), 0, frame.height);
  if (x2 - x1 < MIN_BOX_SIZE) {
    x2 = Math.min(frame.width, x1 + MIN_BOX_SIZE);
    x1 = Math.max(0, x2 - MIN_BOX_SIZE);
  }
  if (y2 - y1 < MIN_BOX_SIZE) {
    y2 = Math.min(frame.height, y1 + MIN_BOX_SIZE);
    y1 = Math.max(0, y2 - MIN_BOX_SIZE);
  }
  return { x1, y1, x2, y2 };
}

/** Moves a box by (dx, dy) frame pixels; at an edge of the frame it stops there, keeping its size. */
export function moveBox(box: Box, dx: number, dy: number, frame: Size): Box {
  const w = box.x2 - box.x1;
  const h = box.y2 - box.y1;
  const x1 = clamp(Math.round(box.x1 + dx), 0, Math.max(0, frame.width - w));
  const y1 = clamp(Math.round(box.y1 + dy), 0, Math.max(0, frame.height - h));
  return { x1, y1, x2: x1 + w, y2: y1 + h };
}

/**
 * Drags one corner handle to `to` (frame pixels). The opposite corner stays put; dragging past it
 * flips the box rather than inverting it, and the box never shrinks below MIN_BOX_SIZE.
 */
export function resizeBox(box: Box, handle: Handle, to: Point, frame: Size): Box {
  const p = clampPoint(to, frame);
  const fixed: Point = {
    x: handle === 'nw' || handle === 'sw' ? box.x2 : box.x1,
    y: handle === 'nw' || handle === 'ne' ? box.y2 : box.y1,
  };
  return clampBox({ x1: fixed.x, y1: fixed.y, x2: p.x, y2: p.y }, frame);
}

/** Grows or shrinks the right/bottom edge by the keyboard (Shift+Alt+arrows). */
export function resizeBoxBy(box: Box, dw: number, dh: number, frame: Size): Box {
  const x2 = clamp(box.x2 + dw, box.x1 + MIN_BOX_SIZE, frame.width);
  const y2 = clamp(box.y2 + dh, box.y1 + MIN_BOX_SIZE, frame.height);
  return { x1: box.x1, y1: box.y1, x2: Math.round(x2), y2: Math.round(y2) };
}

/**
 * The box a drag from `start` to `end` draws, in any direction, clipped to the frame; null when it
 * is too small to be meant (a click, not a drag).
 */
export function normaliseDrawnBox(start: Point, end: Point, frame: Size): Box | null {
  const a = clampPoint(start, frame);
  const b = clampPoint(end, frame);
  const box = {
    x1: Math.round(Math.min(a.x, b.x)),
    y1: Math.round(Math.min(a.y, b.y)),
    x2: Math.round(Math.max(a.x, b.x)),
    y2: Math.round(Math.max(a.y, b.y)),
  };
  if (box.x2 - box.x1 < MIN_BOX_SIZE || box.y2 - box.y1 < MIN_BOX_SIZE) return null;
  return box;
}

export function handlePoint(box: Box, handle: Handle): Point {
  return {
    x: handle === 'nw' || handle === 'sw' ? box.x1 : box.x2,
    y: handle === 'nw' || handle === 'ne' ? box.y1 : box.y2,
  };
}

/** Is the box a valid API box (x2 > x1, y2 > y1, non-negative, inside the frame)? */
export function isValidBox(box: Box, frame: Size): boolean {
  return box.x1 >= 0 && box.y1 >= 0 && box.x2 > box.x1 && box.y2 > box.y1 && box.x2 <= frame.width && box.y2 <= frame.height;
}
