import { DataFolderSizeProbe, formatBytes } from './data-folder-size.probe';

describe('DataFolderSizeProbe', () => {
  it('warns only once a measure is over the limit, and measures on refresh, not when asked for warnings', async () => {
    let bytes = 100;
    const measure = jest.fn(async () => bytes);
    const probe = new DataFolderSizeProbe('/data', 1024, 60_000, measure);
    expect(probe.warnings()).toEqual([]); // nothing measured yet
    await probe.refresh();
    expect(probe.warnings()).toEqual([]);
    bytes = 3 * 1024 * 1024;
    for (let i = 0; i < 5; i++) expect(probe.warnings()).toEqual([]); // the status line's ticks do not walk the folder
    expect(measure).toHaveBeenCalledTimes(1);
    await probe.refresh();
    expect(probe.warnings()).toEqual([expect.stringMatching(/^data folder 3\.0 MiB > 1\.0 KiB/)]);
  });

  it('never warns (nor walks) when the limit is off', async () => {
    const measure = jest.fn(async () => 10 ** 12);
    const probe = new DataFolderSizeProbe('/data', null, 60_000, measure);
    probe.start();
    await probe.stop();
    expect(measure).not.toHaveBeenCalled();
    expect(probe.warnings()).toEqual([]);
  });

  it('writes sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GiB');
    expect(formatBytes(300 * 1024 ** 2)).toBe('300 MiB');
  });
});
