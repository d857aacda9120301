import { formatAgo, formatTime } from './format';

describe('formatTime', () => {
  const at = '2026-12-07T08:14:03.456Z';

  it('says which time zone a time is in, as an offset from UTC', () => {
    expect(formatTime(at, 'Europe/Berlin')).toBe('2026-12-07 09:14:03 UTC+1');
    expect(formatTime('2026-07-07T08:14:03.000Z', 'Europe/Berlin')).toBe('2026-07-07 10:14:03 UTC+2');
    expect(formatTime(at, 'UTC')).toBe('2026-12-07 08:14:03 UTC');
    expect(formatTime(at, 'America/Chicago')).toBe('2026-12-07 02:14:03 UTC-6');
    expect(formatTime(at, 'Asia/Kolkata')).toBe('2026-12-07 13:44:03 UTC+5:30');
  });

  it("uses the browser's zone by default, midnight as 00", () => {
    expect(formatTime(at)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC([+-]\d{1,2}(:\d{2})?)?$/);
    expect(formatTime('2026-12-07T00:00:00.000Z', 'UTC')).toBe('2026-12-07 00:00:00 UTC');
  });

  it('leaves what is not a time as it is', () => {
    expect(formatTime('not a time')).toBe('not a time');
  });

  it('falls back to the zoned time for what is older than a day', () => {
    const now = Date.parse(at);
    expect(formatAgo('2026-12-07T08:13:03.456Z', now)).toBe('1 min ago');
    expect(formatAgo('2026-12-05T08:14:03.456Z', now)).toMatch(/^2026-12-0[45] \d{2}:\d{2}:\d{2} UTC/);
  });
});
