import { modelsBannerLines } from './models-banner.formatter';

describe('modelsBannerLines', () => {
  it('names shipped models by model name and version, not by their folder', () => {
    const lines = modelsBannerLines(
      {
        shipped: [
          { folder: 'deeppcb', name: 'pcb-template-s4', version: '20261128T192216Z' },
          { folder: 'factory', name: 'factory-template-s8s16', version: '20261128T193043Z' },
        ],
        placeholders: [],
      },
      'models',
    );
    expect(lines).toEqual(['  models   shipped: pcb-template-s4@20261128T192216Z, factory-template-s8s16@20261128T193043Z (from models; registered, and promoted on lines without a model)']);
    expect(lines.join('\n')).not.toMatch(/deeppcb/);
  });

  it('names the untrained placeholders the same way, and says they are untrained', () => {
    const lines = modelsBannerLines({ shipped: [], placeholders: ['factory', 'pcb'] }, '/nowhere');
    expect(lines[0]).toBe('  models   no trained model for factory, pcb in /nowhere:');
    expect(lines[1]).toBe('           using factory-placeholder-untrained@1, pcb-placeholder-untrained@1 — UNTRAINED (random weights):');
  });
});
