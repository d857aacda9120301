import { describeEnvSchema, invalidConfigVariables } from '@argus/platform';
import { ADAPTERS, COMMAND, CONFIG_DOC_TARGETS, END_MARKER, renderConfigDocs, replaceConfigBlock, START_MARKER } from './config-docs';

describe('the configuration tables in the READMEs', () => {
  it.each(renderConfigDocs().map((doc) => [doc.readme, doc]))('%s is up to date', (readme, doc) => {
    if (doc.current !== doc.expected) {
      throw new Error(`${readme} is out of date: run \`${COMMAND}\` and commit the result`);
    }
  });

  // A service's loader on an empty environment names its required variables: its own, plus the
  // first required one of each adapter section it parses. So a section added to or dropped from
  // a loader without the same change in scripts/config-docs.ts fails here.
  const loaded = CONFIG_DOC_TARGETS.flatMap((t) => (t.load ? [[t.readme, t, t.load] as const] : []));
  it.each(loaded)('%s documents the sections its loader parses', (_, target, load) => {
    const own = describeEnvSchema(target.schema)
      .filter((v) => v.required)
      .map((v) => v.name);
    const sections = target.adaptersWhenSet
      ? []
      : (target.adapters ?? []).map((name) => describeEnvSchema(ADAPTERS[name].schema).find((v) => v.required)?.name);
    expect(invalidConfigVariables(load, {})).toEqual([...own, ...sections].sort());
  });
});

describe('replaceConfigBlock', () => {
  it('replaces only what is between the markers', () => {
    const readme = `# x\n\n${START_MARKER}\nold\n${END_MARKER}\n\n## after\n`;
    expect(replaceConfigBlock(readme, `${START_MARKER}\nnew\n${END_MARKER}`, 'x/README.md')).toBe(
      `# x\n\n${START_MARKER}\nnew\n${END_MARKER}\n\n## after\n`,
    );
  });

  it('names the README that has no markers', () => {
    expect(() => replaceConfigBlock('# x\n', 'block', 'x/README.md')).toThrow(/^x\/README.md has no <!-- config:start -->/);
  });
});
