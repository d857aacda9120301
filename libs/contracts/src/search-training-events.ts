import { z } from 'zod';
import { EventBaseSchema, SlugSchema, UuidSchema } from './primitives';

/**
 * Someone (the console's "Train fully", an ML engineer) chose a point of a search's front: its
 * trial's spec is trained fully, like the shipped models, and registered as a candidate of the line
 * with the search, trial and controller as its lineage. architecture-search's full-training group
 * takes these one at a time.
 */
export const SearchTrainingRequestedV1Schema = EventBaseSchema.extend({
  /** Chosen by the asker: names the run; a redelivered request finds the candidate it registered. */
  requestId: UuidSchema,
  searchId: UuidSchema,
  /** The engine's trial id (deterministic from the search and its sequence). */
  trialId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  /** The controller that proposed the trial (lineage). Kept as text here: contracts import nothing of ours. */
  controller: z.enum(['ppo', 'evolution', 'random']),
  /** The trial's ArchitectureSpec as stored with it; checked by the trainer before anything runs. */
  spec: z.record(z.string(), z.unknown()),
  lineId: SlugSchema,
  /** The search's data: a training data source (`deeppcb:/path`, `voc:/path`, `manifest:/path`, `synthetic:pcb`). */
  dataSource: z.string().trim().min(1).max(1000),
  /** Epochs of the full training; absent: the service's default (ARGUS_SEARCH_FULL_TRAINING_EPOCHS). */
  epochs: z.number().int().min(1).max(500).optional(),
  requestedBy: z.string().min(1).max(128),
});
export type SearchTrainingRequestedV1 = z.infer<typeof SearchTrainingRequestedV1Schema>;
