import { DeadLetterHeaders } from '@argus/contracts';
import { buildDeadLetterHeaders, withDeadLetterHeaders, type DeadLetterDetails } from './dead-letter-headers.builder';
import { decodeHeaders } from './message.headers';

const details: DeadLetterDetails = {
  reason: 'TypeError: boom',
  errorCode: 'handler-failed',
  originalTopic: 'inspection.frame.ingested.v1',
  originalPartition: 4,
  originalOffset: '9007199254740993',
  originalKey: 'line-1/cam-top',
  consumerGroup: 'detection-inference',
  attempts: 5,
  failedAt: new Date('2026-11-28T10:00:00.000Z'),
};

describe('dead-letter headers', () => {
  it('carries every header of the dead-letter convention as strings', () => {
    expect(buildDeadLetterHeaders(details)).toEqual({
      [DeadLetterHeaders.reason]: 'TypeError: boom',
      [DeadLetterHeaders.errorCode]: 'handler-failed',
      [DeadLetterHeaders.originalTopic]: 'inspection.frame.ingested.v1',
      [DeadLetterHeaders.originalPartition]: '4',
      [DeadLetterHeaders.originalOffset]: '9007199254740993',
      [DeadLetterHeaders.originalKey]: 'line-1/cam-top',
      [DeadLetterHeaders.consumerGroup]: 'detection-inference',
      [DeadLetterHeaders.attempts]: '5',
      [DeadLetterHeaders.failedAt]: '2026-11-28T10:00:00.000Z',
    });
  });

  it('omits the key header when the message had no key', () => {
    expect(buildDeadLetterHeaders({ ...details, originalKey: null })).not.toHaveProperty(DeadLetterHeaders.originalKey);
  });

  it('keeps the original headers untouched, the dead-letter ones winning on a clash', () => {
    const traceparent = Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    const merged = withDeadLetterHeaders({ traceparent, [DeadLetterHeaders.reason]: 'forged' }, details);
    expect(merged['traceparent']).toBe(traceparent);
    expect(merged[DeadLetterHeaders.reason]).toBe('TypeError: boom');
  });
});

describe('decodeHeaders', () => {
  it('turns buffers into UTF-8 strings, keeps the last of repeated values and drops absent ones', () => {
    expect(decodeHeaders({ a: Buffer.from('é'), b: 'x', c: [Buffer.from('1'), '2'], d: undefined })).toEqual({ a: 'é', b: 'x', c: '2' });
    expect(decodeHeaders(undefined)).toEqual({});
  });
});
