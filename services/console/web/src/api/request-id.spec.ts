import { UuidSchema } from '@argus/contracts';
import { randomUuid } from './request-id';

describe('randomUuid', () => {
  it('makes a version-4 UUID the contracts accept', () => {
    for (let i = 0; i < 20; i++) expect(UuidSchema.safeParse(randomUuid()).success).toBe(true);
  });

  it('sets the version and variant bits whatever the random bytes', () => {
    expect(randomUuid((b) => b.fill(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(randomUuid((b) => b.fill(0))).toBe('00000000-0000-4000-8000-000000000000');
  });
});
