import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * models/README.md is where a newcomer learns how each shipped model was made. It names the data by
 * a path outside the repository, which must say that it is the developers' own data folder (not a
 * part of Argus), and it must tie each package folder to the model name the rest of Argus shows.
 */
const ROOT = path.resolve(__dirname, '../../../..');
const source = readFileSync(path.join(ROOT, 'models/README.md'), 'utf8');
// Line breaks in the Markdown source are spaces to a reader.
const readme = source.replace(/\s+/g, ' ');

describe('models/README.md', () => {
  it('says that a data path outside the repository is the developers’ data folder where it first names one', () => {
    const paragraphs = source.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' '));
    const first = paragraphs.find((p) => p.includes('../shared/'));
    expect(first).toBeDefined();
    expect(first).toContain("developers' data folder");
  });

  it('names the model each package folder holds, as the registry and console do', () => {
    // Package folders hold a metadata.json; others (models/continual/) group packages of their own.
    const folders = readdirSync(path.join(ROOT, 'models')).filter((name) => existsSync(path.join(ROOT, 'models', name, 'metadata.json')));
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) {
      const { name } = JSON.parse(readFileSync(path.join(ROOT, 'models', folder, 'metadata.json'), 'utf8')) as { name: string };
      expect(readme).toContain(`\`${folder}/\` is \`${name}\``);
    }
  });
});
