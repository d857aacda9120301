import { deterministicEventId } from './event-id.factory';

describe('deterministicEventId', () => {
  it('gives the same facts the same RFC 9562 version-8 uuid, and different facts different ids', () => {
    const id = deterministicEventId('review-submitted', 'a');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicEventId('review-submitted', 'a')).toBe(id);
    expect(deterministicEventId('review-submitted', 'b')).not.toBe(id);
    // The parts are separated, so ('ab', 'c') and ('a', 'bc') differ.
    expect(deterministicEventId('ab', 'c')).not.toBe(deterministicEventId('a', 'bc'));
  });
});
