import { randomBytes, randomUUID } from 'node:crypto';
import type { TopicContract } from '@argus/contracts';
import { z } from 'zod';

/** A small event for bus tests; the key decides the partition like `lineId/cameraId` does. */
export const TestEventSchema = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  seq: z.number().int().nonnegative(),
});
export type TestEvent = z.infer<typeof TestEventSchema>;
export type TestTopic = TopicContract<typeof TestEventSchema>;

/** Random lowercase suffix, so reruns against a shared broker never collide. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex');
}

export function uniqueTestTopic(partitions: number, label = 'event'): TestTopic {
  return {
    name: `test.${label}-${uniqueSuffix()}.happened.v1`,
    schema: TestEventSchema,
    keyOf: (event) => event.key,
    partitions,
  };
}

export function uniqueGroupId(label: string): string {
  return `test-${label}-${uniqueSuffix()}`;
}

export function testEvent(key: string, seq: number, id: string = randomUUID()): TestEvent {
  return { id, key, seq };
}
