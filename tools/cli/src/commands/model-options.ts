import { readFile } from 'node:fs/promises';
import { defaultSpec, FEEDS, validateSpec, type ArchitectureSpec, type Feed } from '@argus/vision';
import { UsageError } from '../cli-args.parser';

/** The architecture for `--feed` / `--spec`: a JSON spec file wins over the feed's default. */
export async function resolveSpec(feed: string | undefined, specFile: string | undefined): Promise<ArchitectureSpec> {
  if (specFile !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(specFile, 'utf8'));
    } catch (error) {
      throw new UsageError(`--spec ${specFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return validateSpec(json);
  }
  if (feed === undefined) throw new UsageError(`give --feed (${FEEDS.join(', ')}) or --spec FILE`);
  if (!(FEEDS as readonly string[]).includes(feed)) throw new UsageError(`--feed must be one of ${FEEDS.join(', ')}, got "${feed}"`);
  return defaultSpec(feed as Feed);
}
