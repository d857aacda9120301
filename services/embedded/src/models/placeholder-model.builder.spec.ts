import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { placeholderName, prepareModelsFolder } from './placeholder-model.builder';

describe('prepareModelsFolder', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'argus-models-folder-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function shippedPackage(folder: string, modelName: string): Promise<void> {
    await mkdir(path.join(root, 'shipped', folder), { recursive: true });
    await writeFile(path.join(root, 'shipped', folder, 'metadata.json'), JSON.stringify({ name: modelName, version: '20261128T192216Z' }));
  }

  it('judges which feed a shipped package serves by its model name, not its folder (deeppcb holds pcb-template-s4)', async () => {
    await shippedPackage('deeppcb', 'pcb-template-s4');
    await shippedPackage('factory', 'factory-template-s8s16');
    const folder = await prepareModelsFolder(path.join(root, 'shipped'), path.join(root, 'data'), [
      { feed: 'factory', classes: ['scratch'] },
      { feed: 'pcb', classes: ['open'] },
    ]);
    expect(folder.shipped).toEqual([
      { folder: 'deeppcb', name: 'pcb-template-s4', version: '20261128T192216Z' },
      { folder: 'factory', name: 'factory-template-s8s16', version: '20261128T192216Z' },
    ]);
    expect(folder.placeholders).toEqual([]);
    expect((await readdir(folder.dir)).sort()).toEqual(['deeppcb', 'factory']);
  });

  it('removes a placeholder an earlier start left for a feed that now has a trained model', async () => {
    await shippedPackage('deeppcb', 'pcb-template-s4');
    const stale = path.join(root, 'data', 'models', placeholderName('pcb'));
    await mkdir(stale, { recursive: true });
    await writeFile(path.join(stale, 'metadata.json'), JSON.stringify({ name: placeholderName('pcb') }));
    const folder = await prepareModelsFolder(path.join(root, 'shipped'), path.join(root, 'data'), [{ feed: 'pcb', classes: ['open'] }]);
    expect(await readdir(folder.dir)).toEqual(['deeppcb']);
  });

  it('ignores folders that are not model packages', async () => {
    await mkdir(path.join(root, 'shipped', 'notes'), { recursive: true });
    await shippedPackage('factory', 'factory-template-s8s16');
    const folder = await prepareModelsFolder(path.join(root, 'shipped'), path.join(root, 'data'), [{ feed: 'factory', classes: ['scratch'] }]);
    expect(folder.shipped.map((m) => m.folder)).toEqual(['factory']);
  });
});
