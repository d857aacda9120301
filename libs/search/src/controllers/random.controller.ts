import { z } from 'zod';
import { seededStream } from '../space/seeded-stream';
import type { ControllerContext, JsonValue, Proposal, SearchController } from './search.controller';
import { assertObservation, parseState } from './controller-state';

const RandomStateSchema = z.strictObject({
  kind: z.literal('random'),
  proposed: z.number().int().min(0),
  observed: z.number().int().min(0),
});

/** Random search: uniform valid samples of the space, the baseline every controller must beat at equal budget. */
export class RandomController implements SearchController {
  readonly kind = 'random' as const;

  private constructor(
    private readonly context: ControllerContext,
    private proposed: number,
    private observed: number,
  ) {}

  static create(context: ControllerContext): RandomController {
    return new RandomController(context, 0, 0);
  }

  static restore(context: ControllerContext, state: unknown): RandomController {
    const parsed = parseState(RandomStateSchema, state, "a random controller's state");
    return new RandomController(context, parsed.proposed, parsed.observed);
  }

  propose(): Proposal {
    const rng = seededStream(this.context.seed, 'random.propose', this.proposed++);
    return { choices: this.context.space.sample(rng, this.context.base), meta: null };
  }

  observe(proposal: Proposal, reward: number): void {
    assertObservation(this.context, proposal, reward);
    this.observed++;
  }

  state(): JsonValue {
    return { kind: this.kind, proposed: this.proposed, observed: this.observed };
  }
}
