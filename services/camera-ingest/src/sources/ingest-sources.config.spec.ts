import { IngestSourcesConfigError, parseIngestSources } from './ingest-sources.config';

function problems(text: string): readonly string[] {
  try {
    parseIngestSources(text, 'sources.json');
  } catch (error) {
    if (error instanceof IngestSourcesConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('ingest sources configuration', () => {
  it('parses the three kinds of sources and fills the defaults', () => {
    const sources = parseIngestSources(
      JSON.stringify({
        sources: [
          { kind: 'folder', lineId: 'factory-1', cameraId: 'cam-1', path: '/data/in' },
          { kind: 'simulator', lineId: 'factory-1', cameraId: 'cam-2', feed: 'factory', fps: 2 },
          { kind: 'replay', lineId: 'pcb-1', cameraId: 'aoi-1', path: '/data/deeppcb', fps: 0.5, loop: true },
        ],
      }),
    );
    expect(sources).toEqual([
      { kind: 'folder', lineId: 'factory-1', cameraId: 'cam-1', path: '/data/in', pollIntervalMs: 500, stableForMs: 1000 },
      {
        kind: 'simulator',
        lineId: 'factory-1',
        cameraId: 'cam-2',
        feed: 'factory',
        fps: 2,
        seed: 1,
        width: 256,
        height: 256,
        format: 'png',
        startIndex: 0,
        withTemplate: true,
      },
      { kind: 'replay', lineId: 'pcb-1', cameraId: 'aoi-1', path: '/data/deeppcb', fps: 0.5, loop: true, withTemplate: true },
    ]);
  });

  it('names every problem with its path', () => {
    expect(
      problems(
        JSON.stringify({
          sources: [
            { kind: 'simulator', lineId: 'Factory 1', cameraId: 'cam-1', feed: 'space', fps: 0 },
            { kind: 'folder', lineId: 'l', cameraId: 'c', path: '/x', pollInterval: 5 },
          ],
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^sources\[0\]\.lineId: must be a lowercase slug/),
      expect.stringMatching(/^sources\[0\]\.feed: /),
      expect.stringMatching(/^sources\[0\]\.fps: /),
      expect.stringMatching(/^sources\[1\]: .*pollInterval/),
    ]);
    expect(problems(JSON.stringify({ sources: [{ kind: 'webcam', lineId: 'l', cameraId: 'c' }] }))).toEqual([
      expect.stringMatching(/^sources\[0\]\.kind: /),
    ]);
  });

  it('takes a defect rate for template feeds only', () => {
    const simulator = { kind: 'simulator', lineId: 'pcb-1', cameraId: 'aoi-1', fps: 2 };
    expect(parseIngestSources(JSON.stringify({ sources: [{ ...simulator, feed: 'pcb', defectRate: 0.05 }] }))[0]).toMatchObject({
      defectRate: 0.05,
    });
    expect(problems(JSON.stringify({ sources: [{ ...simulator, feed: 'medical', defectRate: 0.05 }] }))).toEqual([
      'sources[0].defectRate: defectRate applies to the template feeds (factory, pcb) only',
    ]);
    expect(problems(JSON.stringify({ sources: [{ ...simulator, feed: 'pcb', defectRate: 2 }] }))).toEqual([
      expect.stringMatching(/^sources\[0\]\.defectRate: /),
    ]);
  });

  it('refuses text that is not JSON, and one camera fed by two sources', () => {
    expect(problems('{ sources: [')).toEqual([expect.stringMatching(/^not JSON: /)]);
    expect(
      problems(
        JSON.stringify({
          sources: [
            { kind: 'folder', lineId: 'l', cameraId: 'c', path: '/a' },
            { kind: 'simulator', lineId: 'l', cameraId: 'c', feed: 'pcb', fps: 1 },
          ],
        }),
      ),
    ).toEqual(['sources[1]: camera l/c is already fed by sources[0]']);
  });

  it('says which file and variable in its message', () => {
    expect(() => parseIngestSources('[]', '/etc/argus/sources.json')).toThrow(
      /^ARGUS_INGEST_SOURCES \(\/etc\/argus\/sources.json\) is invalid: \(root\): /,
    );
  });
});
