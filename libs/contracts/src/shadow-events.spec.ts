import { findTopic, Topics } from './index';

const shadowed = {
  eventId: '00000000-0000-4000-8000-000000000001',
  occurredAt: '2026-12-07T10:00:00.000+00:00',
  lineId: 'pcb-1',
  modelVersionId: '00000000-0000-4000-8000-0000000000c2',
  previousShadowVersionId: null,
  setBy: 'continual-fine-tune',
  reason: 'candidate of job 00000000-0000-4000-8000-0000000000a1 passed its gates',
};

describe('model.version.shadowed.v1', () => {
  it('is keyed by line, so a line sees its shadow changes in order', () => {
    expect(findTopic('model.version.shadowed.v1')).toBe(Topics.modelShadowed);
    expect(Topics.modelShadowed.keyOf(Topics.modelShadowed.schema.parse(shadowed))).toBe('pcb-1');
  });

  it('ends a shadow with a null version, and refuses one without a reason or with a malformed id', () => {
    const schema = Topics.modelShadowed.schema;
    expect(schema.safeParse({ ...shadowed, modelVersionId: null, previousShadowVersionId: shadowed.modelVersionId }).success).toBe(true);
    expect(schema.safeParse({ ...shadowed, reason: '' }).success).toBe(false);
    expect(schema.safeParse({ ...shadowed, modelVersionId: 'v2' }).success).toBe(false);
  });
});
