import type { ObjectStore } from '@argus/storage';
import { type AlertRule, type Database, LineRepository, type LineSettings } from '@argus/persistence';

/** An encoded golden template to store for a demo line. */
export interface DemoTemplateImage {
  readonly bytes: Buffer;
  readonly contentType: 'image/png' | 'image/jpeg';
  readonly width: number;
  readonly height: number;
}

export interface DemoLineSpec {
  readonly id: string;
  readonly name: string;
  readonly settings: LineSettings;
  readonly cameras: readonly { readonly id: string; readonly name: string; readonly settings?: Record<string, unknown> }[];
  readonly alertRules: readonly AlertRule[];
  /** Where the line's golden template goes in the object store, when the line uses one. */
  readonly templateKey: string | null;
}

/**
 * The demo plant: a factory line with two cameras over machined parts (scratch, dent, stain,
 * hole) and a PCB line with one AOI camera (DeepPCB's six defects). Both compare frames with a
 * golden template. Rules: a detection raises an alert at or above its class's minimum score and
 * box area; `*` covers any class not listed.
 */
export const DEMO_LINES: readonly DemoLineSpec[] = [
  {
    id: 'factory-1',
    name: 'Factory line 1 — machined parts',
    settings: { dedupWindowSeconds: 10, microBatch: { maxSize: 8, maxWaitMs: 20 }, feed: 'factory' },
    cameras: [
      { id: 'cam-1', name: 'Conveyor camera 1', settings: { feed: 'factory' } },
      { id: 'cam-2', name: 'Conveyor camera 2', settings: { feed: 'factory' } },
    ],
    alertRules: [
      { className: 'hole', minScore: 0.4, minBoxAreaPx2: 16, severity: 'critical' },
      { className: 'dent', minScore: 0.5, minBoxAreaPx2: 36, severity: 'high' },
      { className: 'scratch', minScore: 0.5, minBoxAreaPx2: 36, severity: 'medium' },
      { className: 'stain', minScore: 0.6, minBoxAreaPx2: 64, severity: 'low' },
    ],
    templateKey: 'factory-1/templates/golden.png',
  },
  {
    id: 'pcb-1',
    name: 'PCB line 1 — automated optical inspection',
    settings: { dedupWindowSeconds: 5, microBatch: { maxSize: 8, maxWaitMs: 20 }, feed: 'pcb' },
    cameras: [{ id: 'aoi-1', name: 'AOI camera 1', settings: { feed: 'pcb' } }],
    alertRules: [
      { className: 'open', minScore: 0.5, minBoxAreaPx2: 9, severity: 'high' },
      { className: 'short', minScore: 0.5, minBoxAreaPx2: 9, severity: 'high' },
      { className: 'mousebite', minScore: 0.5, minBoxAreaPx2: 9, severity: 'medium' },
      { className: 'spur', minScore: 0.5, minBoxAreaPx2: 9, severity: 'low' },
      { className: 'copper', minScore: 0.5, minBoxAreaPx2: 9, severity: 'medium' },
      { className: 'pin-hole', minScore: 0.5, minBoxAreaPx2: 4, severity: 'medium' },
    ],
    templateKey: 'pcb-1/templates/golden.png',
  },
];

export interface DemoSeedOptions {
  /** Where the templates are stored. */
  readonly store: Pick<ObjectStore, 'put'>;
  /** The golden template of each line that has a `templateKey`, by line id (rendered by the caller). */
  readonly templates: Readonly<Record<string, DemoTemplateImage>>;
}

export interface DemoSeedReport {
  readonly lines: readonly {
    readonly id: string;
    readonly cameras: readonly string[];
    readonly rules: number;
    readonly templateKey: string | null;
  }[];
}

/**
 * Seeds the demo lines, cameras, alert rules and templates. Idempotent: every write is an upsert
 * or a replace, and templates are overwritten with the same bytes, so running it again changes
 * nothing (and restores edits made to the demo lines).
 */
export async function seedDemo(db: Database, options: DemoSeedOptions): Promise<DemoSeedReport> {
  const lines = new LineRepository(db);
  const report: DemoSeedReport['lines'][number][] = [];
  for (const spec of DEMO_LINES) {
    await lines.upsertLine({ id: spec.id, name: spec.name, settings: spec.settings });
    for (const camera of spec.cameras) await lines.addCamera({ lineId: spec.id, ...camera });
    await lines.setAlertRules(spec.id, spec.alertRules);
    if (spec.templateKey) {
      const template = options.templates[spec.id];
      if (!template) throw new Error(`demo seed: no template image given for line "${spec.id}"`);
      await options.store.put(spec.templateKey, template.bytes, { contentType: template.contentType, size: template.bytes.length });
      await lines.setTemplate(spec.id, { objectKey: spec.templateKey, width: template.width, height: template.height });
    } else {
      await lines.clearTemplate(spec.id);
    }
    report.push({ id: spec.id, cameras: spec.cameras.map((c) => c.id), rules: spec.alertRules.length, templateKey: spec.templateKey });
  }
  return { lines: report };
}
