import sharp from 'sharp';
import { evaluateCoco } from './coco-evaluator';
import { buildEvaluationReport, prCurvesForPlot } from './evaluation-report';
import { mixedCase } from './eval-fixtures.spec-helper';
import { renderPrCurvesPng, renderPrCurvesSvg } from './pr-curve.plot';

describe('PR curve plot', () => {
  const curves = prCurvesForPlot(evaluateCoco(mixedCase, { classes: ['a', 'b'] }));

  it('labels each class with ground truth by its AP, and escapes text', () => {
    expect(curves.map((c) => c.label)).toEqual(['a (AP50 0.629)']);
    const svg = renderPrCurvesSvg(curves, { title: 'PR <IoU 0.5> & co' });
    expect(svg).toContain('PR &lt;IoU 0.5&gt; &amp; co');
    expect(svg).toContain('a (AP50 0.629)');
    expect(svg).toContain('>Recall<');
    expect(svg).toContain('>Precision<');
    expect(svg.match(/<polyline /g)).toHaveLength(1);
  });

  it('renders a PNG of the asked size with the curve drawn in colour', async () => {
    const png = await renderPrCurvesPng(curves, { title: 'test', width: 640, height: 480 });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([640, 480]);
    // Somewhere a pixel of the first palette colour (#0072B2) must be drawn.
    let coloured = 0;
    for (let i = 0; i < data.length; i += info.channels) {
      if (
        Math.abs((data[i] as number) - 0x00) < 40 &&
        Math.abs((data[i + 1] as number) - 0x72) < 40 &&
        Math.abs((data[i + 2] as number) - 0xb2) < 40
      )
        coloured++;
    }
    expect(coloured).toBeGreaterThan(200);
  });
});

describe('buildEvaluationReport', () => {
  it('gathers COCO, deployment-threshold, best-F1 and DeepPCB numbers', () => {
    const report = buildEvaluationReport(mixedCase, { classes: ['a'], deploymentThreshold: 0.65, deepPcbBenchmark: true });
    expect(report.imageCount).toBe(2);
    expect(report.coco.map50).toBeCloseTo(63.5 / 101, 12);
    expect(report.atDeploymentThreshold.truePositives).toBe(2);
    expect(report.bestF1.scoreThreshold).toBe(0.6);
    expect(report.deepPcb?.allDetections.matched).toBe(3);
    expect(report.deepPcb?.atDeploymentThreshold.detectionCount).toBe(3);
    expect(JSON.parse(JSON.stringify(report)).coco.perClass[0].className).toBe('a');
  });
});
