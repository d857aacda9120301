import { randomUUID } from 'node:crypto';
import { Topics, type FrameIngestedV1 } from '@argus/contracts';
import { InvalidMessageError } from './invalid-message.error';
import { decodeMessage, encodeMessage } from './message.codec';

const frame = (): FrameIngestedV1 => ({
  eventId: randomUUID(),
  occurredAt: '2026-11-28T10:00:00.000Z',
  frameId: randomUUID(),
  lineId: 'line-1',
  cameraId: 'cam-top',
  bucket: 'argus-frames',
  objectKey: 'line-1/cam-top/abc.jpg',
  templateKey: null,
  contentType: 'image/jpeg',
  width: 640,
  height: 480,
  byteSize: 12345,
  sha256: 'a'.repeat(64),
  capturedAt: '2026-11-28T10:00:00.000Z',
  source: 'http',
});

describe('encodeMessage', () => {
  it('keys by the contract and serialises the validated message as JSON', () => {
    const message = frame();
    const encoded = encodeMessage(Topics.frameIngested, message);
    expect(encoded.key).toBe('line-1/cam-top');
    expect(JSON.parse(encoded.value.toString('utf8'))).toEqual(message);
  });

  it('drops keys the schema does not know', () => {
    const encoded = encodeMessage(Topics.frameIngested, { ...frame(), imageBytes: 'AAAA' } as FrameIngestedV1);
    expect(JSON.parse(encoded.value.toString('utf8'))).not.toHaveProperty('imageBytes');
  });

  it('throws InvalidMessageError naming the topic and every issue', () => {
    const invalid = { ...frame(), width: -1, objectKey: '../x' };
    let thrown: unknown;
    try {
      encodeMessage(Topics.frameIngested, invalid);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidMessageError);
    const error = thrown as InvalidMessageError;
    expect(error.topic).toBe('inspection.frame.ingested.v1');
    expect(error.code).toBe('invalid-message');
    expect(error.issues.map((i) => i.path).sort()).toEqual(['objectKey', 'width']);
    expect(error.message).toMatch(/^refusing to publish an invalid message for topic "inspection\.frame\.ingested\.v1": /);
    expect(error.message).toContain('width: ');
  });
});

describe('decodeMessage', () => {
  it('parses and validates a message', () => {
    const message = frame();
    expect(decodeMessage(Topics.frameIngested, Buffer.from(JSON.stringify(message)))).toEqual({ ok: true, message });
  });

  it.each([
    ['a null value (tombstone)', null, /^: empty value/],
    ['an empty value', Buffer.alloc(0), /^: empty value/],
    ['invalid JSON', Buffer.from('{"a":'), /^: not valid JSON: /],
    ['a JSON value of the wrong shape', Buffer.from('[1,2]'), /^: /],
  ])('reports %s as invalid', (_label, value, issue) => {
    const result = decodeMessage(Topics.frameIngested, value);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.topic).toBe('inspection.frame.ingested.v1');
      expect(`${result.error.issues[0]?.path}: ${result.error.issues[0]?.message}`).toMatch(issue);
    }
  });

  it('reports schema issues with their paths', () => {
    const result = decodeMessage(Topics.frameIngested, Buffer.from(JSON.stringify({ ...frame(), sha256: 'nope', lineId: 'Line 1' })));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues.map((i) => i.path).sort()).toEqual(['lineId', 'sha256']);
  });
});
