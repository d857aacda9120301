import { z } from 'zod';
import { seededStream } from '../space/seeded-stream';
import { SearchError, SearchErrorCodes } from '../search.errors';
import type { Choices } from '../search.types';
import { assertObservation, ChoicesSchema, parseState } from './controller-state';
import type { ControllerContext, JsonValue, Proposal, SearchController } from './search.controller';

export interface EvolutionOptions {
  /** P: how many of the most recently observed architectures make up the population. */
  readonly populationSize: number;
  /** S: how many members a tournament draws (with replacement); the best of them is mutated. */
  readonly sampleSize: number;
}

/**
 * Real et al. used P = 100, S = 25 over 20,000 trials; a proxy search here runs tens to hundreds of
 * trials, so the population is smaller and the tournament keeps the same S/P share of it.
 */
export const DEFAULT_EVOLUTION_OPTIONS: EvolutionOptions = { populationSize: 16, sampleSize: 4 };

const EvolutionStateSchema = z.strictObject({
  kind: z.literal('evolution'),
  options: z.strictObject({ populationSize: z.number().int().min(1), sampleSize: z.number().int().min(1) }),
  proposed: z.number().int().min(0),
  observed: z.number().int().min(0),
  /** Oldest first. */
  population: z.array(z.strictObject({ choices: ChoicesSchema, reward: z.number() })),
});

interface Member {
  readonly choices: Choices;
  readonly reward: number;
}

/**
 * Regularized (aging) evolution, Real et al. 2019 ("Regularized Evolution for Image Classifier
 * Architecture Search", Algorithm 1). Until P architectures were observed it proposes random ones;
 * then it draws S members of the population at random, mutates the best one (one decision changed)
 * and proposes the child. An observed architecture joins the population and the OLDEST member leaves
 * — not the worst: a good architecture must keep being rediscovered to stay, which regularises
 * against one lucky evaluation. Asynchronous like the paper's workers: proposals made while others
 * are outstanding use the population as it is then.
 */
export class EvolutionController implements SearchController {
  readonly kind = 'evolution' as const;

  private constructor(
    private readonly context: ControllerContext,
    private readonly options: EvolutionOptions,
    private proposed: number,
    private observed: number,
    private population: Member[],
  ) {}

  static create(context: ControllerContext, options: EvolutionOptions = DEFAULT_EVOLUTION_OPTIONS): EvolutionController {
    if (!(
      Number.isInteger(options.populationSize) &&
      options.populationSize >= 1 &&
      Number.isInteger(options.sampleSize) &&
      options.sampleSize >= 1
    )) {
      throw new SearchError(
        SearchErrorCodes.invalidSettings,
        `evolution needs a positive integer population size and sample size, got P=${options.populationSize}, S=${options.sampleSize}`,
      );
    }
    return new EvolutionController(context, { ...options }, 0, 0, []);
  }

  static restore(context: ControllerContext, state: unknown): EvolutionController {
    const parsed = parseState(EvolutionStateSchema, state, "an evolution controller's state");
    return new EvolutionController(context, parsed.options, parsed.proposed, parsed.observed, parsed.population);
  }

  propose(): Proposal {
    const rng = seededStream(this.context.seed, 'evolution.propose', this.proposed++);
    const { space, base } = this.context;
    if (this.population.length < this.options.populationSize) return { choices: space.sample(rng, base), meta: null };
    let parent: Member | undefined;
    for (let i = 0; i < this.options.sampleSize; i++) {
      const candidate = rng.pick(this.population);
      // Strictly better replaces: among equal rewards the first drawn wins.
      if (parent === undefined || candidate.reward > parent.reward) parent = candidate;
    }
    return { choices: space.mutate((parent as Member).choices, rng, base), meta: null };
  }

  observe(proposal: Proposal, reward: number): void {
    assertObservation(this.context, proposal, reward);
    this.population.push({ choices: [...proposal.choices], reward });
    this.observed++;
    // Aging: the oldest leaves, whatever its reward.
    while (this.population.length > this.options.populationSize) this.population.shift();
  }

  /** Oldest first. */
  members(): readonly Member[] {
    return this.population;
  }

  state(): JsonValue {
    return {
      kind: this.kind,
      options: { ...this.options },
      proposed: this.proposed,
      observed: this.observed,
      population: this.population.map((member) => ({ choices: [...member.choices], reward: member.reward })),
    };
  }
}
