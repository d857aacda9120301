// `npm run docs:config`: renders each package's configuration table from its zod schema into its
// README, between `<!-- config:start -->` and `<!-- config:end -->`, so the documentation of a
// variable is its field's description and cannot drift from the code. `--check` writes nothing and
// exits 1 naming the READMEs that are out of date (scripts/config-docs.spec.ts does the same).
// scripts/ is no Nx project, so it may import each service's schema file directly.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { ArchitectureSearchEnvSchema, loadArchitectureSearchConfig } from '@argus/architecture-search/src/config';
import { CameraIngestEnvSchema, loadCameraIngestConfig } from '@argus/camera-ingest/src/config';
import { ConsoleEnvSchema, loadConsoleConfig } from '@argus/console/src/config';
import { ContinualFineTuneEnvSchema, loadContinualFineTuneConfig } from '@argus/continual-fine-tune/src/config';
import { DetectionInferenceEnvSchema, loadDetectionInferenceConfig } from '@argus/detection-inference/src/config';
import { EMBEDDED_SERVICE_DEFAULTS, EmbeddedEnvSchema, loadEmbeddedConfig } from '@argus/embedded/src/embedded.config';
import { KafkaEnvSchema } from '@argus/messaging';
import { DatabaseEnvSchema } from '@argus/persistence';
import { type ConfigLoader, describeEnvSchema, renderEnvTable, serviceEnvSchema } from '@argus/platform';
import { S3EnvSchema } from '@argus/storage';

export const ROOT = path.resolve(__dirname, '..');
export const START_MARKER = '<!-- config:start -->';
export const END_MARKER = '<!-- config:end -->';
export const COMMAND = 'npm run docs:config';

/** The adapter libraries' variables, which a service reads through their `...ConfigFromEnv`. */
export const ADAPTERS = {
  kafka: { title: 'Kafka', readme: 'libs/messaging/README.md', schema: KafkaEnvSchema },
  database: { title: 'Postgres', readme: 'libs/persistence/README.md', schema: DatabaseEnvSchema },
  s3: { title: 'S3 object store', readme: 'libs/storage/README.md', schema: S3EnvSchema },
} as const;
export type AdapterName = keyof typeof ADAPTERS;

export interface ConfigDocTarget {
  /** The README holding the markers, from the repository root. */
  readonly readme: string;
  /** Where the schema is written, named in the generated note. */
  readonly source: string;
  readonly schema: z.ZodObject;
  /** The adapter sections its loader parses; `whenSet`: only when their address variable is set. */
  readonly adapters?: readonly AdapterName[];
  readonly adaptersWhenSet?: boolean;
  /** The loader, so the spec can check the sections above are the ones it really parses. */
  readonly load?: ConfigLoader;
  /** Generated Markdown appended to the table. */
  readonly more?: () => string;
}

const ALL_ADAPTERS: readonly AdapterName[] = ['kafka', 'database', 's3'];

export const CONFIG_DOC_TARGETS: readonly ConfigDocTarget[] = [
  {
    readme: 'services/camera-ingest/README.md',
    source: 'services/camera-ingest/src/config.ts',
    schema: CameraIngestEnvSchema,
    adapters: ALL_ADAPTERS,
    load: loadCameraIngestConfig,
  },
  {
    readme: 'services/detection-inference/README.md',
    source: 'services/detection-inference/src/config.ts',
    schema: DetectionInferenceEnvSchema,
    adapters: ALL_ADAPTERS,
    load: loadDetectionInferenceConfig,
  },
  {
    readme: 'services/console/README.md',
    source: 'services/console/src/config.ts',
    schema: ConsoleEnvSchema,
    adapters: ALL_ADAPTERS,
    load: loadConsoleConfig,
  },
  {
    readme: 'services/continual-fine-tune/README.md',
    source: 'services/continual-fine-tune/src/config.ts',
    schema: ContinualFineTuneEnvSchema,
    adapters: ALL_ADAPTERS,
    load: loadContinualFineTuneConfig,
  },
  {
    readme: 'services/architecture-search/README.md',
    source: 'services/architecture-search/src/config.ts',
    schema: ArchitectureSearchEnvSchema,
    adapters: ALL_ADAPTERS,
    load: loadArchitectureSearchConfig,
  },
  {
    readme: 'services/embedded/README.md',
    source: 'services/embedded/src/embedded.config.ts',
    schema: EmbeddedEnvSchema,
    adapters: ALL_ADAPTERS,
    adaptersWhenSet: true,
    load: loadEmbeddedConfig,
    more: renderEmbeddedServiceDefaults,
  },
  {
    readme: 'libs/platform/README.md',
    source: 'libs/platform/src/config/env-fields.schema.ts (serviceEnvSchema)',
    schema: serviceEnvSchema(3000),
  },
  { readme: ADAPTERS.kafka.readme, source: 'libs/messaging/src/kafka.config.ts', schema: KafkaEnvSchema },
  { readme: ADAPTERS.database.readme, source: 'libs/persistence/src/database.config.ts', schema: DatabaseEnvSchema },
  { readme: ADAPTERS.s3.readme, source: 'libs/storage/src/s3-object-store.config.ts', schema: S3EnvSchema },
];

function renderEmbeddedServiceDefaults(): string {
  const rows = Object.entries(EMBEDDED_SERVICE_DEFAULTS).map(([name, value]) => `| \`${name}\` | \`${value}\` |`);
  return [
    "The services' own variables (camera-ingest's, detection-inference's, the console's) keep their meaning;",
    'these defaults differ in the embedded mode (a variable that is set still wins):',
    '',
    '| variable | default here |',
    '|---|---|',
    ...rows,
  ].join('\n');
}

function renderAdapters(target: ConfigDocTarget): string | undefined {
  if (!target.adapters?.length) return undefined;
  const from = path.dirname(target.readme);
  const parts = target.adapters.map((name) => {
    const adapter = ADAPTERS[name];
    const variables = Object.keys(adapter.schema.shape)
      .map((v) => `\`${v}\``)
      .join(', ');
    const link = path.relative(from, adapter.readme).split(path.sep).join('/');
    return `- ${adapter.title}: ${variables} ([${path.dirname(adapter.readme)}](${link}#configuration))`;
  });
  const lead = target.adaptersWhenSet
    ? 'Each dependency uses its real adapter when its first variable below is set (else the embedded one), configured by its library:'
    : 'Its adapters read their own variables, documented by their libraries:';
  return [lead, '', ...parts].join('\n');
}

/** The generated block, markers included. */
export function renderConfigBlock(target: ConfigDocTarget): string {
  const header = `${START_MARKER}\n<!-- generated by \`${COMMAND}\` from ${target.source}: edit the descriptions there, not here -->`;
  const body = [renderEnvTable(describeEnvSchema(target.schema)), renderAdapters(target), target.more?.()].filter(
    (part) => part !== undefined,
  );
  return [header, ...body, END_MARKER].join('\n\n');
}

/** `readme` with the text between its markers replaced by `block`; throws when the markers are missing. */
export function replaceConfigBlock(readme: string, block: string, file: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER, start);
  if (start < 0 || end < 0) throw new Error(`${file} has no ${START_MARKER} … ${END_MARKER} section for ${COMMAND} to fill`);
  return readme.slice(0, start) + block + readme.slice(end + END_MARKER.length);
}

/** Each target's README as it is and as it should be. */
export function renderConfigDocs(root = ROOT): { readme: string; current: string; expected: string }[] {
  return CONFIG_DOC_TARGETS.map((target) => {
    const current = readFileSync(path.join(root, target.readme), 'utf8');
    return { readme: target.readme, current, expected: replaceConfigBlock(current, renderConfigBlock(target), target.readme) };
  });
}

function main(argv: readonly string[]): void {
  const check = argv.includes('--check');
  const stale = renderConfigDocs().filter((doc) => doc.current !== doc.expected);
  if (check) {
    for (const doc of stale) console.error(`${doc.readme} is out of date: run ${COMMAND}`);
    process.exitCode = stale.length > 0 ? 1 : 0;
    return;
  }
  for (const doc of stale) {
    writeFileSync(path.join(ROOT, doc.readme), doc.expected);
    console.log(`updated ${doc.readme}`);
  }
  if (stale.length === 0) console.log('configuration tables are up to date');
}

if (require.main === module) main(process.argv.slice(2));
