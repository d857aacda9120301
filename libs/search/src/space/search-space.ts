import { checkSpec, hashStringWithSeed, type ArchitectureSpec, type SeededRandom } from '@argus/vision';
import { SearchError, SearchErrorCodes } from '../search.errors';
import type { Choices } from '../search.types';

/** An option's value: plain JSON so that a space can be listed by the API and stored with a search. */
export type DecisionOption = string | number | readonly number[];

/** One decision of a space: a name and the options it chooses among. */
export interface SearchDecision {
  readonly name: string;
  readonly options: readonly DecisionOption[];
}

/** How a space is defined: its decisions, how a spec answers each, and how the chosen values build a spec. */
export interface SearchSpaceDefinition {
  readonly decisions: readonly SearchDecision[];
  /** The spec's value for each decision, in order (`undefined` where the spec has no such value): what `encode` matches. */
  readonly read: (spec: ArchitectureSpec) => readonly (DecisionOption | undefined)[];
  /** The spec (to be checked by `checkSpec`) for one value per decision, on a caller's base spec. */
  readonly build: (values: readonly DecisionOption[], base: ArchitectureSpec) => unknown;
  /** A key equal for choices that build the same network (options that have no effect normalised away). */
  readonly networkKey?: (spec: ArchitectureSpec) => string;
}

export type DecodeResult =
  { readonly ok: true; readonly spec: ArchitectureSpec } | { readonly ok: false; readonly issues: readonly string[] };

export interface EncodeResult {
  readonly choices: Choices;
  /** False when some decision had no option equal to the spec's value and took the nearest one. */
  readonly exact: boolean;
}

/** Attempts before sampling or mutating gives up on a space that keeps producing invalid specs. */
const MAX_ATTEMPTS = 1000;

/**
 * A discrete architecture search space. An architecture is the index of one option per decision
 * (`Choices`); `decode` turns it into an `ArchitectureSpec` and `checkSpec` has the last word, so a
 * combination the detector cannot be built from is rejected (and resampled) before any trial is
 * spent on it.
 */
export class SearchSpace {
  readonly decisions: readonly SearchDecision[];
  /** The number of architectures the choices can name (valid or not). */
  readonly size: number;

  constructor(private readonly definition: SearchSpaceDefinition) {
    if (definition.decisions.length === 0)
      throw new SearchError(SearchErrorCodes.invalidSettings, 'a search space needs at least one decision');
    for (const decision of definition.decisions) {
      if (decision.options.length === 0) {
        throw new SearchError(SearchErrorCodes.invalidSettings, `decision ${decision.name} has no options`);
      }
    }
    this.decisions = definition.decisions;
    this.size = definition.decisions.reduce((product, decision) => product * decision.options.length, 1);
  }

  /** Why `choices` do not index this space, or an empty list. */
  choiceIssues(choices: unknown): string[] {
    if (!Array.isArray(choices)) return ['choices must be a list of option indices'];
    if (choices.length !== this.decisions.length) {
      return [`choices has ${choices.length} entries, the space has ${this.decisions.length} decisions`];
    }
    const issues: string[] = [];
    choices.forEach((choice: unknown, i) => {
      const decision = this.decisions[i] as SearchDecision;
      if (typeof choice !== 'number' || !Number.isInteger(choice) || choice < 0 || choice >= decision.options.length) {
        issues.push(`${decision.name} must be an option index from 0 to ${decision.options.length - 1}, got ${JSON.stringify(choice)}`);
      }
    });
    return issues;
  }

  /** The spec the choices name on `base` (its channels, classes, head style and name prefix), or why there is none. */
  decode(choices: Choices, base: ArchitectureSpec): DecodeResult {
    const issues = this.choiceIssues(choices);
    if (issues.length > 0) return { ok: false, issues };
    const values = choices.map((choice, i) => (this.decisions[i] as SearchDecision).options[choice] as DecisionOption);
    const checked = checkSpec(this.definition.build(values, base));
    if (!checked.success) return { ok: false, issues: checked.issues };
    return { ok: true, spec: { ...checked.spec, name: architectureName(base.name, this.networkKeyOf(checked.spec)) } };
  }

  /** `decode`, throwing `search.invalid-choices` when the choices name no valid spec. */
  decodeOrThrow(choices: Choices, base: ArchitectureSpec): ArchitectureSpec {
    const decoded = this.decode(choices, base);
    if (!decoded.ok)
      throw new SearchError(SearchErrorCodes.invalidChoices, `choices name no valid architecture: ${decoded.issues.join('; ')}`, {
        issues: decoded.issues,
      });
    return decoded.spec;
  }

  /** The point of the space for a spec: each decision's option equal to the spec's value, else the nearest. */
  encode(spec: ArchitectureSpec): EncodeResult {
    const values = this.definition.read(spec);
    let exact = true;
    const choices = this.decisions.map((decision, i) => {
      const index = nearestOption(decision.options, values[i]);
      if (!index.exact) exact = false;
      return index.index;
    });
    return { choices, exact };
  }

  /** A key equal for any two choices that build the same network (e.g. the block type of a stage without blocks). */
  networkKey(choices: Choices, base: ArchitectureSpec): string {
    return this.networkKeyOf(this.decodeOrThrow(choices, base));
  }

  /** Uniform over each decision's options; a combination that fails `checkSpec` is drawn again. */
  sample(rng: SeededRandom, base: ArchitectureSpec): Choices {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const choices = this.decisions.map((decision) => rng.int(0, decision.options.length - 1));
      if (this.decode(choices, base).ok) return choices;
    }
    throw new SearchError(
      SearchErrorCodes.spaceExhausted,
      `no valid architecture in ${MAX_ATTEMPTS} samples of the space on base spec ${base.name}`,
    );
  }

  /**
   * One decision changed to a different option (Real et al.'s mutation). The child must be valid and
   * a different network from its parent: a change with no effect (the neck width when there is no
   * neck) would spend a trial on an architecture already measured.
   */
  mutate(choices: Choices, rng: SeededRandom, base: ArchitectureSpec): Choices {
    const parentKey = this.networkKey(choices, base);
    const mutable = this.decisions.map((decision, i) => i).filter((i) => (this.decisions[i] as SearchDecision).options.length > 1);
    if (mutable.length === 0)
      throw new SearchError(SearchErrorCodes.spaceExhausted, 'no decision of the space has a second option to mutate to');
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const i = rng.pick(mutable);
      const count = (this.decisions[i] as SearchDecision).options.length;
      const current = choices[i] as number;
      // A different option, uniformly: draw among count − 1 and skip over the current one.
      const drawn = rng.int(0, count - 2);
      const child = [...choices];
      child[i] = drawn >= current ? drawn + 1 : drawn;
      const decoded = this.decode(child, base);
      if (decoded.ok && this.networkKeyOf(decoded.spec) !== parentKey) return child;
    }
    throw new SearchError(
      SearchErrorCodes.spaceExhausted,
      `no valid, different neighbour of the architecture in ${MAX_ATTEMPTS} mutations`,
    );
  }

  private networkKeyOf(spec: ArchitectureSpec): string {
    return this.definition.networkKey ? this.definition.networkKey(spec) : JSON.stringify({ ...spec, name: '' });
  }
}

/** `<base>-<8 hex digits of the network>`: the same architecture is always named the same. */
function architectureName(baseName: string, networkKey: string): string {
  const suffix = `-${hashStringWithSeed(networkKey, 0).toString(16).padStart(8, '0')}`;
  return `${baseName.slice(0, 128 - suffix.length)}${suffix}`;
}

function nearestOption(options: readonly DecisionOption[], value: DecisionOption | undefined): { index: number; exact: boolean } {
  const exact = options.findIndex((option) => JSON.stringify(option) === JSON.stringify(value));
  if (exact >= 0) return { index: exact, exact: true };
  if (typeof value === 'number') {
    let best = 0;
    options.forEach((option, i) => {
      if (typeof option === 'number' && Math.abs(option - value) < Math.abs((options[best] as number) - value)) best = i;
    });
    return { index: typeof options[best] === 'number' ? best : 0, exact: false };
  }
  if (Array.isArray(value)) {
    // Lists (head strides): the option sharing the most entries, then the one of the closest length.
    let best = 0;
    let bestScore = -Infinity;
    options.forEach((option, i) => {
      if (!Array.isArray(option)) return;
      const shared = option.filter((entry) => value.includes(entry)).length;
      const score = shared * 100 - Math.abs(option.length - value.length);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    return { index: best, exact: false };
  }
  return { index: 0, exact: false };
}
