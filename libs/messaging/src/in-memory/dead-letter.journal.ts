import { appendFile, mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { decodeHeaders } from '../message.headers';
import type { DeadLetterRecord } from '../message.processor';

/** A dead letter as the journal keeps it: what `<topic>.dlq` held, headers as strings. */
export interface JournaledDeadLetter {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Where the in-memory bus keeps its dead letters beyond the process: written before a dead-lettered
 * message is acknowledged, read back into the `.dlq` topics at the next start. Kafka keeps its
 * `.dlq` topics itself; without a journal the in-memory bus forgets them (and the dashboard's
 * dead-letter counts fall to 0) on every restart while the failed frames stay failed.
 */
export interface DeadLetterJournal {
  load(): Promise<readonly JournaledDeadLetter[]>;
  append(record: DeadLetterRecord): Promise<void>;
}

interface JournalLine {
  readonly topic: string;
  readonly key: string | null;
  /** Base64; null for a message without a value. */
  readonly value: string | null;
  readonly headers: Record<string, string>;
}

/**
 * A dead-letter journal in a file, one JSON line per dead letter, appended (dead letters are rare,
 * and kept as long as the data folder). A torn last line (a crash mid-write) is skipped on load.
 */
export class FileDeadLetterJournal implements DeadLetterJournal {
  constructor(readonly file: string) {}

  async load(): Promise<readonly JournaledDeadLetter[]> {
    const text = await readFile(this.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const records: JournaledDeadLetter[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let parsed: JournalLine;
      try {
        parsed = JSON.parse(line) as JournalLine;
      } catch {
        continue; // the torn end of an interrupted append
      }
      records.push({
        topic: parsed.topic,
        key: parsed.key,
        value: parsed.value === null ? null : Buffer.from(parsed.value, 'base64'),
        headers: parsed.headers,
      });
    }
    return records;
  }

  async append(record: DeadLetterRecord): Promise<void> {
    const line: JournalLine = {
      topic: record.topic,
      key: record.key === null ? null : record.key.toString(),
      value: record.value === null ? null : record.value.toString('base64'),
      headers: decodeHeaders(record.headers),
    };
    await mkdir(path.dirname(this.file), { recursive: true });
    // A line starting with a newline: one torn by an earlier crash cannot swallow this one.
    await appendFile(this.file, `\n${JSON.stringify(line)}\n`);
  }
}
