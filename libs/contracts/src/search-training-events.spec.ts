import { deadLetterTopicFor, findTopic, Topics } from './index';

const request = {
  eventId: '00000000-0000-4000-8000-000000000001',
  occurredAt: '2026-12-07T10:00:00.000+00:00',
  requestId: '00000000-0000-4000-8000-0000000000a1',
  searchId: '00000000-0000-4000-8000-0000000000b1',
  trialId: '00000000-0000-4000-8000-0000000000c1',
  controller: 'evolution',
  spec: { name: 'tiny', classes: ['open'] },
  lineId: 'pcb-1',
  dataSource: 'synthetic:pcb',
  requestedBy: 'ml@example.com',
};

describe('search training events', () => {
  it('are a topic of their own, keyed by request, with a dead-letter twin', () => {
    expect(findTopic('search.training.requested.v1')).toBe(Topics.searchTrainingRequested);
    expect(Topics.searchTrainingRequested.keyOf(Topics.searchTrainingRequested.schema.parse(request))).toBe(request.requestId);
    expect(deadLetterTopicFor(Topics.searchTrainingRequested.name)).toBe('search.training.requested.v1.dlq');
  });

  it('refuse an unknown controller, an empty data source, a bad line or zero epochs', () => {
    const schema = Topics.searchTrainingRequested.schema;
    expect(schema.safeParse({ ...request, epochs: 12 }).success).toBe(true);
    expect(schema.safeParse({ ...request, controller: 'grid' }).success).toBe(false);
    expect(schema.safeParse({ ...request, dataSource: ' ' }).success).toBe(false);
    expect(schema.safeParse({ ...request, lineId: 'Not A Slug' }).success).toBe(false);
    expect(schema.safeParse({ ...request, epochs: 0 }).success).toBe(false);
  });
});
