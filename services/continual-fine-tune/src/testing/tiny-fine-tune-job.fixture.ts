import { createHash, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { TopicContract, TrainingJobRequestedV1 } from '@argus/contracts';
import type { ModelRegistryRepository } from '@argus/persistence';
import { artifactKeyOf, publishModelPackage } from '@argus/registry';
import type { ObjectStore } from '@argus/storage';
import { DEFAULT_TRAINER_CONFIG, folderPackageFiles, renderSyntheticDataset, runTrainingPipeline, syntheticGenerator } from '@argus/vision';
import { TINY_PCB_CLASSES, tinyPcbSpec } from '@argus/vision/testing';
import { toSampleManifest } from '../datasets/dataset-export';
import { buildDatasetVersion } from '../datasets/dataset-version';
import { resolveFrameLabel } from '../labels/frame-label';

/** What a job's runner published, each message checked against its topic's schema. */
export class RecordingBus {
  readonly sent: { topic: string; message: Record<string, unknown>; headers: Record<string, string> }[] = [];
  async publish(topic: TopicContract, message: unknown, options?: { headers?: Record<string, string> }): Promise<void> {
    this.sent.push({ topic: topic.name, message: topic.schema.parse(message) as Record<string, unknown>, headers: options?.headers ?? {} });
  }
}

/**
 * The trainer's real inputs, tiny (seconds of training): a production model trained here on
 * synthetic PCB scenes without `pin-hole` and published to the store and registry, twelve labelled
 * scenes that have it stored as camera-ingest stores frames, one data set version of them with its
 * manifest, and the job request that fine-tunes the one on the other. The caller selects the TF.js
 * backend first.
 */
export async function prepareTinyFineTuneJob(options: {
  readonly store: ObjectStore;
  readonly registry: ModelRegistryRepository;
  /** A scratch folder of the test's. */
  readonly work: string;
  /** Names this run's model, line and object keys. */
  readonly run: string;
  /** Object keys' prefix of the run's frames and manifest. */
  readonly prefix: string;
}): Promise<TrainingJobRequestedV1> {
  const { store, registry, work, run, prefix } = options;
  const lineId = `line-${run}`;
  const parentDir = path.join(work, 'parent');
  await runTrainingPipeline({
    spec: tinyPcbSpec(TINY_PCB_CLASSES.filter((c) => c !== 'pin-hole')),
    data: { kind: 'synthetic', feed: 'pcb' },
    dataOptions: { seed: 1, syntheticCount: 16, syntheticValidationCount: 4 },
    config: { ...DEFAULT_TRAINER_CONFIG, epochs: 2, batchSize: 8, cropsPerImage: 1, learningRate: 0.01, progressEverySeconds: 3600 },
    runDir: path.join(work, 'parent-run'),
    out: folderPackageFiles(parentDir),
    resume: false,
    command: 'test parent',
    argusVersion: 'test',
    backend: 'wasm',
    name: prefix,
    version: 'base',
  });
  const base = await publishModelPackage(folderPackageFiles(parentDir), { store, registry });

  const scenes = await renderSyntheticDataset(syntheticGenerator('pcb', 7), 12, { startIndex: 5000 });
  const labels = [];
  for (const [i, sample] of scenes.samples.entries()) {
    if (sample.image.kind !== 'encoded' || sample.template?.kind !== 'encoded') throw new Error('synthetic scenes are encoded');
    const objectKey = `${prefix}/frames/${i}.png`;
    const templateKey = `${prefix}/templates/${i}.png`;
    await store.put(objectKey, Buffer.from(sample.image.bytes), { contentType: 'image/png' });
    await store.put(templateKey, Buffer.from(sample.template.bytes), { contentType: 'image/png' });
    const label = {
      frameId: randomUUID(),
      lineId,
      cameraId: 'aoi-1',
      reviewId: randomUUID(),
      reviewerId: randomUUID(),
      decision: 'corrected' as const,
      boxes: sample.boxes.map((b) => ({ className: b.className, box: b.box })),
      kind: sample.boxes.length > 0 ? ('defects' as const) : ('hard-negative' as const),
      objectKey,
      templateKey,
      reviewedAt: new Date().toISOString(),
    };
    const sha256 = createHash('sha256').update(sample.image.bytes).digest('hex');
    labels.push({ resolved: resolveFrameLabel([label]), frame: { sha256, width: sample.width ?? 0, height: sample.height ?? 0 } });
  }
  const version = buildDatasetVersion({ lineId, parent: null, holdoutShare: 0.3, labels });
  const manifestKey = `${prefix}/datasets/1/manifest.jsonl`;
  await store.put(manifestKey, Buffer.from(toSampleManifest(version.content, { name: `${lineId}@1` })), {
    contentType: 'application/x-ndjson',
  });
  return {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    jobId: randomUUID(),
    lineId,
    datasetVersionId: randomUUID(),
    datasetFingerprint: version.content.fingerprint,
    manifestKey,
    baseModelVersionId: base.version.id,
    baseArtifactKey: artifactKeyOf(base.version.name, base.version.version),
    requestedBy: 'policy',
    triggers: [{ kind: 'unknown-class', reason: 'operators labelled pin-hole' }],
    epochs: 2,
    seed: 1,
  };
}
