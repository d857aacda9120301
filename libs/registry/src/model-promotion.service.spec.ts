import { strictMock } from '@argus/platform/testing';
import { Topics } from '@argus/contracts';
import type { PointerMove } from '@argus/persistence';
import { ModelPromotionService, type PromotionStore, type PromotionTransaction } from './model-promotion.service';
import { CandidateGatesFailedError, ModelIncompatibleWithLineError, NoPreviousModelVersionError } from './registry.errors';
import { modelVersion, productionEntry } from './testing/registry.fixtures';

const FROM = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';
const TO = '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';

const { promotion } = productionEntry('6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b', TO, null, {
  fromVersionId: FROM,
  reason: 'better recall',
  promotedAt: new Date('2026-01-02T03:04:05.000Z'),
});
const current = productionEntry('7a1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b', FROM, null, { reason: 'first' });
const target = modelVersion({ id: TO });

/** A store whose `withLineLocked` runs the work on `tx`, recording the calls in order. */
function store(tx: PromotionTransaction, calls: string[]): PromotionStore {
  return strictMock<PromotionStore>('registry', {
    withLineLocked: jest.fn(async (_lineId: string, work: (t: PromotionTransaction) => Promise<unknown>) => {
      calls.push('lock');
      const result = await work(tx);
      calls.push('commit');
      return result;
    }) as PromotionStore['withLineLocked'],
  });
}

function transaction(calls: string[], overrides: Partial<PromotionTransaction['registry']> = {}): PromotionTransaction {
  return {
    registry: strictMock<PromotionTransaction['registry']>('tx.registry', {
      findVersion: jest.fn(async () => target),
      servingRequirements: jest.fn(async () => ({ hasTemplate: false, alertRuleClasses: ['open'] })),
      productionEntry: jest.fn(async () => current),
      movePointer: jest.fn(async (move: PointerMove) => {
        calls.push('movePointer');
        expect(move).toEqual({
          lineId: 'line-1',
          fromVersionId: FROM,
          toVersionId: TO,
          kind: 'promotion',
          promotedBy: 'ana',
          reason: 'better recall',
          previousPromotionId: current.promotion.id,
        });
        return promotion;
      }),
      ...overrides,
    }),
    audit: strictMock<PromotionTransaction['audit']>('tx.audit', {
      append: jest.fn(async (entry) => {
        calls.push('audit');
        return { ...entry, id: '1', before: entry.before ?? null, after: entry.after ?? null, at: new Date(0) };
      }),
    }),
  };
}

describe('ModelPromotionService', () => {
  it('moves the pointer and audits it under the line lock, and publishes model.version.promoted.v1 only after the commit', async () => {
    const calls: string[] = [];
    const tx = transaction(calls);
    const bus = strictMock<ConstructorParameters<typeof ModelPromotionService>[1]>('bus', {
      publish: jest.fn(async () => void calls.push('bus.publish')),
    });
    await new ModelPromotionService(store(tx, calls), bus).promote('line-1', TO, 'ana', 'better recall');
    expect(calls).toEqual(['lock', 'movePointer', 'audit', 'commit', 'bus.publish']);
    expect((tx.audit.append as jest.Mock).mock.calls[0][0]).toEqual({
      actor: 'ana',
      action: 'model.promoted',
      subjectType: 'production_line',
      subjectId: 'line-1',
      before: { modelVersionId: FROM },
      after: { modelVersionId: TO, promotionId: promotion.id, reason: 'better recall' },
    });
    const [topic, message] = (bus.publish as jest.Mock).mock.calls[0];
    expect(topic).toBe(Topics.modelPromoted);
    expect(Topics.modelPromoted.schema.parse(message)).toMatchObject({
      promotionId: promotion.id,
      lineId: 'line-1',
      modelVersionId: promotion.toVersionId,
      previousModelVersionId: promotion.fromVersionId,
      promotedBy: 'ana',
      reason: 'better recall',
      kind: 'promotion',
    });
  });

  it('refuses a candidate that failed its gates unless overridden, and audits the override with its reason', async () => {
    const failed = modelVersion({ id: TO, metrics: { gatesPassed: 0 } });
    const calls: string[] = [];
    const bus = strictMock<ConstructorParameters<typeof ModelPromotionService>[1]>('bus', { publish: jest.fn(async () => undefined) });
    const refused = transaction(calls, { findVersion: jest.fn(async () => failed) });
    await expect(
      new ModelPromotionService(store(refused, calls), bus).promote('line-1', TO, 'ana', 'better recall'),
    ).rejects.toBeInstanceOf(CandidateGatesFailedError);
    expect(calls).not.toContain('movePointer');
    expect(bus.publish).not.toHaveBeenCalled();

    const overridden = transaction(calls, { findVersion: jest.fn(async () => failed) });
    await new ModelPromotionService(store(overridden, calls), bus).promote('line-1', TO, 'ana', 'better recall', {
      gateOverride: { reason: 'latency gate measured on a loaded host' },
    });
    expect((overridden.audit.append as jest.Mock).mock.calls[0][0].after).toEqual({
      modelVersionId: TO,
      promotionId: promotion.id,
      reason: 'better recall',
      gateOverride: { reason: 'latency gate measured on a loaded host' },
    });
    expect(bus.publish).toHaveBeenCalledTimes(1);
  });

  it('writes and publishes nothing when the version is already in production or cannot serve the line', async () => {
    const calls: string[] = [];
    const bus = strictMock<ConstructorParameters<typeof ModelPromotionService>[1]>('bus', { publish: jest.fn() });
    const already = transaction(calls, {
      productionEntry: jest.fn(async () => ({ promotion, previousPromotionId: current.promotion.id })),
    });
    await expect(new ModelPromotionService(store(already, calls), bus).promote('line-1', TO, 'ana', 'again')).resolves.toEqual({
      promotion,
      changed: false,
    });
    const incompatible = transaction(calls, {
      servingRequirements: jest.fn(async () => ({ hasTemplate: false, alertRuleClasses: ['scratch'] })),
    });
    await expect(new ModelPromotionService(store(incompatible, calls), bus).promote('line-1', TO, 'ana', 'x')).rejects.toBeInstanceOf(
      ModelIncompatibleWithLineError,
    );
    expect(calls).not.toContain('movePointer');
    expect(bus.publish).not.toHaveBeenCalled();
  });

  it('refuses a rollback from a line’s first production model, publishing nothing', async () => {
    const calls: string[] = [];
    const bus = strictMock<ConstructorParameters<typeof ModelPromotionService>[1]>('bus', { publish: jest.fn() });
    await expect(new ModelPromotionService(store(transaction(calls), calls), bus).rollback('line-1', 'ana', 'oops')).rejects.toBeInstanceOf(
      NoPreviousModelVersionError,
    );
    expect(bus.publish).not.toHaveBeenCalled();
  });
});
