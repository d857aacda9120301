import { createHash } from 'node:crypto';
import { DEFAULT_AUDIT_POLICY, rankAuditItems, sampleForAudit, type ScoredFrame } from './audit-sampler';

const sha = (i: number) => createHash('sha256').update(`f${i}`).digest('hex');
const frame = (overrides: Partial<ScoredFrame> = {}): ScoredFrame => ({
  frameId: 'f-1',
  lineId: 'pcb-1',
  sha256: sha(1),
  alerted: false,
  bestScore: 0.45,
  threshold: 0.5,
  ...overrides,
});
const policy = { ...DEFAULT_AUDIT_POLICY, noAlertShare: 0 };

describe('sampleForAudit', () => {
  it('audits every frame whose best score fell just under the threshold', () => {
    expect(sampleForAudit(frame({ bestScore: 0.45 }), policy, 0)).toEqual({
      frameId: 'f-1',
      reason: 'near-threshold',
      uncertainty: expect.closeTo(0.9, 6),
    });
    expect(sampleForAudit(frame({ bestScore: 0.35 }), policy, 0)?.reason).toBe('near-threshold');
    expect(sampleForAudit(frame({ bestScore: 0.34 }), policy, 0)).toBeNull();
  });

  it('never audits an alerted frame (operators see it anyway), nor past the open-item cap', () => {
    expect(sampleForAudit(frame({ alerted: true }), policy, 0)).toBeNull();
    expect(sampleForAudit(frame(), policy, DEFAULT_AUDIT_POLICY.maxOpenItems)).toBeNull();
  });

  it('samples about the configured share of the rest, the same answer for the same frame every time', () => {
    const share = { ...DEFAULT_AUDIT_POLICY, noAlertShare: 0.1 };
    const picked = Array.from({ length: 3000 }, (_, i) =>
      sampleForAudit(frame({ frameId: `f-${i}`, sha256: sha(i), bestScore: null }), share, 0),
    );
    const n = picked.filter((d) => d !== null).length;
    expect(n / 3000).toBeGreaterThan(0.085);
    expect(n / 3000).toBeLessThan(0.115);
    expect(picked.every((d) => d === null || (d.reason === 'random' && d.uncertainty === 0))).toBe(true);
    const again = Array.from({ length: 3000 }, (_, i) =>
      sampleForAudit(frame({ frameId: `f-${i}`, sha256: sha(i), bestScore: null }), share, 0),
    );
    expect(again).toEqual(picked);
  });
});

describe('rankAuditItems', () => {
  it('puts the most uncertain first, then the oldest', () => {
    const items = [
      { id: 'a', uncertainty: 0.2, createdAt: '2026-12-07T10:00:00Z' },
      { id: 'b', uncertainty: 0.9, createdAt: '2026-12-07T10:02:00Z' },
      { id: 'c', uncertainty: 0.9, createdAt: '2026-12-07T10:01:00Z' },
    ];
    expect(rankAuditItems(items).map((i) => i.id)).toEqual(['c', 'b', 'a']);
  });
});
