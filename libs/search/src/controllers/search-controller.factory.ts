import { z } from 'zod';
import { SearchError, SearchErrorCodes } from '../search.errors';
import type { ControllerKind } from '../search.types';
import { DEFAULT_EVOLUTION_OPTIONS, EvolutionController, type EvolutionOptions } from './evolution.controller';
import { DEFAULT_PPO_OPTIONS, PpoController, type PpoOptions } from './ppo/ppo.controller';
import { RandomController } from './random.controller';
import type { ControllerContext, SearchController } from './search.controller';

/** Per-controller options (each falls back to its defaults field by field). */
export interface ControllerOptions {
  readonly evolution?: Partial<EvolutionOptions>;
  readonly ppo?: Partial<PpoOptions>;
}

export function createController(kind: ControllerKind, context: ControllerContext, options: ControllerOptions = {}): SearchController {
  switch (kind) {
    case 'random':
      return RandomController.create(context);
    case 'evolution':
      return EvolutionController.create(context, { ...DEFAULT_EVOLUTION_OPTIONS, ...options.evolution });
    case 'ppo':
      return PpoController.create(context, { ...DEFAULT_PPO_OPTIONS, ...options.ppo });
    default:
      throw new SearchError(SearchErrorCodes.invalidSettings, `unknown controller kind ${JSON.stringify(kind)}`);
  }
}

/** A controller from its `state()`, of the kind the state names. */
export function restoreController(context: ControllerContext, state: unknown): SearchController {
  const kind = z.object({ kind: z.enum(['random', 'evolution', 'ppo']) }).safeParse(state);
  if (!kind.success)
    throw new SearchError(
      SearchErrorCodes.invalidState,
      `a controller state must name its kind (random, evolution or ppo): ${z.prettifyError(kind.error)}`,
    );
  switch (kind.data.kind) {
    case 'random':
      return RandomController.restore(context, state);
    case 'evolution':
      return EvolutionController.restore(context, state);
    case 'ppo':
      return PpoController.restore(context, state);
  }
}
