import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeadLetterHeaders, deadLetterTopicFor } from '@argus/contracts';
import { noSleeper } from '../backoff.sleeper';
import { decodeHeaders } from '../message.headers';
import { NonRetryableError } from '../non-retryable.error';
import { RecordingLogger } from '../testing/recording.logger';
import { testEvent, uniqueGroupId, uniqueTestTopic } from '../testing/test-event.topic';
import { FileDeadLetterJournal } from './dead-letter.journal';
import { InMemoryMessageBusAdapter } from './in-memory-message-bus.adapter';

describe('the in-memory bus with a dead-letter journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-dlq-journal-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const topic = uniqueTestTopic(2);
  const dlq = deadLetterTopicFor(topic.name);

  /** One run of a process: a bus on the journal, topics ensured. */
  async function run(journal: FileDeadLetterJournal) {
    const bus = new InMemoryMessageBusAdapter({ logger: new RecordingLogger(), sleep: noSleeper, deadLetterJournal: journal });
    await bus.ensureTopics([topic]);
    return bus;
  }

  it('still has its dead letters after a restart: the counts the dashboard shows and the records themselves', async () => {
    const journal = new FileDeadLetterJournal(path.join(dir, 'bus', 'dead-letters.jsonl'));
    const first = await run(journal);
    await first.subscribe(topic, {
      groupId: uniqueGroupId('doomed'),
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: async (event) => {
        if (event.seq === 1) throw new NonRetryableError('frame cannot be scored', { code: 'frame-undecodable' });
      },
    });
    await first.start();
    await first.publish(topic, testEvent('line-1/cam-1', 0));
    await first.publish(topic, testEvent('line-1/cam-1', 1));
    await first.idle(2000);
    expect((await first.pipelineHealth()).deadLetters).toEqual([{ topic: dlq, count: 1 }]);
    await first.stop();

    const second = await run(journal); // a new process: nothing in memory
    expect((await second.pipelineHealth()).deadLetters).toEqual([{ topic: dlq, count: 1 }]);
    const [record] = second.deadLetters(topic);
    expect(JSON.parse(record?.value?.toString() ?? '{}')).toMatchObject({ key: 'line-1/cam-1', seq: 1 });
    expect(decodeHeaders(record?.headers)).toMatchObject({
      [DeadLetterHeaders.errorCode]: 'frame-undecodable',
      [DeadLetterHeaders.originalTopic]: topic.name,
    });

    await second.ensureTopics([topic]); // ensured again (another module): not restored twice
    expect((await second.pipelineHealth()).deadLetters).toEqual([{ topic: dlq, count: 1 }]);
    await second.stop();
  });

  it('skips a line torn by a crash mid-write and keeps the ones after it', async () => {
    const file = path.join(dir, 'dead-letters.jsonl');
    const journal = new FileDeadLetterJournal(file);
    await journal.append({ topic: dlq, key: 'k', value: Buffer.from('{"a":1}'), headers: { h: 'v' } });
    await appendFile(file, '{"topic":"half');
    await journal.append({ topic: dlq, key: null, value: null, headers: {} });
    expect(await journal.load()).toEqual([
      { topic: dlq, key: 'k', value: Buffer.from('{"a":1}'), headers: { h: 'v' } },
      { topic: dlq, key: null, value: null, headers: {} },
    ]);
  });

  it('reads a journal that does not exist yet as empty', async () => {
    expect(await new FileDeadLetterJournal(path.join(dir, 'none.jsonl')).load()).toEqual([]);
  });
});
