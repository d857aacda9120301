import { access, readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describeInvalidBox } from './annotation-box.validator';
import { AnnotationIssueCollector } from './annotation-issue.collector';
import { DEEPPCB_CLASSES, type InvalidAnnotationPolicy, type LabelledDataset, type LabelledSample, type SampleBox } from './sample';

/**
 * DeepPCB on disk:
 *   groupNNNNN/NNNNN/<id>_test.jpg      the image to inspect
 *   groupNNNNN/NNNNN/<id>_temp.jpg      its aligned defect-free template
 *   groupNNNNN/NNNNN_not/<id>.txt       one defect a line: `x1 y1 x2 y2 type` (type 1..6)
 *   trainval.txt / test.txt             `groupNNNNN/NNNNN/<id>.jpg groupNNNNN/NNNNN_not/<id>.txt`
 * Box files are separated by spaces in the data set; commas (the result format) are accepted too.
 */
export interface DeepPcbLoadOptions {
  /**
   * The pair list to read, relative to the root or absolute; `false` scans every `groupNNNNN`
   * folder instead. Default: `trainval.txt` when it exists, else the scan.
   */
  readonly listFile?: string | false;
  /** Malformed box lines, missing files: fail naming file:line (default), or skip and count. */
  readonly onInvalid?: InvalidAnnotationPolicy;
  /** Check that every test image and template exists (default true). */
  readonly verifyImages?: boolean;
}

interface PairLocation {
  readonly id: string;
  readonly group: string;
  readonly imageDir: string;
  readonly annotationPath: string;
  /** Where the pair was named, for error messages: `trainval.txt:12` or the scanned folder. */
  readonly origin: string;
}

export async function loadDeepPcb(root: string, options: DeepPcbLoadOptions = {}): Promise<LabelledDataset> {
  const issues = new AnnotationIssueCollector(options.onInvalid ?? 'error');
  if (!(await exists(root))) {
    throw new Error(`DeepPCB data set not found at ${root} (expected groupNNNNN/ folders and trainval.txt)`);
  }
  const listFile = options.listFile ?? ((await exists(path.join(root, 'trainval.txt'))) ? 'trainval.txt' : false);
  const pairs = listFile ? await readPairList(root, path.resolve(root, listFile), issues) : await scanGroups(root);

  const samples: LabelledSample[] = [];
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (seen.has(pair.id)) {
      issues.report(pair.origin, `pair ${pair.id} is listed twice`);
      continue;
    }
    seen.add(pair.id);
    const imagePath = path.join(pair.imageDir, `${pair.id}_test.jpg`);
    const templatePath = path.join(pair.imageDir, `${pair.id}_temp.jpg`);
    if (options.verifyImages ?? true) {
      const missing = [];
      for (const file of [imagePath, templatePath]) if (!(await exists(file))) missing.push(file);
      if (missing.length > 0) {
        issues.report(pair.origin, `missing image file(s): ${missing.join(', ')}`);
        continue;
      }
    }
    let text: string;
    try {
      text = await readFile(pair.annotationPath, 'utf8');
    } catch {
      issues.report(pair.origin, `missing annotation file ${pair.annotationPath}`);
      continue;
    }
    const boxes = parseDeepPcbAnnotation(text, pair.annotationPath, issues);
    samples.push({
      id: pair.id,
      image: { kind: 'file', path: imagePath },
      template: { kind: 'file', path: templatePath },
      boxes,
      source: 'deeppcb',
      group: pair.group,
    });
  }
  return { name: 'deeppcb', classes: DEEPPCB_CLASSES, samples, skipped: issues.skipped };
}

/**
 * Parses one DeepPCB box file. Blank lines are ignored; a malformed line goes to `issues`
 * (which throws under the 'error' policy) and is otherwise left out.
 */
export function parseDeepPcbAnnotation(
  text: string,
  filePath: string,
  issues: AnnotationIssueCollector = new AnnotationIssueCollector('error'),
): SampleBox[] {
  const boxes: SampleBox[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const location = `${filePath}:${i + 1}`;
    const fields = line.split(/[\s,]+/);
    if (fields.length !== 5) {
      issues.report(location, `expected 5 fields "x1 y1 x2 y2 type", got ${fields.length}: "${line}"`);
      continue;
    }
    const numbers = fields.map(Number);
    const bad = fields.find((f, k) => !/^[-+]?\d+(\.\d+)?$/.test(f) || !Number.isFinite(numbers[k]));
    if (bad !== undefined) {
      issues.report(location, `"${bad}" is not a number in "${line}"`);
      continue;
    }
    const [x1, y1, x2, y2, type] = numbers as [number, number, number, number, number];
    const className = Number.isInteger(type) ? DEEPPCB_CLASSES[type - 1] : undefined;
    if (className === undefined) {
      issues.report(location, `defect type ${fields[4]} is not one of 1..6 (${DEEPPCB_CLASSES.join(', ')})`);
      continue;
    }
    const invalid = describeInvalidBox(x1, y1, x2, y2);
    if (invalid) {
      issues.report(location, invalid);
      continue;
    }
    boxes.push({ className, box: { x1, y1, x2, y2 } });
  }
  return boxes;
}

async function readPairList(root: string, listPath: string, issues: AnnotationIssueCollector): Promise<PairLocation[]> {
  let text: string;
  try {
    text = await readFile(listPath, 'utf8');
  } catch {
    throw new Error(`DeepPCB pair list not found: ${listPath}`);
  }
  const label = path.relative(root, listPath) || listPath;
  const pairs: PairLocation[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const origin = `${label}:${i + 1}`;
    const fields = line.split(/\s+/);
    const [imageField, annotationField] = fields;
    const match = imageField ? /^(.*)\/([^/]+)\.jpg$/i.exec(imageField) : null;
    if (fields.length !== 2 || !match || !annotationField?.endsWith('.txt')) {
      issues.report(origin, `expected "groupNNNNN/NNNNN/<id>.jpg groupNNNNN/NNNNN_not/<id>.txt", got "${line}"`);
      continue;
    }
    const [, imageDir, id] = match as unknown as [string, string, string];
    pairs.push({
      id,
      group: groupOf(imageDir),
      imageDir: path.resolve(root, imageDir),
      annotationPath: path.resolve(root, annotationField),
      origin,
    });
  }
  return pairs;
}

async function scanGroups(root: string): Promise<PairLocation[]> {
  const pairs: PairLocation[] = [];
  const groups = (await readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && /^group\d+$/.test(d.name))
    .map((d) => d.name)
    .sort();
  if (groups.length === 0) throw new Error(`no groupNNNNN/ folders and no trainval.txt under ${root}`);
  for (const group of groups) {
    const groupDir = path.join(root, group);
    const subdirs = (await readdir(groupDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && !d.name.endsWith('_not'))
      .map((d) => d.name)
      .sort();
    for (const sub of subdirs) {
      const imageDir = path.join(groupDir, sub);
      const ids = (await readdir(imageDir))
        .map((f) => /^(.+)_test\.jpg$/i.exec(f)?.[1])
        .filter((id): id is string => id !== undefined)
        .sort();
      for (const id of ids) {
        pairs.push({
          id,
          group: group.replace(/^group/, ''),
          imageDir,
          annotationPath: path.join(groupDir, `${sub}_not`, `${id}.txt`),
          origin: path.join(group, sub, `${id}_test.jpg`),
        });
      }
    }
  }
  return pairs;
}

function groupOf(imageDir: string): string {
  const first = imageDir.split('/')[0] ?? imageDir;
  return first.replace(/^group/, '');
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
