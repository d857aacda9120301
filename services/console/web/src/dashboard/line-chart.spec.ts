import { chartPath, niceMax } from './line-chart';

const end = Date.parse('2026-11-28T12:00:00.000Z');
const at = (minutesAgo: number) => new Date(end - minutesAgo * 60_000).toISOString();
const xs = (path: string) => [...path.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);

describe('line chart', () => {
  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(117)).toBe(200);
    expect(niceMax(0.03)).toBeCloseTo(0.05);
    expect(niceMax(500)).toBe(500);
  });

  it('places points by their minute, so a gap in the series stays a gap in time', () => {
    const points = xs(
      chartPath(
        [
          { minute: at(60), value: 1 },
          { minute: at(30), value: 1 },
          { minute: at(0), value: 1 },
        ],
        2,
        end,
        60,
      ),
    );
    const [a, b, c] = points.map(([x]) => x) as [number, number, number];
    expect(b - a).toBeCloseTo(c - b);
    const sparse = xs(
      chartPath(
        [
          { minute: at(60), value: 1 },
          { minute: at(0), value: 1 },
        ],
        2,
        end,
        60,
      ),
    ).map(([x]) => x);
    expect(sparse).toEqual([a, c]);
  });

  it('puts higher values higher, sorts by time and leaves out minutes outside the window', () => {
    const points = xs(
      chartPath(
        [
          { minute: at(0), value: 10 },
          { minute: at(90), value: 5 },
          { minute: at(10), value: 0 },
        ],
        10,
        end,
        60,
      ),
    );
    expect(points).toHaveLength(2);
    const [older, newer] = points as [readonly [number, number], readonly [number, number]];
    expect(older[0]).toBeLessThan(newer[0]);
    expect(newer[1]).toBeLessThan(older[1]);
  });
});
