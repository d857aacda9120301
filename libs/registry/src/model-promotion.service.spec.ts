import { strictMock } from '@argus/platform/testing';
import { Topics } from '@argus/contracts';
import type { Promotion } from '@argus/persistence';
import { ModelPromotionService } from './model-promotion.service';

const promotion: Promotion = {
  id: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
  lineId: 'line-1',
  fromVersionId: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
  toVersionId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
  kind: 'promotion',
  promotedBy: 'ana',
  reason: 'better recall',
  promotedAt: new Date('2026-01-02T03:04:05.000Z'),
};

describe('ModelPromotionService', () => {
  it('publishes model.version.promoted.v1 only after the registry transaction resolved', async () => {
    const calls: string[] = [];
    const registry = strictMock<ConstructorParameters<typeof ModelPromotionService>[0]>('registry', {
      promote: jest.fn(async () => {
        calls.push('registry.promote');
        return { promotion, changed: true };
      }),
    });
    const bus = strictMock<ConstructorParameters<typeof ModelPromotionService>[1]>('bus', {
      publish: jest.fn(async () => void calls.push('bus.publish')),
    });
    await new ModelPromotionService(registry, bus).promote('line-1', promotion.toVersionId, 'ana', 'better recall');
    expect(calls).toEqual(['registry.promote', 'bus.publish']);
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

  it('publishes nothing when the registry fails or nothing changed', async () => {
    const bus = strictMock<ConstructorParameters<typeof ModelPromotionService>[1]>('bus', { publish: jest.fn() });
    const failing = new ModelPromotionService(
      strictMock<ConstructorParameters<typeof ModelPromotionService>[0]>('registry', {
        rollback: jest.fn(async () => Promise.reject(new Error('no previous version'))),
      }),
      bus,
    );
    await expect(failing.rollback('line-1', 'ana', 'oops')).rejects.toThrow('no previous version');
    const unchanged = new ModelPromotionService(
      strictMock<ConstructorParameters<typeof ModelPromotionService>[0]>('registry', {
        promote: jest.fn(async () => ({ promotion, changed: false })),
      }),
      bus,
    );
    await expect(unchanged.promote('line-1', promotion.toVersionId, 'ana', 'again')).resolves.toMatchObject({ changed: false });
    expect(bus.publish).not.toHaveBeenCalled();
  });
});
