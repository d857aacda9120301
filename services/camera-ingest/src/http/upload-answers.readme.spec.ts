import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CommonErrorCodes, DEFAULT_ERROR_HTTP_STATUS } from '@argus/platform';
import { CAMERA_INGEST_ERROR_HTTP_STATUS } from '../ingest/frame-ingest.errors';

/**
 * The table of upload answers in docs/operators/uploading-frames.md is what camera vendors integrate
 * against. It must list every status the upload path can answer: camera-ingest's own codes, and the
 * platform's common codes that its HTTP layer throws (found in the source, so a new `throw` there is
 * caught here too).
 */
const ROOT = path.resolve(__dirname, '../../../..');
const HTTP_DIR = __dirname;

function documentedStatuses(): Set<number> {
  const doc = readFileSync(path.join(ROOT, 'docs/operators/uploading-frames.md'), 'utf8');
  const section = doc.split('\n## The answers')[1]?.split('\n## ')[0];
  if (!section) throw new Error('docs/operators/uploading-frames.md has no "The answers" section');
  const statuses = new Set<number>();
  for (const row of section.split('\n').filter((line) => line.startsWith('| '))) {
    const firstCell = row.split('|')[1] ?? '';
    for (const status of firstCell.match(/\b[2-5]\d\d\b/g) ?? []) statuses.add(Number(status));
  }
  return statuses;
}

function commonCodesThrownByHttpLayer(): string[] {
  const codes = new Set<string>();
  for (const file of readdirSync(HTTP_DIR).filter((f) => f.endsWith('.ts') && !f.includes('spec'))) {
    const source = readFileSync(path.join(HTTP_DIR, file), 'utf8');
    for (const match of source.matchAll(/CommonErrorCodes\.(\w+)/g)) codes.add(match[1] as string);
  }
  return [...codes];
}

describe('docs/operators/uploading-frames.md: the table of upload answers', () => {
  it('lists every status of camera-ingest’s own error codes', () => {
    const documented = documentedStatuses();
    const missing = Object.entries(CAMERA_INGEST_ERROR_HTTP_STATUS).filter(([, status]) => !documented.has(status));
    expect(missing).toEqual([]);
  });

  it('lists the status of every common error code the upload path throws (400 for a bad request)', () => {
    const thrown = commonCodesThrownByHttpLayer();
    expect(thrown).toContain('validationFailed');
    const documented = documentedStatuses();
    const missing = thrown
      .map((name) => ({ name, status: DEFAULT_ERROR_HTTP_STATUS[(CommonErrorCodes as Record<string, string>)[name] ?? ''] }))
      .filter(({ status }) => status === undefined || !documented.has(status));
    expect(missing).toEqual([]);
  });
});
