import { writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import {
  DEEPPCB_CLASSES,
  DetectorRunner,
  folderPackageFiles,
  formatDeepPcbResult,
  loadModelPackage,
  stderrJsonVisionLogger,
  type PreprocessedBatch,
  type PreprocessInput,
} from '@argus/vision';
import { choiceOption, formatHelp, numberOption, parseCommandArgs, requiredString, UsageError, type CommandSpec } from '../cli-args.parser';
import type { CliCommand } from './command';
import type { CliContext } from './cli-context';

const spec: CommandSpec = {
  name: 'detect',
  summary: 'run a model package on a folder of images and write one result file per image',
  usage: 'argus detect --model DIR --input DIR --out DIR [--format deeppcb|json] [options]',
  options: {
    model: { type: 'string', valueName: 'DIR', required: true, description: 'model package folder' },
    input: {
      type: 'string',
      valueName: 'DIR',
      required: true,
      description: 'images: <id>_test.jpg (+ <id>_temp.jpg for template models; sub-folders searched too), or any images for --format json',
    },
    out: { type: 'string', valueName: 'DIR', required: true, description: 'folder for the results (<id>.txt or <id>.json)' },
    format: { type: 'string', valueName: 'F', description: 'deeppcb (x1,y1,x2,y2,confidence,type a line) or json', default: 'deeppcb' },
    'batch-size': { type: 'string', valueName: 'N', description: 'images per model call', default: '8' },
    runtime: { type: 'string', valueName: 'R', description: 'auto, onnxruntime or tfjs', default: 'auto' },
    threads: {
      type: 'string',
      valueName: 'N',
      description: 'ONNX Runtime threads; auto = every core (they do not spin, so JPEG decoding still gets its share)',
      default: 'auto',
    },
    'score-threshold': { type: 'string', valueName: 'X', description: "lowest confidence written (default the package's)" },
    'nms-iou': { type: 'string', valueName: 'X', description: "NMS IoU threshold (default the package's)" },
  },
  examples: ['argus detect --model models/deeppcb --input ../shared/datasets/deeppcb/group20085/20085 --out tmp/results --format deeppcb'],
};

/** Batches decoded ahead of the model (see the loop in run). */
const DECODE_LOOKAHEAD = 4;

/**
 * ONNX Runtime threads when --threads is auto: every core. Since ORT's threads no longer spin-wait
 * (libs/vision), they yield to the JPEG decoding on libuv's pool instead of starving it, so every
 * core is faster than one thread (the figures: models/README.md, DeepPCB, "Speed").
 */
function defaultModelThreads(): number {
  return Math.max(1, availableParallelism());
}

const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff'];

interface InputImage {
  readonly id: string;
  readonly image: string;
  readonly template?: string;
}

/** Files under `dir`, recursively, sorted by path (`<group>/<board>/<id>_test.jpg` layouts included). */
async function listFilesRecursively(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return listFilesRecursively(full);
      return e.isFile() ? [full] : [];
    }),
  );
  return nested.flat().sort();
}

/**
 * The images of a folder: DeepPCB pairs `<id>_test.jpg` / `<id>_temp.jpg` (in the folder or any
 * sub-folder, the template next to its image) when there are any — always for --format deeppcb —
 * otherwise every image directly in the folder, with `<name>_temp.<ext>` as its template.
 */
export async function listInputImages(dir: string, format: 'deeppcb' | 'json'): Promise<InputImage[]> {
  let files: string[];
  try {
    files = await listFilesRecursively(dir);
  } catch {
    throw new UsageError(`--input ${dir} is not a readable folder`);
  }
  const present = new Set(files);
  const pairs = files.flatMap((file) => {
    const match = /^(.+)_test\.jpg$/.exec(path.basename(file));
    if (!match) return [];
    const id = match[1] as string;
    const template = path.join(path.dirname(file), `${id}_temp.jpg`);
    return [{ id, image: file, ...(present.has(template) ? { template } : {}) }];
  });
  if (pairs.length > 0 || format === 'deeppcb') {
    if (pairs.length === 0) throw new UsageError(`no <id>_test.jpg images in ${dir}`);
    const seen = new Map<string, string>();
    for (const p of pairs) {
      const other = seen.get(p.id);
      if (other !== undefined)
        throw new UsageError(`two images with id ${p.id}: ${other} and ${p.image} (results are written as <id>.txt)`);
      seen.set(p.id, p.image);
    }
    return pairs;
  }
  const images = files.flatMap((file) => {
    if (path.dirname(file) !== path.resolve(dir) && path.dirname(file) !== dir) return [];
    const name = path.basename(file);
    const ext = path.extname(name).toLowerCase();
    const stem = name.slice(0, name.length - ext.length);
    if (!IMAGE_EXTENSIONS.includes(ext) || stem.endsWith('_temp')) return [];
    const template = path.join(path.dirname(file), `${stem}_temp${path.extname(name)}`);
    return [{ id: stem, image: file, ...(present.has(template) ? { template } : {}) }];
  });
  if (images.length === 0) throw new UsageError(`no images (${IMAGE_EXTENSIONS.join(', ')}) in ${dir}`);
  return images;
}

async function readInputs(batch: readonly InputImage[], withTemplate: boolean): Promise<PreprocessInput[]> {
  return Promise.all(
    batch.map(async (item) => {
      const [image, template] = await Promise.all([
        readFile(item.image),
        withTemplate && item.template ? readFile(item.template) : undefined,
      ]);
      return { image, ...(template ? { template } : {}), label: path.basename(item.image) };
    }),
  );
}

export const detectCommand: CliCommand = {
  spec,
  async run(argv, context: CliContext): Promise<number> {
    const values = parseCommandArgs(spec, argv);
    if (values === undefined) {
      context.out(formatHelp(spec));
      return 0;
    }
    const format = choiceOption(values, 'format', ['deeppcb', 'json'] as const) as 'deeppcb' | 'json';
    const batchSize = numberOption(values, 'batch-size', { integer: true, min: 1, max: 256 }) as number;
    const runtime = choiceOption(values, 'runtime', ['auto', 'onnxruntime', 'tfjs'] as const) as 'auto' | 'onnxruntime' | 'tfjs';
    const threads =
      values['threads'] === 'auto'
        ? defaultModelThreads()
        : (numberOption(values, 'threads', { integer: true, min: 1, max: 64 }) as number);
    const scoreThreshold = numberOption(values, 'score-threshold', { min: 0, max: 1 });
    const nmsIou = numberOption(values, 'nms-iou', { min: 0, max: 1 });
    const outDir = requiredString(values, 'out');
    const pkg = await loadModelPackage(folderPackageFiles(requiredString(values, 'model')));
    const classes = pkg.metadata.classes;
    if (format === 'deeppcb' && classes.some((c) => !(DEEPPCB_CLASSES as readonly string[]).includes(c))) {
      throw new UsageError(
        `--format deeppcb needs a model of DeepPCB classes (${DEEPPCB_CLASSES.join(', ')}); this one has ${classes.join(', ')}`,
      );
    }
    const inputs = await listInputImages(requiredString(values, 'input'), format);
    const withTemplate = pkg.metadata.template.required;
    await mkdir(outDir, { recursive: true });
    const runner = await DetectorRunner.open(pkg, {
      runtime,
      threads,
      logger: stderrJsonVisionLogger,
      postprocessing: {
        ...(scoreThreshold !== undefined ? { scoreThreshold } : {}),
        ...(nmsIou !== undefined ? { nmsIouThreshold: nmsIou } : {}),
      },
    });
    const batches: InputImage[][] = [];
    for (let i = 0; i < inputs.length; i += batchSize) batches.push(inputs.slice(i, i + batchSize));
    const started = process.hrtime.bigint();
    let written = 0;
    let detectionCount = 0;
    const failures: string[] = [];
    try {
      // Decoding runs DECODE_LOOKAHEAD batches ahead of the model. ONNX Runtime's run blocks this
      // thread, and every step of a decode (read, header, letterbox) needs this thread to start the
      // next one on libuv's pool, so with one batch of look-ahead a decode advanced one step per
      // model call and the model then waited for it (a large share of the run: docs/performance.md);
      // a few batches in flight keep the other core decoding while the model runs.
      const prepare = (batch: InputImage[]): Promise<PreprocessedBatch> =>
        readInputs(batch, withTemplate).then((x) => runner.preprocess(x));
      const inFlight: Promise<PreprocessedBatch>[] = [];
      let nextToPrepare = 0;
      const fill = (): void => {
        while (inFlight.length < DECODE_LOOKAHEAD && nextToPrepare < batches.length) {
          const p = prepare(batches[nextToPrepare++] as InputImage[]);
          p.catch(() => undefined); // awaited in order below; this only keeps an early failure from being "unhandled"
          inFlight.push(p);
        }
      };
      fill();
      for (let b = 0; b < batches.length; b++) {
        const batch = batches[b] as InputImage[];
        const prepared = await (inFlight.shift() as Promise<PreprocessedBatch>);
        fill();
        const result = await runner.detectPreprocessed(prepared, batch.length);
        for (const f of result.failures) failures.push(`${f.label}: ${f.error.message}`);
        const failed = new Set(result.failures.map((f) => f.index));
        // Result files are written synchronously: they are small, and an async write would queue
        // on libuv's pool behind the look-ahead's decodes while this thread sat idle.
        batch.forEach((item, i) => {
          if (failed.has(i)) return;
          const detections = result.detections[i] ?? [];
          detectionCount += detections.length;
          written++;
          if (format === 'deeppcb') {
            writeFileSync(path.join(outDir, `${item.id}.txt`), formatDeepPcbResult(detections));
          } else {
            const size = result.imageSizes[i];
            const doc = {
              id: item.id,
              image: path.basename(item.image),
              ...(size ? { width: size.width, height: size.height } : {}),
              model: { name: pkg.metadata.name, version: pkg.metadata.version },
              detections,
            };
            writeFileSync(path.join(outDir, `${item.id}.json`), `${JSON.stringify(doc, null, 1)}\n`);
          }
        });
      }
    } finally {
      await runner.dispose();
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const f of failures.slice(0, 20)) context.err(`  skipped ${f}`);
    context.out(
      `argus detect: ${written} image(s) in ${seconds.toFixed(2)} s — ${(written / seconds).toFixed(1)} images/s ` +
        `(decoding included; ${runner.runtime}, batch ${batchSize}); ${detectionCount} detection(s) written to ${outDir}` +
        (failures.length > 0 ? `; ${failures.length} image(s) failed` : ''),
    );
    return failures.length > 0 ? 1 : 0;
  },
};
