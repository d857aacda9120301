import { readFile } from 'node:fs/promises';
import { SlugSchema } from '@argus/contracts';
import { z } from 'zod';

const camera = { lineId: SlugSchema, cameraId: SlugSchema };
const fps = z.number().positive().max(1000);

/** A folder a camera drops files into; each stable `.jpg/.jpeg/.png` is ingested once, then moved. */
export const WatchedFolderSourceSchema = z
  .object({
    kind: z.literal('folder'),
    ...camera,
    path: z.string().min(1),
    /** How often the folder is listed. */
    pollIntervalMs: z.number().int().min(10).max(60_000).default(500),
    /** A file is taken once its size and mtime have not changed for this long (the camera finished writing). */
    stableForMs: z.number().int().min(0).max(600_000).default(1000),
  })
  .strict();

/** A simulated camera emitting synthetic frames (with known defects) of a feed at a set rate. */
export const SimulatedCameraSourceSchema = z
  .object({
    kind: z.literal('simulator'),
    ...camera,
    feed: z.enum(['factory', 'pcb', 'medical', 'driving']),
    fps,
    seed: z.number().int().min(0).default(1),
    width: z.number().int().min(64).max(4096).default(256),
    height: z.number().int().min(64).max(4096).default(256),
    format: z.enum(['png', 'jpeg']).default('png'),
    /** Scene index of the first frame (a restart with the same seed and index repeats frames, idempotently). */
    startIndex: z.number().int().min(0).default(0),
    /** Stop after this many frames; unset: run until shutdown. */
    count: z.number().int().positive().optional(),
    /** Store each scene's defect-free template and carry its key in the event (template feeds only). */
    withTemplate: z.boolean().default(true),
    /** Share of scenes with defects, the others being good parts (template feeds only); unset: every scene has the feed's defects. */
    defectRate: z.number().min(0).max(1).optional(),
  })
  .strict()
  .refine((c) => c.defectRate === undefined || c.feed === 'factory' || c.feed === 'pcb', {
    message: 'defectRate applies to the template feeds (factory, pcb) only',
    path: ['defectRate'],
  });

/** A data-set folder (DeepPCB layout: `<id>_test.jpg` + `<id>_temp.jpg`) replayed in order as a line camera. */
export const DatasetReplaySourceSchema = z
  .object({
    kind: z.literal('replay'),
    ...camera,
    path: z.string().min(1),
    fps,
    loop: z.boolean().default(false),
    /** Store each image's `<id>_temp` template and carry its key in the event. */
    withTemplate: z.boolean().default(true),
  })
  .strict();

export const IngestSourceSchema = z.discriminatedUnion('kind', [
  WatchedFolderSourceSchema,
  SimulatedCameraSourceSchema,
  DatasetReplaySourceSchema,
]);
export const IngestSourcesFileSchema = z.object({ sources: z.array(IngestSourceSchema).max(256) }).strict();

export type WatchedFolderSourceConfig = z.output<typeof WatchedFolderSourceSchema>;
export type SimulatedCameraSourceConfig = z.output<typeof SimulatedCameraSourceSchema>;
export type DatasetReplaySourceConfig = z.output<typeof DatasetReplaySourceSchema>;
export type IngestSourceConfig = z.output<typeof IngestSourceSchema>;

export class IngestSourcesConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`ARGUS_INGEST_SOURCES (${file}) is invalid: ${problems.join('; ')}`);
    this.name = 'IngestSourcesConfigError';
  }
}

/**
 * Parses the sources file's JSON text. Every problem is reported with its path
 * (`sources[1].fps: ...`); a camera may appear in one source only.
 */
export function parseIngestSources(text: string, file = '(inline)'): IngestSourceConfig[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new IngestSourcesConfigError(file, [`not JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const parsed = IngestSourcesFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new IngestSourcesConfigError(
      file,
      parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
    );
  }
  const seen = new Map<string, number>();
  const problems: string[] = [];
  parsed.data.sources.forEach((source, index) => {
    const key = `${source.lineId}/${source.cameraId}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) problems.push(`sources[${index}]: camera ${key} is already fed by sources[${earlier}]`);
    else seen.set(key, index);
  });
  if (problems.length > 0) throw new IngestSourcesConfigError(file, problems);
  return parsed.data.sources;
}

export async function loadIngestSources(file: string): Promise<IngestSourceConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new IngestSourcesConfigError(file, [`cannot read the file: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseIngestSources(text, file);
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    '',
  );
}
