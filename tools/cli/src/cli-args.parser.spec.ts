import {
  choiceOption,
  formatHelp,
  numberOption,
  parseCommandArgs,
  shellQuote,
  sizeOption,
  UsageError,
  type CommandSpec,
} from './cli-args.parser';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'a demo command',
  usage: 'argus demo --model DIR',
  options: {
    model: { type: 'string', valueName: 'DIR', required: true, description: 'model folder' },
    epochs: { type: 'string', valueName: 'N', description: 'epochs', default: '3' },
    resume: { type: 'boolean', description: 'resume' },
  },
  examples: ['argus demo --model m'],
};

describe('parseCommandArgs', () => {
  it('reads options, applies defaults, and returns undefined for --help', () => {
    expect(parseCommandArgs(spec, ['--model', 'm', '--resume'])).toEqual({ model: 'm', resume: true, epochs: '3' });
    expect(parseCommandArgs(spec, ['--model=m', '--epochs', '7'])).toMatchObject({ model: 'm', epochs: '7' });
    expect(parseCommandArgs(spec, ['--help'])).toBeUndefined();
  });

  it.each<[string[], string]>([
    [['--epochs', '2'], '--model is required (model folder)'],
    [['--model', 'm', '--bogus'], 'unknown option --bogus'],
    [['--model'], '--model needs a value'],
    [['--model', 'm', 'stray'], "unexpected argument 'stray' (options take the form --name value)"],
  ])('rejects %j: %s', (argv, message) => {
    expect(() => parseCommandArgs(spec, argv)).toThrow(new UsageError(message));
  });

  it('checks numbers, choices and sizes with messages naming the option', () => {
    expect(numberOption({ n: '12' }, 'n', { integer: true, min: 1 })).toBe(12);
    expect(numberOption({}, 'n')).toBeUndefined();
    expect(() => numberOption({ n: 'abc' }, 'n')).toThrow('--n must be a number, got "abc"');
    expect(() => numberOption({ n: '1.5' }, 'n', { integer: true })).toThrow('--n must be a whole number, got 1.5');
    expect(() => numberOption({ n: '0' }, 'n', { min: 1 })).toThrow('--n must be at least 1, got 0');
    expect(choiceOption({ f: 'json' }, 'f', ['deeppcb', 'json'])).toBe('json');
    expect(() => choiceOption({ f: 'xml' }, 'f', ['deeppcb', 'json'])).toThrow('--f must be one of deeppcb, json, got "xml"');
    expect(sizeOption({ crop: '160' }, 'crop')).toEqual({ width: 160, height: 160 });
    expect(sizeOption({ crop: '160x96' }, 'crop')).toEqual({ width: 160, height: 96 });
    expect(() => sizeOption({ crop: '1e3' }, 'crop')).toThrow('--crop must be N or WxH in pixels, got "1e3"');
  });
});

describe('formatHelp', () => {
  it('lists usage, every option with its value name, requirement and default, and examples', () => {
    const help = formatHelp(spec);
    expect(help).toContain('argus demo — a demo command');
    expect(help).toContain('Usage: argus demo --model DIR');
    expect(help).toMatch(/--model DIR\s+model folder \(required\)/);
    expect(help).toMatch(/--epochs N\s+epochs \(default 3\)/);
    expect(help).toMatch(/--resume\s+resume\n/);
    expect(help).toMatch(/--help\s+show this help/);
    expect(help).toContain('Examples:\n  argus demo --model m');
  });
});

describe('shellQuote', () => {
  it('quotes only what a shell would split or expand', () => {
    expect(['argus', 'deeppcb:../shared/x', "it's here", 'a b'].map(shellQuote).join(' ')).toBe(
      `argus deeppcb:../shared/x 'it'\\''s here' 'a b'`,
    );
  });
});
