import { minuteOf, summariseLineActivity, windowStart } from './activity-series.builder';

const now = new Date('2026-11-28T10:07:42.500Z');
const at = (hhmm: string) => new Date(`2026-11-28T${hhmm}:00.000Z`);

describe('summariseLineActivity', () => {
  it('fills minutes without activity with zeros, oldest first, ending with the current minute', () => {
    const s = summariseLineActivity([{ lineId: 'l', minute: at('10:05'), frames: 10, alerts: 2 }], now, 4);
    expect(s.series).toEqual([
      { minute: '2026-11-28T10:04:00.000Z', frames: 0, alerts: 0 },
      { minute: '2026-11-28T10:05:00.000Z', frames: 10, alerts: 2 },
      { minute: '2026-11-28T10:06:00.000Z', frames: 0, alerts: 0 },
      { minute: '2026-11-28T10:07:00.000Z', frames: 0, alerts: 0 },
    ]);
  });

  it('averages the rates over the last five minutes and divides alerts by frames over the window', () => {
    const rows = [
      { lineId: 'l', minute: at('09:58'), frames: 100, alerts: 50 }, // in the window, before the rate's 5 minutes
      { lineId: 'l', minute: at('10:03'), frames: 30, alerts: 3 },
      { lineId: 'l', minute: at('10:07'), frames: 20, alerts: 2 },
    ];
    const s = summariseLineActivity(rows, now, 60);
    expect(s.series).toHaveLength(60);
    expect(s.framesPerMinute).toBe(50 / 5);
    expect(s.alertsPerMinute).toBe(5 / 5);
    expect(s.defectRate).toBeCloseTo(55 / 150);
  });

  it('has no defect rate without frames', () => {
    expect(summariseLineActivity([], now, 10)).toMatchObject({ framesPerMinute: 0, alertsPerMinute: 0, defectRate: null });
  });
});

describe('windowStart / minuteOf', () => {
  it('truncates to the minute and reaches back minutes − 1 whole minutes', () => {
    expect(minuteOf(now).toISOString()).toBe('2026-11-28T10:07:00.000Z');
    expect(windowStart(now, 60).toISOString()).toBe('2026-11-28T09:08:00.000Z');
  });
});
