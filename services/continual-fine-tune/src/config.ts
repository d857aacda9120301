import { kafkaConfigFromEnv } from '@argus/messaging';
import { databaseConfigFromEnv } from '@argus/persistence';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import {
  type Environment,
  loadConfig,
  type LoadConfigOptions,
  serviceEnvSchema,
  wholeNumberField,
  consumerGroupField,
  processNameField,
  onOffField,
} from '@argus/platform';
import { s3ConfigFromEnv } from '@argus/storage';
import { SERVICE_NAME } from './service.identity';
import { AuditEnvFields } from './audit-sampling/audit.config';

/**
 * Variables of continual-fine-tune itself (PORT defaults to 3003); its dependencies' variables are read
 * by their adapter libraries. Each field's description is its documentation, rendered into
 * services/continual-fine-tune/README.md by `npm run docs:config`.
 */
export const ContinualFineTuneEnvSchema = serviceEnvSchema(3003).extend({
  ARGUS_FINETUNE_WORKER: onOffField.default(true).meta({
    description:
      'Whether this process is also a trainer worker (`on`/`off`): it takes training.job.requested.v1 jobs one at a time in the group ARGUS_FINETUNE_TRAINERS_GROUP_ID. Add processes to train more jobs at once; turn it off where only the labels and triggers should run.',
    defaultText: 'on',
  }),
  ARGUS_FINETUNE_LABELS: onOffField.default(true).meta({
    description:
      'Whether this process also turns reviews into labels, evaluates the triggers and answers manual triggers (`on`/`off`). Turn it off on processes that should only train (ARGUS_FINETUNE_WORKER=on), so a trainer that dies or is restarted never stalls the labels group.',
    defaultText: 'on',
  }),
  ARGUS_FINETUNE_TRAIN_IN_THREAD: onOffField.default(true).meta({
    description:
      "Whether a trainer worker trains each job in a worker thread of its own (`on`/`off`), so training never blocks this process's event loop (Kafka heartbeats, health checks, progress events; in `npm start`, the pipeline). `off` trains on the main thread, as before.",
    defaultText: 'on',
  }),
  ARGUS_FINETUNE_TRAIN_NICE: wholeNumberField(0, 19, 19).meta({
    description:
      "The trainer thread's nice value on Linux (0–19; 0: as the process): a job is background work and takes the CPU that production inference on the same machine leaves, so a line's latency holds while it trains. Only with ARGUS_FINETUNE_TRAIN_IN_THREAD on.",
  }),
  ARGUS_FINETUNE_WORK_DIR: z.string().min(1).default(path.join(os.tmpdir(), 'argus-finetune')).meta({
    description: "Local folder of the running jobs' run folders (checkpoints, the candidate package); each is removed when its job ends.",
    defaultText: '<OS temp folder>/argus-finetune',
  }),
  ARGUS_FINETUNE_WORKER_ID: processNameField(200).meta({
    description: 'Names this trainer worker on the jobs page and in progress events.',
    defaultText: '<hostname>-<pid>',
  }),
  ARGUS_FINETUNE_LABELS_GROUP_ID: consumerGroupField('continual-fine-tune.labels').meta({
    description:
      'The consumer group on inspection.review.submitted.v1 that the processes of one deployment share. Another deployment on the same cluster (a test run, a second plant) needs its own.',
  }),
  ARGUS_FINETUNE_TRAINERS_GROUP_ID: consumerGroupField('continual-fine-tune.trainers').meta({
    description:
      "The trainer workers' consumer group on training.job.requested.v1; one per deployment, like ARGUS_FINETUNE_LABELS_GROUP_ID.",
  }),
  ARGUS_FINETUNE_TRIGGERS_GROUP_ID: consumerGroupField('continual-fine-tune.manual-triggers').meta({
    description:
      'The consumer group on training.job.trigger-requested.v1 (the console\'s "trigger now"); one per deployment, like ARGUS_FINETUNE_LABELS_GROUP_ID.',
  }),
  ARGUS_FINETUNE_HOLDOUT_SHARE: z.coerce.number().gt(0).lt(1).default(0.2).meta({
    description:
      "Share of a line's labelled frames held out for evaluation (chosen by frame hash). Fixed by the line's first data set version: later versions keep it, so no frame moves between training and holdout.",
  }),
  ARGUS_FINETUNE_VALIDATION_SHARE: z.coerce.number().gt(0).lt(1).default(0.2).meta({
    description: "Share of a data set version's training frames that picks the best epoch (never the holdout).",
  }),
  ARGUS_FINETUNE_EPOCHS: wholeNumberField(1, 8, 1000).meta({ description: "A job's training budget, in epochs." }),
  ARGUS_FINETUNE_SEED: wholeNumberField(0, 1).meta({
    description: "Seed of a job's training and validation split: a job rerun trains the same.",
  }),
  ARGUS_FINETUNE_MIN_NEW_LABELS: wholeNumberField(0, 50).meta({
    description: "A line's next job is asked for once this many frames were labelled since its last one; 0 turns the rule off.",
  }),
  ARGUS_FINETUNE_UNKNOWN_CLASS_MIN_FRAMES: wholeNumberField(0, 10, 100_000).meta({
    description:
      "A line's next job is asked for once operators labelled a class its production model does not detect in this many frames since its last job (enough to learn it and hold some out); 0 turns the rule off.",
  }),
  ARGUS_FINETUNE_SCHEDULE_HOURS: wholeNumberField(0, 168).meta({
    description:
      "A line's next job is asked for once its last one (before its first: the promotion of its production model) is this many hours old and anything was labelled since; 0 turns the rule off.",
  }),
  ARGUS_FINETUNE_TRIGGER_INTERVAL_SECONDS: wholeNumberField(1, 60, 86_400).meta({
    description:
      'How often every line with a production model has its triggers evaluated (the schedule and drift rules fire without new labels), jobs recorded but never announced are announced again, and the shadows of lines with auto-promotion on are judged.',
  }),
  ARGUS_FINETUNE_AUTO_PROMOTE_MIN_FRAMES: wholeNumberField(1, 500, 50_000).meta({
    description:
      "Auto-promotion (a line's option, off unless its learning policy turns it on): the line's shadow is promoted only after it and production scored at least this many frames in common, unless the line's policy sets its own figure. Checked on the trigger timer (ARGUS_FINETUNE_TRIGGER_INTERVAL_SECONDS).",
  }),
  ARGUS_FINETUNE_AUTO_PROMOTE_MIN_AGREEMENT: z.coerce.number().min(0).max(1).default(0.9).meta({
    description:
      "Auto-promotion: the shadow's precision and recall against production on those frames must each be at least this (0–1), unless the line's policy sets its own; where operators reviewed some of them, the shadow must also be no worse than production against their ground truth.",
  }),
  ARGUS_FINETUNE_ANNOUNCE_AFTER_SECONDS: wholeNumberField(1, 60, 86_400).meta({
    description:
      'A queued job whose request is not on the bus after this long (a crash between recording and announcing) is announced again.',
  }),
  ARGUS_FINETUNE_PROGRESS_INTERVAL_MS: wholeNumberField(100, 5_000, 10_000).meta({
    description: 'A running job sends training.job.progress.v1 at least this often, in milliseconds (the contract promises 10 s at most).',
  }),
  ARGUS_FINETUNE_CANCEL_POLL_MS: wholeNumberField(100, 2_000, 60_000).meta({
    description: 'How often a trainer worker asks whether its running job was cancelled, in milliseconds.',
  }),
  ARGUS_FINETUNE_GATE_MAX_CLASS_DROP: z.coerce.number().min(0).max(100).default(1).meta({
    description:
      'Gate: no class may lose more than this many AP points (AP in %) against production on the holdout and the parent validation data.',
  }),
  ARGUS_FINETUNE_GATE_MIN_CLASS_INSTANCES: wholeNumberField(1, 10, 100_000).meta({
    description:
      "Gate: a class's AP drop is judged on an evaluation set only where the class has at least this many labelled boxes (on a few frames one box moves AP by several points); the report shows the figures either way.",
  }),
  ARGUS_FINETUNE_GATE_MIN_GAIN: z.coerce.number().min(0).max(100).default(1).meta({
    description: "Gate: the candidate's AP on the new data must beat production's by at least this many points.",
  }),
  ARGUS_FINETUNE_GATE_MAX_LATENCY_RATIO: z.coerce.number().min(1).max(10).default(1.1).meta({
    description: "Gate: the candidate's latency, measured as detection-inference serves, at most this multiple of production's.",
  }),
  ARGUS_ADAPT_GATE_MIN_AP: z.coerce.number().min(0).max(1).default(0.5).meta({
    description:
      "An adaptation's (a new line's first model, from the console's new-line wizard) minimum mAP@0.5 on the line's evaluation frames, scored as served.",
  }),
  ARGUS_ADAPT_GATE_MIN_EVALUATION_FRAMES: wholeNumberField(1, 1, 100_000).meta({
    description: 'Evaluation frames with a labelled box an adaptation needs for its AP to be judged at all.',
  }),
  ARGUS_FINETUNE_GATE_PARENT_VALIDATION_FRAMES: wholeNumberField(1, 200, 100_000).meta({
    description: "At most this many of the parent model's validation frames are scored to check for forgetting.",
  }),
  ARGUS_FINETUNE_GATE_LATENCY_ROUNDS: wholeNumberField(1, 7, 50).meta({
    description:
      "Timed rounds of the latency gate, each a pass of both models over the same frames back to back (alternating which goes first, after an untimed warm-up): the median of the rounds' candidate ÷ production ratios is judged, so load from other processes cancels.",
  }),
  ARGUS_FINETUNE_SERVING_BATCH: wholeNumberField(1, 6, 64).meta({
    description: 'Frames per batch when the latency gate times a model: set it as ARGUS_INFER_BATCH_MAX is set for detection-inference.',
  }),
  ARGUS_FINETUNE_SERVING_THREADS: wholeNumberField(1, 1, 16).meta({
    description:
      'ONNX Runtime threads when the gates score and time a model: set it as ARGUS_INFER_THREADS is set for detection-inference.',
  }),
  ...AuditEnvFields,
});
export type ContinualFineTuneEnv = z.output<typeof ContinualFineTuneEnvSchema>;

/**
 * The whole configuration, parsed once at start-up. A missing or malformed variable stops the
 * process with one line naming every bad variable (exit code 78).
 */
export function loadContinualFineTuneConfig(env: Environment = process.env, options: Omit<LoadConfigOptions<never>, 'sections'> = {}) {
  return loadConfig(ContinualFineTuneEnvSchema, env, {
    ...options,
    sections: {
      kafka: (vars: Environment) => kafkaConfigFromEnv(vars, { clientId: SERVICE_NAME }),
      database: (vars: Environment) => databaseConfigFromEnv(vars, SERVICE_NAME),
      s3: s3ConfigFromEnv,
    },
  });
}

export type ContinualFineTuneConfig = ReturnType<typeof loadContinualFineTuneConfig>;
