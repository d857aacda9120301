import { SeededRandom, defaultSpec } from '@argus/vision';
import { detectorSearchSpace } from '../../space/detector-search.space';
import type { Choices } from '../../search.types';
import { RandomController } from '../random.controller';
import type { ControllerContext, SearchController } from '../search.controller';
import { PpoController } from './ppo.controller';
import { ppoClippedLoss } from './ppo.loss';
import { RecurrentPolicy } from './recurrent-policy';

describe("PPO's clipped loss", () => {
  const eps = 0.2;
  const at = (ratio: number, advantage: number) => ppoClippedLoss(Math.log(ratio), 0, advantage, eps);

  it('inside the clip: −ρ·A, gradient −ρ·A', () => {
    const r = at(1.1, 2);
    expect(r.ratio).toBeCloseTo(1.1, 12);
    expect(r.loss).toBeCloseTo(-2.2, 12);
    expect(r.dLossDLogProb).toBeCloseTo(-2.2, 12);
    const n = at(0.9, -1);
    expect(n.loss).toBeCloseTo(0.9, 12);
    expect(n.dLossDLogProb).toBeCloseTo(0.9, 12);
  });

  it('positive advantage above 1+ε: clipped at −1.2·A, no gradient', () => {
    const r = at(1.5, 2);
    expect(r.loss).toBeCloseTo(-2.4, 12);
    expect(r.dLossDLogProb).toBe(0);
  });

  it('positive advantage below 1−ε: the unclipped term is the minimum, the gradient stays', () => {
    const r = at(0.5, 2);
    expect(r.loss).toBeCloseTo(-1, 12);
    expect(r.dLossDLogProb).toBeCloseTo(-1, 12);
  });

  it('negative advantage below 1−ε: clipped at −0.8·A, no gradient', () => {
    const r = at(0.5, -1);
    expect(r.loss).toBeCloseTo(0.8, 12);
    expect(r.dLossDLogProb).toBe(0);
  });

  it('negative advantage above 1+ε: the unclipped term, the gradient stays', () => {
    const r = at(1.5, -1);
    expect(r.loss).toBeCloseTo(1.5, 12);
    expect(r.dLossDLogProb).toBeCloseTo(1.5, 12);
  });

  it('its gradient is the derivative of its loss (finite differences, away from the clip edges)', () => {
    for (const [ratio, advantage] of [
      [1.1, 2],
      [0.5, 2],
      [1.5, 2],
      [0.5, -1],
      [1.5, -1],
      [0.95, -0.3],
    ] as const) {
      const h = 1e-6;
      const numeric =
        (ppoClippedLoss(Math.log(ratio) + h, 0, advantage, eps).loss - ppoClippedLoss(Math.log(ratio) - h, 0, advantage, eps).loss) /
        (2 * h);
      expect(at(ratio, advantage).dLossDLogProb).toBeCloseTo(numeric, 6);
    }
  });
});

describe('the recurrent policy', () => {
  const shape = { optionCounts: [2, 3, 4, 2], hidden: 5, embedding: 3 };

  it('backpropagates exactly: the gradient of a·logProb + b·entropy matches finite differences for every parameter', () => {
    const policy = RecurrentPolicy.initialise(shape, new SeededRandom(4));
    // Larger head weights than at initialisation, so that the distributions are far from uniform.
    const rng = new SeededRandom(9);
    for (let i = 0; i < policy.params.length; i++) policy.params[i] = rng.uniform(-1, 1);
    const choices = [1, 2, 0, 1];
    const [a, b] = [0.7, -0.3];
    const objective = () => {
      const s = policy.score(choices);
      return a * s.logProb + b * s.entropy;
    };
    const gradient = new Float64Array(policy.params.length);
    policy.accumulateGradient(choices, a, b, gradient);
    const h = 1e-6;
    let worst = 0;
    for (let i = 0; i < policy.params.length; i++) {
      const saved = policy.params[i] as number;
      policy.params[i] = saved + h;
      const up = objective();
      policy.params[i] = saved - h;
      const down = objective();
      policy.params[i] = saved;
      worst = Math.max(worst, Math.abs((up - down) / (2 * h) - (gradient[i] as number)));
    }
    expect(worst).toBeLessThan(1e-7);
    expect(RecurrentPolicy.parameterCount(shape)).toBe((1 + 11) * 3 + 5 * 3 + 5 * 5 + 5 + 11 * 5 + 11);
  });

  it('samples each decision among its own options, and scores what it samples', () => {
    const policy = RecurrentPolicy.initialise(shape, new SeededRandom(1));
    const rng = new SeededRandom(2);
    for (let i = 0; i < 50; i++) {
      const episode = policy.sample(rng);
      episode.choices.forEach((choice, d) => expect(choice).toBeLessThan(shape.optionCounts[d] as number));
      expect(policy.score(episode.choices).logProb).toBeCloseTo(episode.logProb, 12);
    }
  });
});

describe('the PPO controller', () => {
  const base = defaultSpec('pcb');
  const space = detectorSearchSpace();
  const context = (seed: number): ControllerContext => ({ space, base, seed });
  // A synthetic task: the share of decisions equal to a hidden target architecture.
  const target = space.sample(new SeededRandom(99), base);
  const reward = (choices: Choices) => choices.filter((c, i) => c === target[i]).length / target.length;

  /** Runs episodes with `parallel` proposals outstanding, observed oldest-last, and returns the rewards in observation order. */
  function run(controller: SearchController, episodes: number, parallel: number): number[] {
    const rewards: number[] = [];
    const outstanding = Array.from({ length: parallel }, () => controller.propose());
    for (let i = 0; i < episodes; i++) {
      // Observations out of proposal order: the newest outstanding one finishes first.
      const proposal = outstanding.pop();
      if (!proposal) throw new Error('no proposal outstanding');
      const r = reward(proposal.choices);
      controller.observe(proposal, r);
      rewards.push(r);
      outstanding.unshift(controller.propose());
    }
    return rewards;
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('learns: its mean reward over its last 80 episodes beats random search’s', () => {
    const ppo = run(PpoController.create(context(1)), 320, 2);
    const random = run(RandomController.create(context(1)), 320, 2);
    const ppoLate = mean(ppo.slice(-80));
    const randomLate = mean(random.slice(-80));
    expect(ppoLate).toBeGreaterThan(randomLate + 0.15);
    expect(ppoLate).toBeGreaterThan(mean(ppo.slice(0, 80)));
  });

  it('keeps the proposal-time log-probability in the meta, and its update lowers its loss', () => {
    const controller = PpoController.create(context(2));
    const proposal = controller.propose();
    expect(proposal.meta).toEqual({ logProb: controller.logProbability(proposal.choices) });
    run(controller, 8, 1);
    const report = controller.lastUpdateReport();
    expect(report?.episodes).toBe(8);
    expect(report && report.lossAfter).toBeLessThan(report?.lossBefore ?? -Infinity);
  });

  it('is seeded, and restores from its state to continue exactly', () => {
    const a = PpoController.create(context(3));
    const b = PpoController.create(context(3));
    expect(run(a, 13, 3)).toEqual(run(b, 13, 3));
    const restored = PpoController.restore(context(3), JSON.parse(JSON.stringify(a.state())));
    expect(restored.state()).toEqual(a.state());
    const [fromOriginal, fromRestored] = [a.propose(), restored.propose()];
    expect(fromRestored).toEqual(fromOriginal);
    a.observe(fromOriginal, 0.5);
    restored.observe(fromRestored, 0.5);
    expect(run(a, 20, 2)).toEqual(run(restored, 20, 2));
    expect(restored.state()).toEqual(a.state());
  });

  it('refuses a proposal without its log-probability and a reward that is not a number', () => {
    const controller = PpoController.create(context(4));
    const proposal = controller.propose();
    expect(() => controller.observe({ ...proposal, meta: null }, 1)).toThrow(/log-probability/);
    expect(() => controller.observe(proposal, Number.NaN)).toThrow(/finite number/);
    expect(() => PpoController.restore(context(4), { kind: 'ppo' })).toThrow(/not a PPO controller's state/);
  });
});
