import { z } from 'zod';
import {
  AlertRaisedV1Schema,
  DetectionsProducedV1Schema,
  FrameIngestedV1Schema,
  ModelPromotedV1Schema,
  ModelRegisteredV1Schema,
  ReviewSubmittedV1Schema,
} from './events';
import { SearchTrainingRequestedV1Schema } from './search-training-events';
import {
  SearchCancelRequestedV1Schema,
  SearchCompletedV1Schema,
  SearchProgressV1Schema,
  SearchRequestedV1Schema,
  SearchTrialCompletedV1Schema,
  SearchTrialRequestedV1Schema,
} from './search-events';
import { ModelShadowedV1Schema } from './shadow-events';
import {
  TrainingJobCompletedV1Schema,
  TrainingJobFailedV1Schema,
  TrainingJobProgressV1Schema,
  TrainingJobRequestedV1Schema,
} from './training-events';
import { TrainingTriggerAnsweredV1Schema, TrainingTriggerRequestedV1Schema } from './training-trigger-events';

/**
 * A topic's contract: its name (`<domain>.<entity>.<event>.v<N>`), the schema every message on
 * it satisfies, and the key that decides its partition (and so the order consumers see).
 */
export interface TopicContract<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly schema: S;
  /** Messages with the same key land in the same partition, in order. */
  readonly keyOf: (message: z.infer<S>) => string;
  /** Partitions created by default. More partitions allow more consumer-group members. */
  readonly partitions: number;
}

function topic<S extends z.ZodType>(contract: TopicContract<S>): TopicContract<S> {
  if (!TOPIC_NAME_PATTERN.test(contract.name)) {
    throw new Error(`topic name "${contract.name}" does not read <domain>.<entity>.<event>.v<N>`);
  }
  return contract;
}

export const TOPIC_NAME_PATTERN = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9][0-9]*$/;

/** One camera's frames stay in order: the key is line and camera. */
const byCamera = (m: { lineId: string; cameraId: string }) => `${m.lineId}/${m.cameraId}`;

export const Topics = {
  frameIngested: topic({
    name: 'inspection.frame.ingested.v1',
    schema: FrameIngestedV1Schema,
    keyOf: byCamera,
    partitions: 6,
  }),
  detectionsProduced: topic({
    name: 'inspection.detections.produced.v1',
    schema: DetectionsProducedV1Schema,
    keyOf: byCamera,
    partitions: 6,
  }),
  alertRaised: topic({
    name: 'inspection.alert.raised.v1',
    schema: AlertRaisedV1Schema,
    keyOf: byCamera,
    partitions: 3,
  }),
  reviewSubmitted: topic({
    name: 'inspection.review.submitted.v1',
    schema: ReviewSubmittedV1Schema,
    keyOf: (m) => m.alertId,
    partitions: 3,
  }),
  modelRegistered: topic({
    name: 'model.version.registered.v1',
    schema: ModelRegisteredV1Schema,
    keyOf: (m) => m.name,
    partitions: 1,
  }),
  modelPromoted: topic({
    name: 'model.version.promoted.v1',
    schema: ModelPromotedV1Schema,
    keyOf: (m) => m.lineId,
    partitions: 1,
  }),
  // Keyed by line like promotions: a line's shadow changes are seen in order.
  modelShadowed: topic({
    name: 'model.version.shadowed.v1',
    schema: ModelShadowedV1Schema,
    keyOf: (m) => m.lineId,
    partitions: 1,
  }),
  // A job's events share its id as key, so its progress, completion and failure stay in order.
  // Jobs spread over partitions by id: a trainer worker holds its partition while it trains, so
  // there are more partitions than trainer workers are ever expected.
  trainingJobRequested: topic({
    name: 'training.job.requested.v1',
    schema: TrainingJobRequestedV1Schema,
    keyOf: (m) => m.jobId,
    partitions: 12,
  }),
  trainingJobProgress: topic({
    name: 'training.job.progress.v1',
    schema: TrainingJobProgressV1Schema,
    keyOf: (m) => m.jobId,
    partitions: 3,
  }),
  trainingJobCompleted: topic({
    name: 'training.job.completed.v1',
    schema: TrainingJobCompletedV1Schema,
    keyOf: (m) => m.jobId,
    partitions: 3,
  }),
  trainingJobFailed: topic({
    name: 'training.job.failed.v1',
    schema: TrainingJobFailedV1Schema,
    keyOf: (m) => m.jobId,
    partitions: 3,
  }),
  // A manual trigger and its answer are keyed by line: a line's requests are handled in order.
  trainingTriggerRequested: topic({
    name: 'training.job.trigger-requested.v1',
    schema: TrainingTriggerRequestedV1Schema,
    keyOf: (m) => m.lineId,
    partitions: 3,
  }),
  trainingTriggerAnswered: topic({
    name: 'training.job.trigger-answered.v1',
    schema: TrainingTriggerAnsweredV1Schema,
    keyOf: (m) => m.lineId,
    partitions: 3,
  }),
  // A full training holds its partition for its whole run (hours): a few partitions so the
  // full-training workers each get one.
  searchTrainingRequested: topic({
    name: 'search.training.requested.v1',
    schema: SearchTrainingRequestedV1Schema,
    keyOf: (m) => m.requestId,
    partitions: 3,
  }),
  // A search's own events are keyed by its id, so the controller sees one search's requests,
  // cancels and trial answers each in order. Trial requests are keyed by trial so they spread over
  // the worker group; a worker holds its partitions while a trial trains, so there are more
  // partitions than trial workers are ever expected.
  searchRequested: topic({
    name: 'search.run.requested.v1',
    schema: SearchRequestedV1Schema,
    keyOf: (m) => m.searchId,
    partitions: 3,
  }),
  searchCancelRequested: topic({
    name: 'search.run.cancel-requested.v1',
    schema: SearchCancelRequestedV1Schema,
    keyOf: (m) => m.searchId,
    partitions: 3,
  }),
  searchTrialRequested: topic({
    name: 'search.trial.requested.v1',
    schema: SearchTrialRequestedV1Schema,
    keyOf: (m) => m.trialId,
    partitions: 12,
  }),
  searchTrialCompleted: topic({
    name: 'search.trial.completed.v1',
    schema: SearchTrialCompletedV1Schema,
    keyOf: (m) => m.searchId,
    partitions: 3,
  }),
  searchProgress: topic({
    name: 'search.run.progress.v1',
    schema: SearchProgressV1Schema,
    keyOf: (m) => m.searchId,
    partitions: 3,
  }),
  searchCompleted: topic({
    name: 'search.run.completed.v1',
    schema: SearchCompletedV1Schema,
    keyOf: (m) => m.searchId,
    partitions: 3,
  }),
} as const;

export type TopicKey = keyof typeof Topics;
export type MessageOf<T extends TopicContract> = z.infer<T['schema']>;

export const ALL_TOPICS: readonly TopicContract[] = Object.values(Topics);

export function findTopic(name: string): TopicContract | undefined {
  return ALL_TOPICS.find((t) => t.name === name);
}
