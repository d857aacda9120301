import { access, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describeInvalidBox } from './annotation-box.validator';
import { AnnotationIssueCollector } from './annotation-issue.collector';
import type { InvalidAnnotationPolicy, LabelledDataset, LabelledSample, SampleBox } from './sample';

/**
 * Pascal VOC on disk (BCCD's layout): `JPEGImages/<id>.jpg`, `Annotations/<id>.xml`, and split
 * lists (`train.txt`, `val.txt`, `trainval.txt`, or `ImageSets/Main/<split>.txt`) naming ids.
 */
export interface PascalVocLoadOptions {
  /** The id list: `train`, `val`, `trainval` (default), or a path to a list file. */
  readonly split?: string;
  /**
   * The class vocabulary, in class-id order. Objects of other classes are annotation errors.
   * Default: every name the annotations use, sorted.
   */
  readonly classes?: readonly string[];
  /** Malformed XML, unknown classes, empty boxes: fail naming file:line (default), or skip and count. */
  readonly onInvalid?: InvalidAnnotationPolicy;
  /** Name recorded as the samples' source and the data set's name (default `voc`). */
  readonly name?: string;
  /** Image file extension (default `.jpg`). */
  readonly imageExtension?: string;
}

export async function loadPascalVoc(root: string, options: PascalVocLoadOptions = {}): Promise<LabelledDataset> {
  const issues = new AnnotationIssueCollector(options.onInvalid ?? 'error');
  const name = options.name ?? 'voc';
  const listPath = await resolveSplitList(root, options.split ?? 'trainval');
  const ids = (await readFile(listPath, 'utf8'))
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const known = options.classes ? new Set(options.classes) : undefined;
  const used = new Set<string>();
  const samples: LabelledSample[] = [];
  for (const id of ids) {
    const xmlPath = path.join(root, 'Annotations', `${id}.xml`);
    let xml: string;
    try {
      xml = await readFile(xmlPath, 'utf8');
    } catch {
      issues.report(xmlPath, `missing annotation file for id "${id}" listed in ${listPath}`);
      continue;
    }
    const parsed = parseVocAnnotation(xml, xmlPath, issues, known);
    if (!parsed) continue;
    for (const b of parsed.boxes) used.add(b.className);
    samples.push({
      id,
      image: { kind: 'file', path: path.join(root, 'JPEGImages', `${id}${options.imageExtension ?? '.jpg'}`) },
      boxes: parsed.boxes,
      source: name,
      ...(parsed.size ? { width: parsed.size.width, height: parsed.size.height } : {}),
    });
  }
  const classes = options.classes ?? [...used].sort();
  return { name, classes, samples, skipped: issues.skipped };
}

export interface VocAnnotation {
  readonly size?: { width: number; height: number };
  readonly boxes: SampleBox[];
}

/**
 * Reads the parts of a VOC annotation a detector needs: `size` and each `object`'s `name`,
 * `difficult` and `bndbox`. A small tag scanner, enough for VOC's flat, attribute-free XML.
 * Returns null when the whole file is unusable (and the policy is 'skip').
 */
export function parseVocAnnotation(
  xml: string,
  filePath: string,
  issues: AnnotationIssueCollector = new AnnotationIssueCollector('error'),
  knownClasses?: ReadonlySet<string>,
): VocAnnotation | null {
  if (!/<annotation[\s>]/.test(xml) || !/<\/annotation>/.test(xml)) {
    issues.report(filePath, 'not a Pascal VOC annotation (no <annotation> element, or it is cut short)');
    return null;
  }
  const lineAt = lineIndex(xml);
  const sizeBlock = firstElement(xml, 'size');
  let size: { width: number; height: number } | undefined;
  if (sizeBlock) {
    const width = Number(firstElement(sizeBlock.body, 'width')?.body);
    const height = Number(firstElement(sizeBlock.body, 'height')?.body);
    if (Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0) size = { width, height };
    else issues.report(`${filePath}:${lineAt(sizeBlock.start)}`, 'invalid <size>: width and height must be positive');
  }

  const boxes: SampleBox[] = [];
  const objectPattern = /<object>([\s\S]*?)<\/object>/g;
  for (let m = objectPattern.exec(xml); m; m = objectPattern.exec(xml)) {
    const body = m[1] ?? '';
    const location = `${filePath}:${lineAt(m.index)}`;
    const className = firstElement(body, 'name')?.body.trim();
    if (!className) {
      issues.report(location, '<object> has no <name>');
      continue;
    }
    if (knownClasses && !knownClasses.has(className)) {
      issues.report(location, `class "${className}" is not one of ${[...knownClasses].join(', ')}`);
      continue;
    }
    const bndbox = firstElement(body, 'bndbox');
    if (!bndbox) {
      issues.report(location, `<object> "${className}" has no <bndbox>`);
      continue;
    }
    const coords = ['xmin', 'ymin', 'xmax', 'ymax'].map((tag) => {
      const text = firstElement(bndbox.body, tag)?.body.trim();
      return text !== undefined && text !== '' ? Number(text) : Number.NaN;
    }) as [number, number, number, number];
    const boxLocation = `${filePath}:${lineAt(m.index + '<object>'.length + bndbox.start)}`;
    if (!coords.every(Number.isFinite)) {
      issues.report(boxLocation, `<bndbox> of "${className}" needs numeric xmin, ymin, xmax, ymax`);
      continue;
    }
    const invalid = describeInvalidBox(...coords, size);
    if (invalid) {
      issues.report(boxLocation, `"${className}": ${invalid}`);
      continue;
    }
    const [x1, y1, x2, y2] = coords;
    const difficult = firstElement(body, 'difficult')?.body.trim() === '1';
    boxes.push({ className, box: { x1, y1, x2, y2 }, ...(difficult ? { difficult } : {}) });
  }
  return { ...(size ? { size } : {}), boxes };
}

function firstElement(xml: string, tag: string): { body: string; start: number } | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? { body: m[1] ?? '', start: m.index } : undefined;
}

/** Maps a character offset to a 1-based line number. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

async function resolveSplitList(root: string, split: string): Promise<string> {
  const candidates =
    split.includes('/') || split.endsWith('.txt')
      ? [path.resolve(root, split)]
      : [path.join(root, `${split}.txt`), path.join(root, 'ImageSets', 'Main', `${split}.txt`)];
  for (const candidate of candidates) {
    try {
      await access(candidate);
      return candidate;
    } catch {
      // try the next layout
    }
  }
  throw new Error(`Pascal VOC split list not found: tried ${candidates.join(', ')}`);
}
