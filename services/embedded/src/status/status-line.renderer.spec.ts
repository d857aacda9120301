import type { PipelineStatus } from './pipeline-status.monitor';
import { formatStatusLine, StatusLineRenderer } from './status-line.renderer';

const status: PipelineStatus = {
  framesStoredPerSecond: 5.94,
  framesScoredPerSecond: 5.81,
  alertsPerMinute: 12,
  duplicatesSkipped: 3,
  totals: { framesStored: 1532, framesScored: 1530, alerts: 40 },
  deadLetters: 2,
  models: [
    { lineId: 'factory-1', model: 'factory-template-s8s16@v3' },
    { lineId: 'pcb-1', model: 'pcb-template-s4@v2' },
  ],
};

describe('status line', () => {
  it('reads new frames stored and scored per second, alerts/min, duplicates apart, the totals of all runs, the model per line and the console URL', () => {
    expect(formatStatusLine(status, 'http://127.0.0.1:3000/')).toBe(
      '5.9 frames/s stored · 5.8 scored · 12 alerts/min · 3 duplicates skipped · all runs: 1532 frames, 1530 scored, 40 alerts, 2 dead letters · factory-1 factory-template-s8s16@v3 · pcb-1 pcb-template-s4@v2 · console http://127.0.0.1:3000/',
    );
  });

  it('says it waits for the first frame before any model has scored one, and leaves dead letters out until read', () => {
    expect(formatStatusLine({ ...status, models: [], duplicatesSkipped: 1, deadLetters: undefined }, undefined)).toBe(
      '5.9 frames/s stored · 5.8 scored · 12 alerts/min · 1 duplicate skipped · all runs: 1532 frames, 1530 scored, 40 alerts · models: waiting for the first frame',
    );
  });

  it('adds each line model’s recorded AP, what the fine-tune loop does on the line, and the scripted reviewer’s decisions', () => {
    const learning: PipelineStatus = {
      ...status,
      models: [
        {
          lineId: 'factory-1',
          model: 'factory-template-s8s16@v3',
          ap50: { value: 0.71234, split: 'holdout' },
          learning: { state: 'training', phase: 'training', step: 12, totalSteps: 40 },
        },
        {
          lineId: 'pcb-1',
          model: 'pcb-template-s4@v2',
          learning: { state: 'candidate', candidate: { model: 'pcb-ft@job-1', ap50: { value: 0.5, split: 'holdout' } }, gatesPassed: true },
        },
        { lineId: 'pcb-2', model: 'pcb-template-s4@v2', learning: { state: 'training', phase: 'gating', step: 40, totalSteps: 40 } },
        { lineId: 'pcb-3', model: 'pcb-template-s4@v2', learning: { state: 'failed', outcome: 'failed', errorCode: 'training.bad-data' } },
      ],
      reviewer: { confirmed: 2, corrected: 1, rejected: 6, skipped: 3 },
    };
    expect(formatStatusLine(learning, undefined)).toBe(
      '5.9 frames/s stored · 5.8 scored · 12 alerts/min · 3 duplicates skipped · all runs: 1532 frames, 1530 scored, 40 alerts, 2 dead letters · ' +
        'factory-1 factory-template-s8s16@v3 AP50 0.712 (holdout) [training job: step 12/40] · ' +
        'pcb-1 pcb-template-s4@v2 [candidate pcb-ft@job-1 AP50 0.500 (holdout), gates passed] · ' +
        'pcb-2 pcb-template-s4@v2 [training job: gating] · ' +
        'pcb-3 pcb-template-s4@v2 [training job failed: training.bad-data] · ' +
        'scripted reviews 9 (2 confirmed, 1 corrected, 6 rejected)',
    );
  });

  it('puts a warning first (so a narrow terminal does not cut it off)', () => {
    const line = formatStatusLine({ ...status, warnings: ['data folder 1.3 GiB > 1.0 GiB'] }, undefined);
    expect(line).toBe(`⚠ data folder 1.3 GiB > 1.0 GiB · ${formatStatusLine(status, undefined)}`);
  });

  it('rewrites one line in place on a terminal, cut to its width, and ends it on stop', () => {
    const written: string[] = [];
    const renderer = new StatusLineRenderer({ isTTY: true, columns: 40, write: (t) => written.push(t) }, () => status, undefined, 1000);
    renderer.render();
    renderer.stop();
    const clearLine = '\r\u001b[2K';
    expect(written[0]?.startsWith(clearLine)).toBe(true);
    const shown = written[0]?.slice(clearLine.length) ?? '';
    expect(shown).toMatch(/^5\.9 frames\/s stored · 5\.8 scored · .*…$/);
    expect(shown).toHaveLength(39);
    expect(written[written.length - 1]).toBe('\n');
  });

  it('prints a plain timestamped line per tick when not on a terminal', () => {
    const written: string[] = [];
    const clock = () => new Date('2026-01-02T03:04:05.000Z');
    const renderer = new StatusLineRenderer({ isTTY: false, write: (t) => written.push(t) }, () => status, undefined, 1000, clock);
    renderer.render();
    expect(written).toEqual([`[2026-01-02T03:04:05.000Z] status: ${formatStatusLine(status, undefined)}\n`]);
  });
});
