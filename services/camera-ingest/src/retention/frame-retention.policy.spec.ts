import type { RetentionCandidate } from '@argus/persistence';
import { ageCutoffs, isExpiredByAge, type RetentionRules, rulesForLine, takeUntilCovered } from './frame-retention.policy';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-12-07T12:00:00.000Z');
const DEFAULTS: RetentionRules = { maxAgeMs: 7 * DAY, alertedMaxAgeMs: 90 * DAY, reviewedMaxAgeMs: null, maxBytes: null };

const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('frame retention rules', () => {
  describe('by age, per class', () => {
    const cutoffs = ageCutoffs(DEFAULTS, NOW);

    it('expires a frame without an alert once it is older than maxAge, not before', () => {
      expect(isExpiredByAge({ ingestedAt: ago(7 * DAY + 1), retentionClass: 'plain' }, cutoffs)).toBe(true);
      expect(isExpiredByAge({ ingestedAt: ago(7 * DAY - 1000), retentionClass: 'plain' }, cutoffs)).toBe(false);
    });

    it('keeps an alerted frame longer: past maxAge it stays until alertedMaxAge', () => {
      expect(isExpiredByAge({ ingestedAt: ago(30 * DAY), retentionClass: 'alerted' }, cutoffs)).toBe(false);
      expect(isExpiredByAge({ ingestedAt: ago(90 * DAY + 1), retentionClass: 'alerted' }, cutoffs)).toBe(true);
    });

    it('never expires a reviewed frame by default, however old', () => {
      expect(cutoffs.reviewed).toBeNull();
      expect(isExpiredByAge({ ingestedAt: ago(3650 * DAY), retentionClass: 'reviewed' }, cutoffs)).toBe(false);
    });

    it('expires reviewed frames when a reviewed age is set', () => {
      const finite = ageCutoffs({ ...DEFAULTS, reviewedMaxAgeMs: 365 * DAY }, NOW);
      expect(isExpiredByAge({ ingestedAt: ago(366 * DAY), retentionClass: 'reviewed' }, finite)).toBe(true);
      expect(isExpiredByAge({ ingestedAt: ago(364 * DAY), retentionClass: 'reviewed' }, finite)).toBe(false);
    });

    it('expires nothing by age when maxAge is never', () => {
      const never = ageCutoffs({ maxAgeMs: null, alertedMaxAgeMs: null, reviewedMaxAgeMs: null, maxBytes: 1 }, NOW);
      expect(never).toEqual({ plain: null, alerted: null, reviewed: null });
    });
  });

  describe("a line's overrides (settings.retention)", () => {
    it('uses the defaults when the line says nothing', () => {
      expect(rulesForLine(DEFAULTS, { dedupWindowSeconds: 5 })).toEqual({ rules: DEFAULTS, problems: [] });
    });

    it('overrides key by key, "never"/null lifting a limit and sizes in units or bytes', () => {
      const { rules, problems } = rulesForLine(DEFAULTS, {
        retention: { maxAge: '36h', alertedMaxAge: 'never', maxBytes: '2GiB' },
      });
      expect(problems).toEqual([]);
      expect(rules).toEqual({ maxAgeMs: 36 * HOUR, alertedMaxAgeMs: null, reviewedMaxAgeMs: null, maxBytes: 2 * 1024 ** 3 });
      expect(rulesForLine(DEFAULTS, { retention: { maxBytes: 5_000_000, reviewedMaxAge: '400d' } }).rules).toMatchObject({
        maxBytes: 5_000_000,
        reviewedMaxAgeMs: 400 * DAY,
      });
    });

    it('reports a bad value or an unknown key and keeps the default for it', () => {
      const { rules, problems } = rulesForLine(DEFAULTS, { retention: { maxAge: 'a week', maxBytes: -3, keepForever: true } });
      expect(rules).toEqual(DEFAULTS);
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).toMatch(/retention\.maxAge: .*not a duration/);
      expect(problems.join('\n')).toMatch(/retention\.maxBytes/);
      expect(problems.join('\n')).toMatch(/retention\.keepForever: unknown setting/);
      expect(rulesForLine(DEFAULTS, { retention: '7d' }).problems).toEqual(['retention: must be an object']);
    });

    it('never keeps a class worth more shorter than one worth less', () => {
      const { rules } = rulesForLine(DEFAULTS, { retention: { maxAge: '30d', alertedMaxAge: '1d', reviewedMaxAge: '2d' } });
      expect(rules).toMatchObject({ maxAgeMs: 30 * DAY, alertedMaxAgeMs: 30 * DAY, reviewedMaxAgeMs: 30 * DAY });
      expect(rulesForLine(DEFAULTS, { retention: { maxAge: 'never', reviewedMaxAge: '1d' } }).rules).toMatchObject({
        alertedMaxAgeMs: null,
        reviewedMaxAgeMs: null,
      });
    });
  });

  describe('by size', () => {
    const candidate = (id: string, byteSize: number): RetentionCandidate => ({
      id,
      objectKey: `k/${id}.png`,
      templateKey: null,
      byteSize,
      ingestedAt: NOW,
      retentionClass: 'plain',
    });
    const oldestFirst = [candidate('a', 100), candidate('b', 50), candidate('c', 70), candidate('d', 10)];

    it('takes the oldest frames until their bytes cover the excess, no more', () => {
      expect(takeUntilCovered(oldestFirst, 120).map((c) => c.id)).toEqual(['a', 'b']);
      expect(takeUntilCovered(oldestFirst, 150).map((c) => c.id)).toEqual(['a', 'b']);
      expect(takeUntilCovered(oldestFirst, 151).map((c) => c.id)).toEqual(['a', 'b', 'c']);
    });

    it('takes nothing without an excess, and everything when it is not enough', () => {
      expect(takeUntilCovered(oldestFirst, 0)).toEqual([]);
      expect(takeUntilCovered(oldestFirst, -5)).toEqual([]);
      expect(takeUntilCovered(oldestFirst, 10_000)).toHaveLength(4);
    });
  });
});
