import { SearchRequestedV1Schema, UuidSchema } from '@argus/contracts';
import { z } from 'zod';
import { consoleApiSchemas } from '../http/api-responses.schemas';

/** Names a schema as an OpenAPI component, like api-responses.schemas.ts does for the other pages. */
function named<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  const described = description === undefined ? schema : schema.describe(description);
  consoleApiSchemas.add(described, { id });
  return described;
}

const Timestamp = z.string().meta({ format: 'date-time' });

/**
 * POST /searches: search.run.requested.v1 without what the console fills in (ids, time, who, the
 * base spec), so a bad field answers 400 naming it exactly as the event's schema would.
 */
export const StartSearchBodySchema = SearchRequestedV1Schema.omit({
  eventId: true,
  occurredAt: true,
  searchId: true,
  requestedBy: true,
  base: true,
})
  .extend({
    seed: z.number().int().default(1),
    baseModelVersionId: UuidSchema.optional().describe("The base model (input channels, classes); default: the line's production model."),
  })
  .strict();

const DEFAULT_CANCEL_REASON = 'cancelled from the console';
export const CancelSearchBodySchema = z
  .strictObject({
    reason: z.string().trim().min(3, 'a reason of at least 3 characters is required').max(500).default(DEFAULT_CANCEL_REASON),
  })
  .default({ reason: DEFAULT_CANCEL_REASON });

export const TrainTrialBodySchema = z
  .strictObject({
    epochs: z
      .number()
      .int()
      .min(1)
      .max(500)
      .optional()
      .describe("Epochs of the full training; default: the service's (the shipped model's 30)."),
  })
  .default({});

const ProgressSchema = z.object({
  requested: z.number(),
  completed: z.number(),
  failed: z.number(),
  best: z.object({ ap: z.number(), latencyMs: z.number() }).nullable().describe('The best point so far (highest reward), null before any.'),
  frontSize: z.number(),
  trialsPerHour: z.number(),
  elapsedSeconds: z.number().describe('Time the search has run (time while stopped does not count).'),
  budget: z.object({ maxTrials: z.number().nullable(), maxWallSeconds: z.number().nullable() }),
});

export const SearchSummarySchema = named(
  'SearchSummary',
  z.object({
    id: z.string(),
    lineId: z.string(),
    name: z.string(),
    controller: z.string(),
    status: z.enum(['running', 'completed', 'cancelled', 'failed']),
    stopReason: z.string().nullable(),
    requestedBy: z.string(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    progress: ProgressSchema,
  }),
);
export const SearchListSchema = named('SearchList', z.object({ items: z.array(SearchSummarySchema) }));

export const SearchPointSchema = named(
  'SearchPoint',
  z.object({
    trialId: z.string(),
    sequence: z.number(),
    rung: z.number().describe('The highest rung the trial completed: its figures are that rung’s.'),
    controller: z.string(),
    ap: z.number(),
    latencyMs: z.number().describe('ms per image as served'),
    latencySource: z.string().nullable(),
    reward: z.number().nullable(),
    params: z.number().nullable(),
    macs: z.number().nullable(),
    onFront: z.boolean(),
    spec: z.object({
      input: z.string(),
      template: z.string(),
      widths: z.array(z.number()),
      depths: z.array(z.number()),
      neck: z.string(),
      head: z.string(),
    }),
  }),
  'A trial at the highest rung it completed: one dot of the front plot.',
);

export const SearchDetailSchema = named(
  'SearchDetail',
  SearchSummarySchema.extend({
    settings: z.record(z.string(), z.unknown()).describe('The search.run.requested.v1 it started from.'),
    points: z.array(SearchPointSchema),
    front: z.array(SearchPointSchema).describe('The Pareto front (maximise AP, minimise latency), fastest first.'),
    production: z
      .object({
        modelVersionId: z.string(),
        name: z.string(),
        version: z.string(),
        ap: z.number().nullable(),
        apMetric: z.string().nullable(),
        latencyMs: z.number().nullable(),
        latencySource: z.enum(['registry', 'pipeline-p50']).nullable(),
      })
      .nullable()
      .describe("The line's production model, marked on the plot; latency null: not measured."),
    candidates: z.array(
      z.object({ modelVersionId: z.string(), trialId: z.string(), controller: z.string(), requestedBy: z.string(), createdAt: Timestamp }),
    ),
  }),
);

export const SearchStartedSchema = named(
  'SearchStarted',
  z.object({ searchId: z.string(), lineId: z.string(), name: z.string(), requestedBy: z.string() }),
  'The search request is on its way to architecture-search; the list shows it once the controller took it.',
);

export const SearchTrainingRequestSchema = named(
  'SearchTrainingRequest',
  z.object({ requestId: z.string(), searchId: z.string(), trialId: z.string(), lineId: z.string(), requestedBy: z.string() }),
  'The full training is on its way; the candidate appears in the search’s candidates and the models page once registered.',
);
