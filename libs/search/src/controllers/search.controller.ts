import type { ArchitectureSpec } from '@argus/vision';
import type { SearchSpace } from '../space/search-space';
import type { Choices, ControllerKind } from '../search.types';

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** An architecture a controller asks to be evaluated, with what it needs back to learn from the reward. */
export interface Proposal {
  readonly choices: Choices;
  /** Opaque to everyone but the controller (PPO: the log-probability under the policy that sampled it). */
  readonly meta: JsonValue;
}

/** What every controller shares: the space it searches, the base spec it decodes on, its seed. */
export interface ControllerContext {
  readonly space: SearchSpace;
  readonly base: ArchitectureSpec;
  readonly seed: number;
}

/**
 * A search controller. Proposals may be outstanding concurrently (trial workers run in parallel)
 * and their rewards may be observed in any order; every random draw is seeded, and `state()` is
 * plain JSON from which the controller is restored to continue exactly as it would have.
 */
export interface SearchController {
  readonly kind: ControllerKind;
  propose(): Proposal;
  observe(proposal: Proposal, reward: number): void;
  state(): JsonValue;
}
