import { clampLimit, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './page-limit.helper';

describe('clampLimit', () => {
  it('defaults, passes and caps', () => {
    expect(clampLimit(undefined)).toBe(DEFAULT_PAGE_LIMIT);
    expect(clampLimit(7)).toBe(7);
    expect(clampLimit(10_000)).toBe(MAX_PAGE_LIMIT);
  });
  it.each([0, -1, 2.5, Number.NaN])('refuses %p', (limit) => {
    expect(() => clampLimit(limit)).toThrow(RangeError);
  });
});
