import { z } from 'zod';
import { checkSpec, type ArchitectureSpec } from '../core/architecture-spec';

export const MODEL_PACKAGE_KIND = 'argus.model-package';
export const MODEL_PACKAGE_FORMAT_VERSION = 1;
/** How the head output is decoded (see train/head-output.decoder); bumped if that ever changes. */
export const HEAD_DECODING = 'argus.anchor-free.v1';

/** The file names inside a package folder (or under an object-store prefix). */
export const PACKAGE_FILES = {
  metadata: 'metadata.json',
  onnx: 'model.onnx',
  weightsManifest: 'weights.json',
  weightsBinary: 'weights.bin',
  trainingLog: 'training.log',
} as const;

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

const ValidationMetricsSchema = z.object({
  imageCount: z.number().int().nonnegative(),
  /** The DeepPCB benchmark metric (IoU > 0.33, same class; every detection written). */
  deepPcbAp: finite.nullable(),
  deepPcbFScore: finite.nullable(),
  map50: finite.nullable(),
  map: finite.nullable(),
  /** Which of them picked the checkpoint. */
  selectionMetric: z.string(),
});

export const ModelMetadataSchema = z.object({
  kind: z.literal(MODEL_PACKAGE_KIND),
  formatVersion: z.literal(MODEL_PACKAGE_FORMAT_VERSION),
  /** The model's name and version (`<spec name>-<UTC timestamp>` unless given). */
  name: z.string().min(1).max(128),
  version: z.string().min(1).max(64),
  createdAt: z.string().datetime(),
  argusVersion: z.string().min(1),
  spec: z.unknown().superRefine((value, ctx) => {
    const check = checkSpec(value);
    if (!check.success) for (const issue of check.issues) ctx.addIssue({ code: 'custom', message: issue });
  }),
  classes: z.array(z.string().min(1)).min(1),
  input: z.object({
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    /** Channels per image (frame, and template), 1 grey or 3 RGB. */
    channels: z.union([z.literal(1), z.literal(3)]),
    /** Channels of the model input after template stacking. */
    modelChannels: z.number().int().positive(),
  }),
  preprocessing: z.object({
    resize: z.literal('letterbox'),
    kernel: z.enum(['nearest', 'linear', 'cubic', 'lanczos3']),
    padValue: z.number().int().min(0).max(255),
    /** Bytes → floats: value / 255. */
    scale: z.literal('1/255'),
    colour: z.enum(['grey', 'rgb']),
  }),
  template: z.object({
    mode: z.enum(['none', 'stack', 'difference', 'stack-difference']),
    /** Whether every frame needs its aligned template (`<id>_temp.jpg` in `argus detect`). */
    required: z.boolean(),
  }),
  head: z.object({
    decoding: z.literal(HEAD_DECODING),
    strides: z.array(z.number().int().positive()).min(1),
  }),
  postprocessing: z.object({
    /** Detections below this are not reported (low: the DeepPCB AP counts every detection). */
    scoreThreshold: z.number().min(0).max(1),
    nmsIouThreshold: z.number().min(0).max(1),
    maxDetections: z.number().int().positive(),
    /** The best-F1 threshold on validation: what an alerting deployment would use. */
    deploymentThreshold: z.number().min(0).max(1).nullable(),
  }),
  files: z.object({
    onnx: z.literal(PACKAGE_FILES.onnx).nullable(),
    weightsManifest: z.literal(PACKAGE_FILES.weightsManifest),
    weightsBinary: z.literal(PACKAGE_FILES.weightsBinary),
    /** The progress log of the training run (every invocation), when the package has one. */
    trainingLog: z.literal(PACKAGE_FILES.trainingLog).nullable().optional(),
  }),
  onnx: z
    .object({
      opset: z.number().int(),
      /** Largest |ONNX Runtime − TF.js| over the head outputs of the check batch. */
      maxAbsDiff: z.number().nonnegative(),
      checkImages: z.number().int().positive(),
      checkInput: z.string(),
    })
    .nullable(),
  training: z
    .object({
      /** The exact command that trained the model (the first one, when the run was resumed). */
      command: z.string(),
      resumedWith: z.array(z.string()),
      backend: z.string(),
      data: z.object({
        source: z.string(),
        /** SHA-256 over every sample's split, id and annotations. */
        fingerprint: z.string(),
        split: z.string(),
        trainImages: z.number().int().nonnegative(),
        validationImages: z.number().int().nonnegative(),
        skippedImages: z.number().int().nonnegative(),
        skippedAnnotations: z.number().int().nonnegative(),
        /** The loader options (split seed, validation share, synthetic counts): `argus eval` rebuilds the split from them. */
        options: z.record(z.string(), z.unknown()).optional(),
      }),
      config: z.record(z.string(), z.unknown()),
      epochsRun: z.number().int().nonnegative(),
      bestEpoch: z.number().int().nullable(),
      stopReason: z.string(),
      trainImagesPerSecond: z.number().nonnegative(),
      /** Time in optimisation steps, and wall time of the whole run (all invocations; null if unknown). */
      trainingSeconds: z.number().nonnegative(),
      wallSeconds: z.number().nonnegative().nullable(),
    })
    .nullable(),
  metrics: z.object({ validation: ValidationMetricsSchema.nullable() }),
  /** Where a fine-tuned model came from (argus finetune); absent or null for a model trained from scratch. */
  lineage: z
    .object({
      parent: z.object({
        name: z.string(),
        version: z.string(),
        /** sha256 of the parent's spec and weights (see fingerprintModel). */
        fingerprint: z.string(),
        classes: z.array(z.string()),
      }),
      method: z.enum(['naive', 'replay', 'replay-distill', 'joint']),
      /** Classes the parent did not know, added by head growth (their channels follow the parent's classes). */
      addedClasses: z.array(z.string()),
      newData: z.object({
        source: z.string(),
        fingerprint: z.string(),
        split: z.string(),
        trainImages: z.number().int().nonnegative(),
        validationImages: z.number().int().nonnegative(),
      }),
      /** The rehearsal set: references to the parent's training samples, and how they were chosen and mixed in. */
      exemplars: z
        .object({
          source: z.string(),
          sourceFingerprint: z.string(),
          /** False when the replay data's fingerprint is not the one the parent recorded for its training data. */
          matchesParent: z.boolean(),
          rule: z.string(),
          budget: z.number().int().nonnegative(),
          ids: z.array(z.string()),
          fingerprint: z.string(),
          replayShare: z.number().min(0).max(1),
        })
        .nullable(),
      distillation: z.object({ weight: z.number().nonnegative(), selectionThreshold: z.number(), variant: z.string() }).nullable(),
      frozenPrefixes: z.array(z.string()),
      /** Every hyperparameter of the fine-tune, as run. */
      hyperparameters: z.record(z.string(), z.unknown()),
      command: z.string(),
    })
    .nullable()
    .optional(),
  /** A few-shot model's record (argus adapt), or a meta-learned initialisation's (argus meta-train); absent otherwise. */
  fewShot: z
    .discriminatedUnion('kind', [
      z.object({
        kind: z.literal('adaptation'),
        start: z.enum(['scratch', 'finetune', 'meta']),
        /** The package adapted from (none for scratch from a bare spec). */
        from: z.object({ name: z.string(), version: z.string(), fingerprint: z.string(), classes: z.array(z.string()) }).nullable(),
        /** Per class of the model, the `from` class whose output channel it took (null: a fresh channel). */
        classSources: z.array(z.string().nullable()),
        /** What the input transplant carried over and what not (empty: same input). */
        transplant: z.array(z.string()),
        frozenPrefixes: z.array(z.string()),
        shots: z.number().int().nonnegative(),
        data: z.object({ source: z.string(), fingerprint: z.string(), split: z.string(), shotIds: z.array(z.string()) }),
        seed: z.number().int(),
        budgetSeconds: z.number().positive(),
        seconds: z.number().nonnegative(),
        stopReason: z.string(),
        /** Which weights were shipped: the last (EMA) ones; nothing is chosen on the evaluation frames. */
        shipped: z.literal('last'),
        hyperparameters: z.record(z.string(), z.unknown()),
        command: z.string(),
      }),
      z.object({
        kind: z.literal('meta-init'),
        method: z.enum(['reptile']),
        /** The task sources sampled (generators with randomised options, data-set class subsets). */
        sources: z.array(z.string()),
        /** Feeds and groups never sampled: what the initialisation may be evaluated on. */
        excluded: z.array(z.string()),
        /** Class slots: a new line's classes take them in order. */
        slots: z.array(z.string()),
        metaSteps: z.number().int().nonnegative(),
        seed: z.number().int(),
        seconds: z.number().nonnegative(),
        hyperparameters: z.record(z.string(), z.unknown()),
        command: z.string(),
      }),
    ])
    .nullable()
    .optional(),
});

export type ModelMetadata = z.infer<typeof ModelMetadataSchema> & { spec: ArchitectureSpec };
