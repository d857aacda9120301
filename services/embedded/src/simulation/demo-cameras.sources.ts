import { DEMO_LINES } from '../seed/demo-seed';
import { DEMO_FRAME_SIZE } from '../seed/demo-templates.renderer';
import { type IngestSourceConfig, parseIngestSources } from '../service-modules.imports';

/**
 * One simulated camera per demo camera, on its line's synthetic feed (factory parts, PCBs), at
 * `fps` frames per second. `startIndex` picks where the scene sequence starts (SimulatorSequence:
 * past every scene an earlier run sent, since ingest is idempotent on content and a repeated scene
 * would be neither stored nor scored again). `defectRate` is the share of parts with defects.
 */
export function demoCameraSources(fps: number, startIndex: number, defectRate = 1): IngestSourceConfig[] {
  const sources = DEMO_LINES.flatMap((line, lineIndex) =>
    line.cameras.map((camera, cameraIndex) => ({
      kind: 'simulator',
      lineId: line.id,
      cameraId: camera.id,
      feed: String(camera.settings?.['feed'] ?? line.settings['feed']),
      fps,
      seed: 1 + lineIndex * 10 + cameraIndex,
      width: DEMO_FRAME_SIZE,
      height: DEMO_FRAME_SIZE,
      startIndex,
      defectRate,
    })),
  );
  return parseIngestSources(JSON.stringify({ sources }), 'embedded demo cameras');
}
