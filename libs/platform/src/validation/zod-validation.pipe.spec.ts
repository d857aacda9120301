import { z } from 'zod';
import { DEFAULT_ERROR_HTTP_STATUS } from '../errors/error-http-status.map';
import { openApiSchemaOf } from './zod-openapi.decorators';
import { InvalidRequestError, ZodValidationPipe } from './zod-validation.pipe';

const Review = z.object({
  decision: z.enum(['confirmed', 'rejected']),
  alertIds: z.array(z.uuid()).min(1),
  limit: z.coerce.number().int().max(200).default(50),
});

describe('ZodValidationPipe', () => {
  it('returns the parsed value, defaults and coercions applied', () => {
    const pipe = new ZodValidationPipe(Review);
    const id = '3f1c1c1e-1a4f-4b1a-9c59-0f6f9a2d7f10';
    expect(pipe.transform({ decision: 'confirmed', alertIds: [id] })).toEqual({ decision: 'confirmed', alertIds: [id], limit: 50 });
    expect(pipe.transform({ decision: 'rejected', alertIds: [id], limit: '7' }).limit).toBe(7);
  });

  it('answers 400 invalid-request naming every problem by path', () => {
    const pipe = new ZodValidationPipe(Review, 'body');
    let error: unknown;
    try {
      pipe.transform({ decision: 'maybe', alertIds: ['not-a-uuid'], limit: 900 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidRequestError);
    const invalid = error as InvalidRequestError;
    expect(invalid.code).toBe('invalid-request');
    expect(DEFAULT_ERROR_HTTP_STATUS[invalid.code]).toBe(400);
    expect(invalid.details?.['issues']).toEqual([
      { path: 'decision', message: expect.stringContaining('confirmed') },
      { path: 'alertIds.0', message: expect.stringMatching(/uuid/i) },
      { path: 'limit', message: expect.stringContaining('200') },
    ]);
    expect(invalid.message).toMatch(/^the request body is not valid: decision: /);
  });

  it('names a missing body as the whole input', () => {
    const pipe = new ZodValidationPipe(Review);
    expect(() => pipe.transform(undefined)).toThrow(InvalidRequestError);
  });
});

describe('openApiSchemaOf', () => {
  it('turns the same zod schema into an OpenAPI 3.0 schema object', () => {
    const schema = openApiSchemaOf(Review);
    expect(schema).toMatchObject({
      type: 'object',
      properties: { decision: { type: 'string', enum: ['confirmed', 'rejected'] }, alertIds: { type: 'array', minItems: 1 } },
      required: ['decision', 'alertIds'],
    });
    expect(schema).not.toHaveProperty('$schema');
  });
});
