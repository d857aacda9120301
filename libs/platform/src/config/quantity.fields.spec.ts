import { z } from 'zod';
import { byteSizeField, durationField, parseByteSize, parseDuration } from './quantity.fields';

describe('durations and sizes written for people', () => {
  it('reads durations in ms, s, m, h, d, w, and never as no limit', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('36h')).toBe(36 * 3_600_000);
    expect(parseDuration(' 7d ')).toBe(7 * 86_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    expect(parseDuration('never')).toBeNull();
    expect(parseDuration('OFF')).toBeNull();
    for (const bad of ['7', 'a week', '-1d', '7 days', '']) expect(() => parseDuration(bad)).toThrow(/not a duration/);
  });

  it('reads sizes in bytes, SI and binary units, and none as no limit', () => {
    expect(parseByteSize('500000')).toBe(500_000);
    expect(parseByteSize('2GB')).toBe(2e9);
    expect(parseByteSize('512MiB')).toBe(512 * 1024 ** 2);
    expect(parseByteSize('1.5 gib')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('none')).toBeNull();
    for (const bad of ['-1', '2 GBs', 'lots', '']) expect(() => parseByteSize(bad)).toThrow(/not a size/);
  });

  it('as environment fields: the default is parsed like a value, and a bad value is an issue naming what was expected', () => {
    const schema = z.object({ AGE: durationField('7d'), CAP: byteSizeField('none') });
    expect(schema.parse({})).toEqual({ AGE: 7 * 86_400_000, CAP: null });
    expect(schema.parse({ AGE: 'never', CAP: '1GiB' })).toEqual({ AGE: null, CAP: 1024 ** 3 });
    const result = schema.safeParse({ AGE: 'soon' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['AGE'], message: expect.stringMatching(/not a duration/) });
  });
});
