import { renderFrontPng, renderFrontSvg } from './front.plot';

const series = [
  {
    label: 'random',
    points: [
      { latencyMs: 4, ap: 0.8 },
      { latencyMs: 6, ap: 0.9 },
      { latencyMs: 7, ap: 0.85 },
    ],
    front: [
      { latencyMs: 6, ap: 0.9 },
      { latencyMs: 4, ap: 0.8 },
    ],
  },
  { label: 'ppo', points: [{ latencyMs: 5, ap: 0.92 }], front: [{ latencyMs: 5, ap: 0.92 }] },
];

describe('renderFrontSvg', () => {
  it('draws one dot per trial, one step line per front and a cross per marker', () => {
    const svg = renderFrontSvg(series, { title: 'fronts', markers: [{ label: 'shipped', latencyMs: 9, ap: 0.97 }] });
    expect(svg.match(/class="trial"/g)).toHaveLength(4);
    expect(svg.match(/class="front"/g)).toHaveLength(2);
    expect(svg.match(/class="marker"/g)).toHaveLength(1);
    expect(svg).toContain('× shipped');
  });

  it('draws a front as a staircase: a point, then the next latency at the previous AP, then the next point', () => {
    const svg = renderFrontSvg([series[0]!], { title: 't' });
    const line = /<polyline points="([^"]+)"[^>]*class="front"/.exec(svg)![1]!.split(' ');
    expect(line).toHaveLength(3);
    const [a, corner, b] = line.map((p) => p.split(',').map(Number)) as [number[], number[], number[]];
    expect(corner[0]).toBe(b[0]);
    expect(corner[1]).toBe(a[1]);
    expect(a[0]).toBeLessThan(b[0]!);
    expect(b[1]).toBeLessThan(a[1]!); // higher AP is drawn higher up
  });

  it('escapes labels and renders a PNG', async () => {
    expect(renderFrontSvg([{ ...series[1]!, label: 'a<b' }], { title: 'x & y' })).toContain('a&lt;b');
    const png = await renderFrontPng(series, { title: 'fronts' });
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('refuses a plot too small to draw', () => {
    expect(() => renderFrontSvg(series, { title: 't', width: 200, height: 100 })).toThrow(RangeError);
  });
});
