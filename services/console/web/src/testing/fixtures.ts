import type { AlertSummary, User } from '../api/api-types';

/** Test data for the web UI's specs (not shipped: nothing outside *.spec.ts(x) imports it). */
let n = 0;
export function alertFixture(overrides: Partial<AlertSummary> = {}): AlertSummary {
  n += 1;
  const minute = String(n % 60).padStart(2, '0');
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    frameId: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    lineId: 'line-1',
    cameraId: 'cam-top',
    severity: 'high',
    status: 'open',
    classes: ['scratch'],
    detections: [{ className: 'scratch', score: 0.9, box: { x1: 1, y1: 1, x2: 10, y2: 10 } }],
    modelVersionId: 'm1',
    capturedAt: `2026-11-28T10:${minute}:00.000Z`,
    createdAt: `2026-11-28T10:${minute}:01.000Z`,
    frame: { width: 64, height: 48 },
    review: null,
    kind: 'defect',
    audit: null,
    ...overrides,
  };
}

export function userFixture(overrides: Partial<User> = {}): User {
  return {
    id: 'u-1',
    username: 'olga',
    displayName: 'Olga Operator',
    role: 'operator',
    disabled: false,
    createdAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

/** The value, or a test failure naming what was missing (instead of a `!` assertion). */
export function present<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to be present`);
  return value;
}
