import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { LabelledBoxSchema, ObjectKeySchema } from '@argus/contracts';
import { z } from 'zod';
import { AnnotationIssueCollector } from './annotation-issue.collector';
import type { ImageRef, InvalidAnnotationPolicy, LabelledDataset, LabelledSample, SampleBox } from './sample';

/**
 * Argus's own labelled-sample manifest: JSON Lines, what operator review produces and what
 * fine-tuning reads. An optional first line is a header naming the class vocabulary:
 *   {"manifest":"argus.labelled-samples","version":1,"classes":["scratch","dent"]}
 * then one sample a line, images and templates named by object-store key:
 *   {"id":"r-1","image":"frames/line-3/a.jpg","template":"templates/line-3.png",
 *    "boxes":[{"className":"dent","box":{"x1":4,"y1":5,"x2":20,"y2":30}}],"source":"review"}
 */
export const SAMPLE_MANIFEST_KIND = 'argus.labelled-samples';

export const SampleManifestHeaderSchema = z.object({
  manifest: z.literal(SAMPLE_MANIFEST_KIND),
  version: z.literal(1),
  classes: z.array(z.string().min(1).max(64)).min(1),
  name: z.string().min(1).max(128).optional(),
});
export type SampleManifestHeader = z.infer<typeof SampleManifestHeaderSchema>;

export const SampleManifestRecordSchema = z.object({
  id: z.string().min(1).max(256).optional(),
  image: ObjectKeySchema,
  template: ObjectKeySchema.nullable().optional(),
  boxes: z.array(LabelledBoxSchema.and(z.object({ difficult: z.boolean().optional() }))).max(1000),
  source: z.string().min(1).max(256),
  group: z.string().min(1).max(128).optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});
export type SampleManifestRecord = z.infer<typeof SampleManifestRecordSchema>;

export interface SampleManifestOptions {
  /** Malformed lines, unknown classes, duplicate ids: fail naming file:line (default), or skip and count. */
  readonly onInvalid?: InvalidAnnotationPolicy;
  /** The class vocabulary; overrides the header's. Default: the header's, else every class used, sorted. */
  readonly classes?: readonly string[];
  /**
   * Where keys live on disk. Given, image refs are files under this folder; otherwise they are
   * object-store keys, read through the ObjectStore port by whoever consumes the samples.
   */
  readonly baseDir?: string;
  /** The data set's name (default: the header's, else `manifest`). */
  readonly name?: string;
}

export async function loadSampleManifest(file: string, options: SampleManifestOptions = {}): Promise<LabelledDataset> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`labelled-sample manifest not found: ${file}`);
  }
  return parseSampleManifest(text, file, options);
}

/** Parses manifest text; `label` names it in errors (`<label>:<line>`). */
export function parseSampleManifest(text: string, label: string, options: SampleManifestOptions = {}): LabelledDataset {
  const issues = new AnnotationIssueCollector(options.onInvalid ?? 'error');
  const lines = text.split(/\r?\n/);
  let header: SampleManifestHeader | undefined;
  const samples: LabelledSample[] = [];
  const ids = new Set<string>();
  const used = new Set<string>();
  let vocabulary: ReadonlySet<string> | undefined = options.classes ? new Set(options.classes) : undefined;

  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const location = `${label}:${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      issues.report(location, `not valid JSON: ${(error as Error).message}`);
      continue;
    }
    if (isHeaderCandidate(json)) {
      const parsed = SampleManifestHeaderSchema.safeParse(json);
      if (!parsed.success) {
        issues.report(location, `invalid header: ${describeZodIssues(parsed.error)}`);
        continue;
      }
      if (header || samples.length > 0) {
        issues.report(location, 'the header must be the first line, and only one');
        continue;
      }
      header = parsed.data;
      vocabulary ??= new Set(header.classes);
      continue;
    }
    const parsed = SampleManifestRecordSchema.safeParse(json);
    if (!parsed.success) {
      issues.report(location, describeZodIssues(parsed.error));
      continue;
    }
    const record = parsed.data;
    const id = record.id ?? record.image;
    if (ids.has(id)) {
      issues.report(location, `duplicate sample id "${id}"`);
      continue;
    }
    const known = vocabulary;
    const unknown = known ? record.boxes.find((b) => !known.has(b.className)) : undefined;
    if (unknown) {
      issues.report(location, `class "${unknown.className}" is not one of ${[...(known ?? [])].join(', ')}`);
      continue;
    }
    const size = record.width !== undefined && record.height !== undefined ? { width: record.width, height: record.height } : undefined;
    const outside = size ? record.boxes.find((b) => b.box.x2 > size.width || b.box.y2 > size.height) : undefined;
    if (outside) {
      issues.report(location, `box of "${outside.className}" lies outside the ${size?.width}x${size?.height} image`);
      continue;
    }
    ids.add(id);
    for (const b of record.boxes) used.add(b.className);
    const boxes: SampleBox[] = record.boxes.map((b) => ({
      className: b.className,
      box: { x1: b.box.x1, y1: b.box.y1, x2: b.box.x2, y2: b.box.y2 },
      ...(b.difficult ? { difficult: true } : {}),
    }));
    samples.push({
      id,
      image: refFor(record.image, options.baseDir),
      ...(record.template ? { template: refFor(record.template, options.baseDir) } : {}),
      boxes,
      source: record.source,
      ...(record.group ? { group: record.group } : {}),
      ...(size ?? {}),
    });
  }
  const classes = options.classes ?? header?.classes ?? [...used].sort();
  return { name: options.name ?? header?.name ?? 'manifest', classes, samples, skipped: issues.skipped };
}

/**
 * Writes a data set as a manifest (header + one line per sample). Images must be object keys,
 * or files under `baseDir` (written as keys relative to it); in-memory images cannot be written.
 */
export function formatSampleManifest(dataset: LabelledDataset, options: { baseDir?: string } = {}): string {
  const header: SampleManifestHeader = {
    manifest: SAMPLE_MANIFEST_KIND,
    version: 1,
    classes: [...dataset.classes],
    name: dataset.name,
  };
  const lines = [JSON.stringify(header)];
  for (const sample of dataset.samples) {
    const record: SampleManifestRecord = {
      id: sample.id,
      image: keyFor(sample.image, sample.id, options.baseDir),
      ...(sample.template ? { template: keyFor(sample.template, sample.id, options.baseDir) } : {}),
      boxes: sample.boxes.map((b) => ({ className: b.className, box: { ...b.box }, ...(b.difficult ? { difficult: true } : {}) })),
      source: sample.source,
      ...(sample.group ? { group: sample.group } : {}),
      ...(sample.width !== undefined && sample.height !== undefined ? { width: sample.width, height: sample.height } : {}),
    };
    lines.push(JSON.stringify(SampleManifestRecordSchema.parse(record)));
  }
  return `${lines.join('\n')}\n`;
}

function isHeaderCandidate(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'manifest' in json;
}

function refFor(key: string, baseDir: string | undefined): ImageRef {
  return baseDir ? { kind: 'file', path: path.join(baseDir, key) } : { kind: 'object', key };
}

function keyFor(ref: ImageRef, id: string, baseDir: string | undefined): string {
  if (ref.kind === 'object') return ref.key;
  if (ref.kind === 'file' && baseDir) {
    const relative = path.relative(baseDir, ref.path);
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/');
    throw new RangeError(`sample "${id}": ${ref.path} is not under ${baseDir}`);
  }
  throw new RangeError(`sample "${id}": a ${ref.kind} image has no object key; store it first`);
}

function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(record)'}: ${issue.message}`)
    .join('; ');
}
