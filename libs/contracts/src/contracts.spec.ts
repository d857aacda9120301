import { randomUUID } from 'node:crypto';
import {
  ALL_TOPICS,
  BoxSchema,
  deadLetterTopicFor,
  findTopic,
  FrameIngestedV1,
  ObjectKeySchema,
  TOPIC_NAME_PATTERN,
  Topics,
} from './index';

const frame = (): FrameIngestedV1 => ({
  eventId: randomUUID(),
  occurredAt: new Date().toISOString(),
  frameId: randomUUID(),
  lineId: 'line-1',
  cameraId: 'cam-top',
  bucket: 'argus-frames',
  objectKey: 'line-1/cam-top/2026/11/28/abc.jpg',
  templateKey: null,
  contentType: 'image/jpeg',
  width: 640,
  height: 480,
  byteSize: 12345,
  sha256: 'a'.repeat(64),
  capturedAt: new Date().toISOString(),
  source: 'http',
});

describe('topic contracts', () => {
  it('names every topic <domain>.<entity>.<event>.v<N>, each once', () => {
    const names = ALL_TOPICS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(TOPIC_NAME_PATTERN);
    expect(Topics.frameIngested.name).toBe('inspection.frame.ingested.v1');
  });

  it('keys frames by line and camera so one camera stays in order', () => {
    expect(Topics.frameIngested.keyOf(frame())).toBe('line-1/cam-top');
  });

  it('accepts a valid frame-ingested event and rejects image bytes or a bad key', () => {
    expect(Topics.frameIngested.schema.safeParse(frame()).success).toBe(true);
    const withBytes = { ...frame(), objectKey: '../etc/passwd' };
    const parsed = Topics.frameIngested.schema.safeParse(withBytes);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('..');
  });

  it('rejects a box whose corners are swapped', () => {
    expect(BoxSchema.safeParse({ x1: 10, y1: 10, x2: 5, y2: 20 }).success).toBe(false);
    expect(BoxSchema.safeParse({ x1: 1, y1: 2, x2: 5, y2: 20 }).success).toBe(true);
  });

  it('validates object keys', () => {
    expect(ObjectKeySchema.safeParse('/abs/key').success).toBe(false);
    expect(ObjectKeySchema.safeParse('a'.repeat(1025)).success).toBe(false);
    expect(ObjectKeySchema.safeParse('line-1/cam/x.png').success).toBe(true);
  });

  it('finds topics by name and names their dead-letter topic', () => {
    expect(findTopic('inspection.alert.raised.v1')).toBe(Topics.alertRaised);
    expect(findTopic('nope')).toBeUndefined();
    expect(deadLetterTopicFor(Topics.alertRaised.name)).toBe('inspection.alert.raised.v1.dlq');
  });
});
