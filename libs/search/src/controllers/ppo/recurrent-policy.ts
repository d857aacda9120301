import type { SeededRandom } from '@argus/vision';
import type { Choices } from '../../search.types';

/** The policy's shape: one softmax head per decision, sized to its options. */
export interface RecurrentPolicyShape {
  readonly optionCounts: readonly number[];
  readonly hidden: number;
  readonly embedding: number;
}

export interface EpisodeScore {
  /** Σ over decisions of log π(choice | previous choices). */
  readonly logProb: number;
  /** Σ over decisions of the entropy of that decision's distribution (along the episode's choices). */
  readonly entropy: number;
}

interface Layout {
  readonly embeddingRows: number;
  readonly rowOffset: readonly number[];
  readonly wx: number;
  readonly wh: number;
  readonly b: number;
  readonly heads: readonly { readonly v: number; readonly c: number; readonly n: number }[];
  readonly size: number;
}

function layoutOf(shape: RecurrentPolicyShape): Layout {
  const { optionCounts, hidden: h, embedding: d } = shape;
  // Row 0 of the embedding is the start token; then one row per (decision, option).
  const rowOffset: number[] = [];
  let rows = 1;
  for (const n of optionCounts) {
    rowOffset.push(rows);
    rows += n;
  }
  let at = rows * d;
  const wx = at;
  at += h * d;
  const wh = at;
  at += h * h;
  const b = at;
  at += h;
  const heads = optionCounts.map((n) => {
    const v = at;
    at += n * h;
    const c = at;
    at += n;
    return { v, c, n };
  });
  return { embeddingRows: rows, rowOffset, wx, wh, b, heads, size: at };
}

/**
 * The PPO controller's policy: an Elman recurrent network that emits one decision at a time
 * (Zoph & Le's and MnasNet's autoregressive controller, with an Elman cell instead of an LSTM to
 * keep the hand-written backpropagation short). Step t reads the embedding of decision t−1's chosen
 * option (a start token at t = 0), updates `h_t = tanh(Wx·x_t + Wh·h_{t−1} + b)`, and decision t's
 * own head gives logits `V_t·h_t + c_t` over exactly that decision's options, so no option of another
 * decision can be drawn. All parameters live in one flat Float64Array (JSON as base64, exact).
 */
export class RecurrentPolicy {
  readonly params: Float64Array;
  private readonly layout: Layout;

  constructor(
    readonly shape: RecurrentPolicyShape,
    params?: Float64Array,
  ) {
    this.layout = layoutOf(shape);
    if (params && params.length !== this.layout.size)
      throw new RangeError(`the policy has ${this.layout.size} parameters, got ${params.length}`);
    this.params = params ?? new Float64Array(this.layout.size);
  }

  static parameterCount(shape: RecurrentPolicyShape): number {
    return layoutOf(shape).size;
  }

  /** Small uniform weights (±1/√fan-in), zero biases and output heads near uniform. */
  static initialise(shape: RecurrentPolicyShape, rng: SeededRandom): RecurrentPolicy {
    const policy = new RecurrentPolicy(shape);
    const { params } = policy;
    const l = policy.layout;
    const fill = (from: number, count: number, scale: number) => {
      for (let i = 0; i < count; i++) params[from + i] = rng.uniform(-scale, scale);
    };
    fill(0, l.embeddingRows * shape.embedding, 1);
    fill(l.wx, shape.hidden * shape.embedding, 1 / Math.sqrt(shape.embedding));
    fill(l.wh, shape.hidden * shape.hidden, 1 / Math.sqrt(shape.hidden));
    // Heads start near zero so that the first proposals are close to uniform over each decision.
    for (const head of l.heads) fill(head.v, head.n * shape.hidden, 0.01);
    return policy;
  }

  /** Draws an episode from the policy. */
  sample(rng: SeededRandom): { choices: number[] } & EpisodeScore {
    const choices: number[] = [];
    const score = this.run((t, probs) => {
      // Inverse-CDF draw; the last option takes any rounding remainder.
      const u = rng.next();
      let acc = 0;
      let chosen = probs.length - 1;
      for (let j = 0; j < probs.length; j++) {
        acc += probs[j] as number;
        if (u < acc) {
          chosen = j;
          break;
        }
      }
      choices.push(chosen);
      return chosen;
    });
    return { choices, ...score.score };
  }

  /** The log-probability and entropy of a given episode. */
  score(choices: Choices): EpisodeScore {
    return this.run((t) => choices[t] as number).score;
  }

  /**
   * The gradient of `J = gLogProb · logProb + gEntropy · entropy` for one episode, added into `into`
   * (backpropagation through time).
   */
  accumulateGradient(choices: Choices, gLogProb: number, gEntropy: number, into: Float64Array): EpisodeScore {
    const { hidden: H, embedding: D } = this.shape;
    const l = this.layout;
    const p = this.params;
    const { score, trace } = this.run((t) => choices[t] as number);
    let dhNext = new Float64Array(H);
    for (let t = trace.length - 1; t >= 0; t--) {
      const step = trace[t] as StepTrace;
      const head = l.heads[t] as Layout['heads'][number];
      // d/dz of log p[a] is onehot(a) − p; of the entropy −Σ p log p it is −p_j (log p_j + H_t).
      const dz = new Float64Array(head.n);
      for (let j = 0; j < head.n; j++) {
        const pj = step.probs[j] as number;
        const logPj = Math.log(Math.max(pj, 1e-300));
        dz[j] = gLogProb * ((j === step.action ? 1 : 0) - pj) + gEntropy * -pj * (logPj + step.entropy);
      }
      const dh = dhNext;
      for (let j = 0; j < head.n; j++) {
        const g = dz[j] as number;
        if (g === 0) continue;
        into[head.c + j] = (into[head.c + j] as number) + g;
        const row = head.v + j * H;
        for (let k = 0; k < H; k++) {
          into[row + k] = (into[row + k] as number) + g * (step.h[k] as number);
          dh[k] = (dh[k] as number) + g * (p[row + k] as number);
        }
      }
      // Through tanh.
      const da = new Float64Array(H);
      for (let k = 0; k < H; k++) da[k] = (dh[k] as number) * (1 - (step.h[k] as number) ** 2);
      const dhPrev = new Float64Array(H);
      const dx = new Float64Array(D);
      for (let k = 0; k < H; k++) {
        const g = da[k] as number;
        into[l.b + k] = (into[l.b + k] as number) + g;
        const wxRow = l.wx + k * D;
        for (let i = 0; i < D; i++) {
          into[wxRow + i] = (into[wxRow + i] as number) + g * (step.x[i] as number);
          dx[i] = (dx[i] as number) + g * (p[wxRow + i] as number);
        }
        const whRow = l.wh + k * H;
        for (let i = 0; i < H; i++) {
          into[whRow + i] = (into[whRow + i] as number) + g * (step.hPrev[i] as number);
          dhPrev[i] = (dhPrev[i] as number) + g * (p[whRow + i] as number);
        }
      }
      const embRow = step.inputRow * D;
      for (let i = 0; i < D; i++) into[embRow + i] = (into[embRow + i] as number) + (dx[i] as number);
      dhNext = dhPrev;
    }
    return score;
  }

  private run(choose: (t: number, probs: Float64Array) => number): { score: EpisodeScore; trace: StepTrace[] } {
    const { hidden: H, embedding: D, optionCounts } = this.shape;
    const l = this.layout;
    const p = this.params;
    let hPrev = new Float64Array(H);
    let inputRow = 0;
    let logProb = 0;
    let entropy = 0;
    const trace: StepTrace[] = [];
    for (let t = 0; t < optionCounts.length; t++) {
      const x = p.subarray(inputRow * D, inputRow * D + D);
      const h = new Float64Array(H);
      for (let k = 0; k < H; k++) {
        let a = p[l.b + k] as number;
        const wxRow = l.wx + k * D;
        for (let i = 0; i < D; i++) a += (p[wxRow + i] as number) * (x[i] as number);
        const whRow = l.wh + k * H;
        for (let i = 0; i < H; i++) a += (p[whRow + i] as number) * (hPrev[i] as number);
        h[k] = Math.tanh(a);
      }
      const head = l.heads[t] as Layout['heads'][number];
      const logits = new Float64Array(head.n);
      let max = -Infinity;
      for (let j = 0; j < head.n; j++) {
        let z = p[head.c + j] as number;
        const row = head.v + j * H;
        for (let k = 0; k < H; k++) z += (p[row + k] as number) * (h[k] as number);
        logits[j] = z;
        max = Math.max(max, z);
      }
      let sum = 0;
      for (let j = 0; j < head.n; j++) sum += Math.exp((logits[j] as number) - max);
      const logSum = max + Math.log(sum);
      const probs = new Float64Array(head.n);
      let stepEntropy = 0;
      for (let j = 0; j < head.n; j++) {
        const logPj = (logits[j] as number) - logSum;
        probs[j] = Math.exp(logPj);
        stepEntropy -= (probs[j] as number) * logPj;
      }
      const action = choose(t, probs);
      if (!(Number.isInteger(action) && action >= 0 && action < head.n))
        throw new RangeError(`decision ${t} has ${head.n} options, got choice ${action}`);
      logProb += (logits[action] as number) - logSum;
      entropy += stepEntropy;
      trace.push({ x: Float64Array.from(x), hPrev, h, probs, action, entropy: stepEntropy, inputRow });
      hPrev = h;
      inputRow = (l.rowOffset[t] as number) + action;
    }
    return { score: { logProb, entropy }, trace };
  }
}

interface StepTrace {
  readonly x: Float64Array;
  readonly hPrev: Float64Array;
  readonly h: Float64Array;
  readonly probs: Float64Array;
  readonly action: number;
  readonly entropy: number;
  readonly inputRow: number;
}
