import { parseArgs } from 'node:util';
import type { ModelRegistryRepository, ModelVersion, Promotion } from '@argus/persistence';
import type { ModelPromotionService } from '@argus/registry';
import type { RegistrationReport } from './shipped-models.registrar';

export const REGISTRY_CLI_USAGE = `Usage: registry-cli <command> [options]

Commands:
  list      [--name NAME] [--limit N]                        registered model versions, newest first
  promote   --line L --version ID --by WHO --reason TEXT      put a version into production on a line
  rollback  --line L --by WHO --reason TEXT                   return the line to its previous version
  history   --line L [--limit N]                              the line's promotions and rollbacks, newest first
  register  [--models-dir DIR]                                register the shipped models (as at start-up)

Promotions publish model.version.promoted.v1 after the database transaction committed;
every detection-inference instance switches at its next batch.`;

export interface RegistryCliDependencies {
  readonly registry: Pick<ModelRegistryRepository, 'listVersions' | 'promotionHistory' | 'findVersion'>;
  readonly promotions: Pick<ModelPromotionService, 'promote' | 'rollback'>;
  readonly registerShipped: (modelsDir: string | undefined) => Promise<RegistrationReport>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** A mistake in the command line: printed with the usage, exit code 2. */
export class RegistryCliUsageError extends Error {}

/** Runs one registry command; resolves to the exit code (0 ok, 1 failure, 2 usage). */
export async function runRegistryCli(argv: readonly string[], deps: RegistryCliDependencies): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'list': {
        const o = options(rest, { name: false, limit: false });
        const filter = { ...(o.name ? { name: o.name } : {}), ...(o.limit ? { limit: positive(o.limit, 'limit') } : {}) };
        const versions = await deps.registry.listVersions(filter);
        if (versions.length === 0) deps.out('no model versions registered');
        for (const v of versions) deps.out(describeVersion(v));
        return 0;
      }
      case 'promote': {
        const o = options(rest, { line: true, version: true, by: true, reason: true });
        const result = await deps.promotions.promote(o.line, o.version, o.by, o.reason);
        deps.out(
          result.changed
            ? `promoted: ${describePromotion(result.promotion)}`
            : `unchanged: ${o.version} is already in production on ${o.line}`,
        );
        return 0;
      }
      case 'rollback': {
        const o = options(rest, { line: true, by: true, reason: true });
        const result = await deps.promotions.rollback(o.line, o.by, o.reason);
        deps.out(`rolled back: ${describePromotion(result.promotion)}`);
        return 0;
      }
      case 'history': {
        const o = options(rest, { line: true, limit: false });
        const page = o.limit ? { limit: positive(o.limit, 'limit') } : {};
        const history = await deps.registry.promotionHistory(o.line, page);
        if (history.length === 0) deps.out(`line ${o.line} has no promotion history`);
        for (const p of history) deps.out(describePromotion(p));
        return 0;
      }
      case 'register': {
        const o = options(rest, { 'models-dir': false });
        const report = await deps.registerShipped(o['models-dir']);
        for (const r of report.registered) deps.out(`${r.created ? 'registered' : 'already registered'}: ${describeVersion(r.version)}`);
        for (const a of report.assigned) deps.out(`line ${a.lineId} now runs ${a.modelVersionId}`);
        for (const u of report.unassigned) deps.out(`line ${u.lineId} has no production model: ${u.reason}`);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
        deps.out(REGISTRY_CLI_USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new RegistryCliUsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof RegistryCliUsageError) {
      deps.err(`registry-cli: ${error.message}\n\n${REGISTRY_CLI_USAGE}`);
      return 2;
    }
    const code = (error as { code?: unknown }).code;
    deps.err(
      `registry-cli ${command}: ${error instanceof Error ? error.message : String(error)}${typeof code === 'string' ? ` (${code})` : ''}`,
    );
    return 1;
  }
}

function options<K extends string>(argv: readonly string[], spec: Record<K, boolean>): Record<K, string> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.keys(spec).map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new RegistryCliUsageError(error instanceof Error ? error.message : String(error));
  }
  for (const [name, required] of Object.entries(spec)) {
    const value = values[name];
    if (required && (typeof value !== 'string' || value.trim() === '')) throw new RegistryCliUsageError(`--${name} is required`);
  }
  return values as Record<K, string>;
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new RegistryCliUsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

function describeVersion(v: ModelVersion): string {
  const metrics = Object.entries(v.metrics)
    .map(([k, n]) => `${k}=${Number(n.toFixed(4))}`)
    .join(' ');
  return `${v.id}  ${v.name} ${v.version}  ${v.backend}${v.usesTemplate ? ' template' : ''}  [${v.classes.join(', ')}]  ${v.artifactKey}  ${v.createdAt.toISOString()}${metrics ? `  ${metrics}` : ''}`;
}

function describePromotion(p: Promotion): string {
  return `${p.promotedAt.toISOString()}  ${p.lineId}  ${p.kind}  ${p.fromVersionId ?? '(none)'} → ${p.toVersionId}  by ${p.promotedBy}: ${p.reason}`;
}
