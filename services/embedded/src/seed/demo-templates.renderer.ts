import { createFactorySurfaceGenerator, createPcbBoardGenerator, encodeImage } from '@argus/vision/data';
import type { DemoTemplateImage } from './demo-seed';

/** Size of the demo feeds' frames, and so of their templates. */
export const DEMO_FRAME_SIZE = 256;

/**
 * The demo lines' golden templates: the defect-free template of scene 0 of each synthetic feed
 * (seed 1), deterministic, so re-seeding stores the same bytes.
 */
export async function renderDemoTemplates(): Promise<Record<string, DemoTemplateImage>> {
  const options = { seed: 1, width: DEMO_FRAME_SIZE, height: DEMO_FRAME_SIZE };
  const out: Record<string, DemoTemplateImage> = {};
  for (const [lineId, generator] of [
    ['factory-1', createFactorySurfaceGenerator(options)],
    ['pcb-1', createPcbBoardGenerator(options)],
  ] as const) {
    const template = generator.generate(0).template;
    if (!template) throw new Error(`the ${generator.name} feed has no template`);
    out[lineId] = { bytes: await encodeImage(template, 'png'), contentType: 'image/png', width: template.width, height: template.height };
  }
  return out;
}
