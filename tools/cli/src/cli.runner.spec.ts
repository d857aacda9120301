import { COMMANDS, runCli } from './cli.runner';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    argusVersion: '1.2.3',
    installSignalHandlers: false,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('argus CLI', () => {
  it('has train, finetune, adapt, meta-train, eval, export, detect, bench and search', () => {
    expect(COMMANDS.map((c) => c.spec.name)).toEqual([
      'train',
      'finetune',
      'adapt',
      'meta-train',
      'eval',
      'export',
      'detect',
      'bench',
      'search',
    ]);
  });

  it('prints the command list for --help and with no command (exit 2)', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['train', 'eval', 'export', 'detect', 'bench']) expect(help.out).toMatch(new RegExp(`\\n  ${name}\\s+\\S`));
    expect((await run([])).code).toBe(2);
    expect((await run(['--version'])).out).toBe('1.2.3');
  });

  it.each(['train', 'eval', 'export', 'detect', 'bench', 'search'])('prints --help for %s', async (name) => {
    const result = await run([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`argus ${name} — `);
    expect(result.out).toContain('Usage: argus ');
    expect(result.out).toMatch(/--model DIR|--data SOURCE/);
  });

  it('documents the detect contract in its help', async () => {
    const { out } = await run(['detect', '--help']);
    expect(out).toMatch(/--format F\s+deeppcb \(x1,y1,x2,y2,confidence,type a line\) or json \(default deeppcb\)/);
    expect(out).toContain('<id>_test.jpg (+ <id>_temp.jpg for template models; sub-folders searched too)');
  });

  it('fails an unknown command or a bad option with exit 2 and a pointer to --help', async () => {
    const unknown = await run(['trian']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('argus: unknown command "trian"');
    const bad = await run(['detect', '--model', 'm', '--input', 'i', '--out', 'o', '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('argus detect: --format must be one of deeppcb, json, got "xml"\nSee: argus detect --help');
    const missing = await run(['train', '--feed', 'pcb', '--out', 'x']);
    expect(missing.err).toContain('argus train: --data is required');
    const epochs = await run(['train', '--data', 'synthetic:factory', '--feed', 'factory', '--out', 'x', '--epochs', 'many']);
    expect(epochs.code).toBe(2);
    expect(epochs.err).toContain('--epochs must be a number, got "many"');
  });

  it('explains a bad data source or feed before doing any work', async () => {
    const source = await run(['train', '--data', 'coco:/x', '--feed', 'pcb', '--out', 'x']);
    expect(source.code).toBe(1);
    expect(source.err).toContain(
      'argus train: --data coco:/x: unknown data source "coco" (use deeppcb:PATH, voc:PATH, manifest:PATH or synthetic:FEED',
    );
    const feed = await run(['train', '--data', 'synthetic:factory', '--feed', 'space', '--out', 'x']);
    expect(feed.code).toBe(2);
    expect(feed.err).toContain('--feed must be one of factory, pcb, medical, driving, got "space"');
    const synthetic = await run(['train', '--data', 'synthetic:moon', '--feed', 'pcb', '--out', 'x']);
    expect(synthetic.err).toContain('unknown synthetic feed "moon"');
  });
});
