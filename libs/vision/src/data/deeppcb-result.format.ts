import type { Detection } from '@argus/contracts';
import { AnnotationFormatError } from './annotation-format.error';
import { DEEPPCB_CLASSES } from './sample';

/**
 * The DeepPCB benchmark's result format, one detection a line: `x1,y1,x2,y2,confidence,type`
 * with integer pixel corners, no spaces, and type one of open, short, mousebite, spur, copper,
 * pin-hole. `argus detect --format deeppcb` writes it; the benchmark evaluator reads it.
 */
export function formatDeepPcbResult(detections: readonly Detection[]): string {
  const lines = detections.map((d) => {
    if (!(DEEPPCB_CLASSES as readonly string[]).includes(d.className)) {
      throw new RangeError(`"${d.className}" is not a DeepPCB class (${DEEPPCB_CLASSES.join(', ')})`);
    }
    const { x1, y1, x2, y2 } = d.box;
    const corners = [Math.floor(x1), Math.floor(y1), Math.ceil(x2), Math.ceil(y2)];
    return `${corners.join(',')},${roundScore(d.score)},${d.className}`;
  });
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** Reads a result file written in the format above; a malformed line throws naming file:line. */
export function parseDeepPcbResult(text: string, filePath: string): Detection[] {
  const detections: Detection[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const location = `${filePath}:${i + 1}`;
    const fields = line.split(',');
    if (fields.length !== 6) {
      throw new AnnotationFormatError(location, `expected "x1,y1,x2,y2,confidence,type", got "${line}"`);
    }
    const [x1, y1, x2, y2, score] = fields.slice(0, 5).map(Number) as [number, number, number, number, number];
    const className = fields[5] as string;
    if (![x1, y1, x2, y2, score].every(Number.isFinite)) {
      throw new AnnotationFormatError(location, `non-numeric coordinate or confidence in "${line}"`);
    }
    if (!(DEEPPCB_CLASSES as readonly string[]).includes(className)) {
      throw new AnnotationFormatError(location, `type "${className}" is not one of ${DEEPPCB_CLASSES.join(', ')}`);
    }
    if (score < 0 || score > 1) throw new AnnotationFormatError(location, `confidence ${score} is outside [0, 1]`);
    if (x2 <= x1 || y2 <= y1) throw new AnnotationFormatError(location, `empty box in "${line}"`);
    detections.push({ className, score, box: { x1, y1, x2, y2 } });
  }
  return detections;
}

function roundScore(score: number): string {
  return String(Math.round(score * 1e6) / 1e6);
}
