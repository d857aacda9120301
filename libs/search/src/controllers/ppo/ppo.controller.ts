import { z } from 'zod';
import { seededStream } from '../../space/seeded-stream';
import { SearchError, SearchErrorCodes } from '../../search.errors';
import type { Choices } from '../../search.types';
import { assertObservation, ChoicesSchema, parseState } from '../controller-state';
import type { ControllerContext, JsonValue, Proposal, SearchController } from '../search.controller';
import { adamState, adamStep, type AdamState } from './adam.optimizer';
import { ppoClippedLoss } from './ppo.loss';
import { RecurrentPolicy } from './recurrent-policy';

export interface PpoOptions {
  /** The recurrent cell's width. */
  readonly hidden: number;
  /** The width of a chosen option's embedding (the next step's input). */
  readonly embedding: number;
  /** Episodes (observed rewards) per policy update. */
  readonly batchSize: number;
  /** Adam steps over each batch (full-batch gradient per step). */
  readonly epochs: number;
  readonly learningRate: number;
  /** ε of the clipped objective. */
  readonly clip: number;
  /** Weight of the entropy bonus (the sum of the per-decision entropies along the episode). */
  readonly entropyWeight: number;
  /** Decay of the reward's exponential moving average, the advantage's baseline. */
  readonly baselineDecay: number;
}

/** PPO's usual ε 0.2 and a few epochs per batch; a small batch because a search runs tens to hundreds of trials. */
export const DEFAULT_PPO_OPTIONS: PpoOptions = {
  hidden: 32,
  embedding: 16,
  batchSize: 8,
  epochs: 4,
  learningRate: 0.01,
  clip: 0.2,
  entropyWeight: 0.005,
  baselineDecay: 0.9,
};

const PpoOptionsSchema = z.strictObject({
  hidden: z.number().int().min(1).max(512),
  embedding: z.number().int().min(1).max(512),
  batchSize: z.number().int().min(1),
  epochs: z.number().int().min(1),
  learningRate: z.number().positive(),
  clip: z.number().positive().lt(1),
  entropyWeight: z.number().min(0),
  baselineDecay: z.number().min(0).lt(1),
});

const Float64Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

const PpoStateSchema = z.strictObject({
  kind: z.literal('ppo'),
  options: PpoOptionsSchema,
  proposed: z.number().int().min(0),
  observed: z.number().int().min(0),
  updates: z.number().int().min(0),
  baseline: z.number().nullable(),
  /** The policy's parameters and Adam's moments, each a Float64Array as base64 (exact). */
  params: Float64Base64,
  adam: z.strictObject({ m: Float64Base64, v: Float64Base64, step: z.number().int().min(0) }),
  /** Observed episodes waiting for the batch to fill. */
  buffer: z.array(z.strictObject({ choices: ChoicesSchema, oldLogProb: z.number(), reward: z.number() })),
});

const PpoMetaSchema = z.strictObject({ logProb: z.number() });

interface Episode {
  readonly choices: Choices;
  readonly oldLogProb: number;
  readonly reward: number;
}

/** What one policy update did, for tests and logs. */
export interface PpoUpdateReport {
  readonly episodes: number;
  readonly meanReward: number;
  readonly baseline: number;
  readonly lossBefore: number;
  readonly lossAfter: number;
}

/**
 * The PPO controller (Schulman et al. 2017; MnasNet, Tan et al. 2019, trained its controller with
 * PPO): the recurrent policy samples an architecture decision by decision, its log-probability is
 * kept in the proposal's meta as the "old policy", and once `batchSize` rewards were observed (in any
 * order, possibly from proposals made before the last update) the policy takes `epochs` Adam steps on
 * the clipped surrogate loss with an entropy bonus. Advantage = reward − the rewards' exponential
 * moving average (seeded by the first batch's mean), scaled to unit root mean square in the batch.
 */
export class PpoController implements SearchController {
  readonly kind = 'ppo' as const;
  private lastUpdate: PpoUpdateReport | null = null;

  private constructor(
    private readonly context: ControllerContext,
    private readonly options: PpoOptions,
    private readonly policy: RecurrentPolicy,
    private readonly adam: AdamState,
    private proposed: number,
    private observed: number,
    private updates: number,
    private baseline: number | null,
    private buffer: Episode[],
  ) {}

  static create(context: ControllerContext, options: PpoOptions = DEFAULT_PPO_OPTIONS): PpoController {
    const parsed = PpoOptionsSchema.safeParse(options);
    if (!parsed.success) throw new SearchError(SearchErrorCodes.invalidSettings, `invalid PPO options: ${z.prettifyError(parsed.error)}`);
    const shape = PpoController.shapeOf(context, parsed.data);
    const policy = RecurrentPolicy.initialise(shape, seededStream(context.seed, 'ppo.initialise', 0));
    return new PpoController(context, parsed.data, policy, adamState(policy.params.length), 0, 0, 0, null, []);
  }

  static restore(context: ControllerContext, state: unknown): PpoController {
    const parsed = parseState(PpoStateSchema, state, "a PPO controller's state");
    const shape = PpoController.shapeOf(context, parsed.options);
    const size = RecurrentPolicy.parameterCount(shape);
    const params = fromBase64(parsed.params);
    const m = fromBase64(parsed.adam.m);
    const v = fromBase64(parsed.adam.v);
    if (params.length !== size || m.length !== size || v.length !== size) {
      throw new SearchError(
        SearchErrorCodes.invalidState,
        `the PPO state holds ${params.length} parameters, this space's policy has ${size}`,
      );
    }
    return new PpoController(
      context,
      parsed.options,
      new RecurrentPolicy(shape, params),
      { m, v, step: parsed.adam.step },
      parsed.proposed,
      parsed.observed,
      parsed.updates,
      parsed.baseline,
      parsed.buffer,
    );
  }

  private static shapeOf(context: ControllerContext, options: PpoOptions) {
    return { optionCounts: context.space.decisions.map((d) => d.options.length), hidden: options.hidden, embedding: options.embedding };
  }

  /** Samples from the current policy; an episode that decodes to no valid spec is drawn again. */
  propose(): Proposal {
    const rng = seededStream(this.context.seed, 'ppo.propose', this.proposed++);
    for (let attempt = 0; attempt < 1000; attempt++) {
      const episode = this.policy.sample(rng);
      if (this.context.space.decode(episode.choices, this.context.base).ok)
        return { choices: episode.choices, meta: { logProb: episode.logProb } };
    }
    throw new SearchError(SearchErrorCodes.spaceExhausted, 'the PPO policy drew no valid architecture in 1000 episodes');
  }

  observe(proposal: Proposal, reward: number): void {
    assertObservation(this.context, proposal, reward);
    const meta = PpoMetaSchema.safeParse(proposal.meta);
    if (!meta.success)
      throw new SearchError(
        SearchErrorCodes.invalidState,
        `a PPO proposal's meta must hold its log-probability: ${z.prettifyError(meta.error)}`,
      );
    this.buffer.push({ choices: [...proposal.choices], oldLogProb: meta.data.logProb, reward });
    this.observed++;
    if (this.buffer.length >= this.options.batchSize) this.update();
  }

  /** What the last policy update did (null before the first, and after a restore). */
  lastUpdateReport(): PpoUpdateReport | null {
    return this.lastUpdate;
  }

  /** The current policy's log-probability of an architecture. */
  logProbability(choices: Choices): number {
    return this.policy.score(choices).logProb;
  }

  state(): JsonValue {
    return {
      kind: this.kind,
      options: { ...this.options },
      proposed: this.proposed,
      observed: this.observed,
      updates: this.updates,
      baseline: this.baseline,
      params: toBase64(this.policy.params),
      adam: { m: toBase64(this.adam.m), v: toBase64(this.adam.v), step: this.adam.step },
      buffer: this.buffer.map((e) => ({ choices: [...e.choices], oldLogProb: e.oldLogProb, reward: e.reward })),
    };
  }

  private update(): void {
    const batch = this.buffer;
    this.buffer = [];
    const rewards = batch.map((e) => e.reward);
    const meanReward = rewards.reduce((a, b) => a + b, 0) / rewards.length;
    const baseline = this.baseline ?? meanReward;
    const raw = rewards.map((r) => r - baseline);
    const rms = Math.sqrt(raw.reduce((a, b) => a + b * b, 0) / raw.length);
    const advantages = raw.map((a) => (rms > 1e-12 ? a / rms : 0));
    const { clip, entropyWeight, epochs, learningRate, baselineDecay } = this.options;
    const n = batch.length;
    const lossOf = () =>
      batch.reduce((sum, e, i) => {
        const score = this.policy.score(e.choices);
        return sum + (ppoClippedLoss(score.logProb, e.oldLogProb, advantages[i] as number, clip).loss - entropyWeight * score.entropy) / n;
      }, 0);
    const lossBefore = lossOf();
    const gradient = new Float64Array(this.policy.params.length);
    for (let epoch = 0; epoch < epochs; epoch++) {
      gradient.fill(0);
      batch.forEach((e, i) => {
        const { logProb } = this.policy.score(e.choices);
        const { dLossDLogProb } = ppoClippedLoss(logProb, e.oldLogProb, advantages[i] as number, clip);
        this.policy.accumulateGradient(e.choices, dLossDLogProb / n, -entropyWeight / n, gradient);
      });
      adamStep(this.policy.params, gradient, this.adam, learningRate);
    }
    let b = baseline;
    for (const r of rewards) b = baselineDecay * b + (1 - baselineDecay) * r;
    this.baseline = b;
    this.updates++;
    this.lastUpdate = { episodes: n, meanReward, baseline, lossBefore, lossAfter: lossOf() };
  }
}

function toBase64(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

function fromBase64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 8 !== 0)
    throw new SearchError(SearchErrorCodes.invalidState, 'a stored parameter array is not a whole number of float64 values');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}
