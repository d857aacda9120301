import type { MessageOf, TopicContract } from '@argus/contracts';
import type { z } from 'zod';
import { InvalidMessageError, type MessageIssue } from './invalid-message.error';

/** What goes on the wire: the partition key and the JSON value. */
export interface EncodedMessage<M> {
  readonly key: string;
  readonly value: Buffer;
  /** The schema's output (unknown keys stripped): what was serialised. */
  readonly message: M;
}

export type DecodeResult<M> = { readonly ok: true; readonly message: M } | { readonly ok: false; readonly error: InvalidMessageError };

/** Validates against the topic's schema, then serialises. Throws `InvalidMessageError`. */
export function encodeMessage<T extends TopicContract>(topic: T, message: MessageOf<T>): EncodedMessage<MessageOf<T>> {
  const parsed = topic.schema.safeParse(message);
  if (!parsed.success) {
    throw new InvalidMessageError(topic.name, toIssues(parsed.error), 'refusing to publish an invalid message');
  }
  const valid = parsed.data as MessageOf<T>;
  return { key: topic.keyOf(valid), value: Buffer.from(JSON.stringify(valid), 'utf8'), message: valid };
}

/** Parses the value bytes as JSON and validates them against the topic's schema. Never throws. */
export function decodeMessage<T extends TopicContract>(topic: T, value: Buffer | null): DecodeResult<MessageOf<T>> {
  if (value === null || value.length === 0) {
    return invalid(topic, [{ path: '', message: 'empty value (no JSON document)' }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return invalid(topic, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }]);
  }
  const parsed = topic.schema.safeParse(json);
  if (!parsed.success) return invalid(topic, toIssues(parsed.error));
  return { ok: true, message: parsed.data as MessageOf<T> };
}

function invalid(topic: TopicContract, issues: MessageIssue[]): DecodeResult<never> {
  return { ok: false, error: new InvalidMessageError(topic.name, issues, 'invalid message received') };
}

function toIssues(error: z.ZodError): MessageIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((segment) => String(segment)).join('.'),
    message: issue.message,
  }));
}
