import { SeededRandom, defaultSpec } from '@argus/vision';
import { detectorSearchSpace } from '../space/detector-search.space';
import { EvolutionController } from './evolution.controller';
import { RandomController } from './random.controller';
import type { ControllerContext, Proposal } from './search.controller';
import { createController, restoreController } from './search-controller.factory';

const base = defaultSpec('pcb');
const space = detectorSearchSpace();
const context = (seed: number): ControllerContext => ({ space, base, seed });

describe('random search', () => {
  it('proposes valid architectures, the same for the same seed, and restores', () => {
    const a = RandomController.create(context(1));
    const proposals = Array.from({ length: 20 }, () => a.propose());
    for (const p of proposals) expect(space.decode(p.choices, base).ok).toBe(true);
    const b = RandomController.create(context(1));
    expect(Array.from({ length: 20 }, () => b.propose())).toEqual(proposals);
    const restored = restoreController(context(1), JSON.parse(JSON.stringify(a.state())));
    expect(restored.propose()).toEqual(a.propose());
    expect(RandomController.create(context(2)).propose()).not.toEqual(RandomController.create(context(1)).propose());
  });
});

describe('regularized evolution', () => {
  it('proposes random architectures until the population is full, then mutants of tournament winners', () => {
    const controller = EvolutionController.create(context(3), { populationSize: 4, sampleSize: 2 });
    const first = Array.from({ length: 4 }, () => controller.propose());
    first.forEach((p, i) => controller.observe(p, i / 10));
    expect(controller.members().map((m) => m.reward)).toEqual([0, 0.1, 0.2, 0.3]);
    for (let i = 0; i < 20; i++) {
      const child = controller.propose();
      // One decision away from some member of the population.
      const parents = controller.members().filter((m) => m.choices.filter((c, d) => c !== child.choices[d]).length === 1);
      expect(parents.length).toBeGreaterThan(0);
    }
  });

  it('ages: the oldest member leaves even when it is the best', () => {
    const controller = EvolutionController.create(context(4), { populationSize: 3, sampleSize: 3 });
    const proposals = Array.from({ length: 3 }, () => controller.propose());
    controller.observe(proposals[0] as Proposal, 0.99); // the best, and the oldest
    controller.observe(proposals[1] as Proposal, 0.2);
    controller.observe(proposals[2] as Proposal, 0.3);
    const newcomer = controller.propose();
    controller.observe(newcomer, 0.1); // the worst joins …
    const rewards = controller.members().map((m) => m.reward);
    expect(rewards).toEqual([0.2, 0.3, 0.1]); // … and the best, being oldest, is gone
    expect(controller.members()[2]?.choices).toEqual(newcomer.choices);
  });

  it('mutates the best of the tournament sample', () => {
    // S = P: the tournament sees (with replacement, so almost surely) the best member.
    const controller = EvolutionController.create(context(5), { populationSize: 2, sampleSize: 16 });
    const [weak, strong] = [controller.propose(), controller.propose()];
    controller.observe(weak, 0.1);
    controller.observe(strong, 0.9);
    for (let i = 0; i < 10; i++) {
      const child = controller.propose();
      expect(child.choices.filter((c, d) => c !== strong.choices[d])).toHaveLength(1);
    }
  });

  it('is seeded and restores from its state to continue exactly, with proposals outstanding', () => {
    const drive = (controller: ReturnType<typeof createController>, n: number, rng: SeededRandom) => {
      const seen: Proposal[] = [];
      const outstanding: Proposal[] = [controller.propose(), controller.propose()];
      for (let i = 0; i < n; i++) {
        const p = outstanding.splice(rng.int(0, outstanding.length - 1), 1)[0] as Proposal;
        controller.observe(p, rng.next());
        seen.push(p);
        outstanding.push(controller.propose());
      }
      return seen;
    };
    const a = createController('evolution', context(6), { evolution: { populationSize: 5, sampleSize: 2 } });
    const b = createController('evolution', context(6), { evolution: { populationSize: 5, sampleSize: 2 } });
    expect(drive(a, 12, new SeededRandom(1))).toEqual(drive(b, 12, new SeededRandom(1)));
    const restored = restoreController(context(6), JSON.parse(JSON.stringify(a.state())));
    expect(drive(restored, 12, new SeededRandom(2))).toEqual(drive(a, 12, new SeededRandom(2)));
  });

  it('refuses options and states it cannot use', () => {
    expect(() => EvolutionController.create(context(1), { populationSize: 0, sampleSize: 2 })).toThrow(/population size/);
    expect(() => restoreController(context(1), { kind: 'evolution', population: 'x' })).toThrow(/not an evolution controller's state/);
    expect(() => restoreController(context(1), { kind: 'annealing' })).toThrow(/must name its kind/);
  });
});
