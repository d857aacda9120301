import {
  benchmarkOnnxInference,
  benchmarkTfjsInference,
  benchmarkTraining,
  countMacs,
  countParams,
  DetectorRunner,
  evaluateModel,
  exportDetectorToOnnx,
  folderPackageFiles,
  loadModelPackage,
  loadTrainingData,
  parseTrainingDataSource,
  selectTfBackend,
  silentVisionLogger,
  type ThroughputMeasurement,
  type TrainingDataOptions,
} from '@argus/vision';
import { formatHelp, numberOption, parseCommandArgs, requiredString, stringOption, type CommandSpec } from '../cli-args.parser';
import type { CliCommand } from './command';
import type { CliContext } from './cli-context';
import { formatReport } from './eval.command';

const spec: CommandSpec = {
  name: 'bench',
  summary: 'parameters, MACs, inference images/s (ONNX Runtime vs TF.js, batch 1 and 8), training images/s, accuracy',
  usage: 'argus bench --model DIR [--data SOURCE] [options]',
  options: {
    model: { type: 'string', valueName: 'DIR', required: true, description: 'model package folder' },
    data: {
      type: 'string',
      valueName: 'SOURCE',
      description: "labelled data for the accuracy line (default: the model's training data; its validation split)",
    },
    seconds: { type: 'string', valueName: 'S', description: 'time per throughput measurement', default: '3' },
    threads: { type: 'string', valueName: 'N', description: 'ONNX Runtime threads', default: '2' },
    'train-batch-size': { type: 'string', valueName: 'N', description: "batch of the training measurement (default the model's)" },
    'no-accuracy': { type: 'boolean', description: 'skip the accuracy measurement' },
  },
  examples: ['argus bench --model models/deeppcb'],
};

const rate = (m: ThroughputMeasurement): string =>
  `${m.imagesPerSecond.toFixed(1)} images/s (${m.msPerBatch.toFixed(1)} ms per batch of ${m.batchSize})`;

export const benchCommand: CliCommand = {
  spec,
  async run(argv, context: CliContext): Promise<number> {
    const values = parseCommandArgs(spec, argv);
    if (values === undefined) {
      context.out(formatHelp(spec));
      return 0;
    }
    const pkg = await loadModelPackage(folderPackageFiles(requiredString(values, 'model')));
    const m = pkg.metadata;
    const seconds = numberOption(values, 'seconds', { min: 0.1 }) as number;
    const threads = numberOption(values, 'threads', { integer: true, min: 1 }) as number;
    const backend = await selectTfBackend({ logger: silentVisionLogger });
    const say = context.out;
    say(
      `argus bench: ${m.name} ${m.version} — input ${m.input.width}x${m.input.height}x${m.input.modelChannels} (template ${m.template.mode}), ${m.classes.length} classes`,
    );
    say(`parameters ${countParams(m.spec).toLocaleString('en-US')}; MACs per image ${(countMacs(m.spec) / 1e9).toFixed(3)} G`);
    const onnx = pkg.onnx ?? exportDetectorToOnnx(m.spec, pkg.weights);
    const measure = { minSeconds: seconds };
    const results: Record<string, ThroughputMeasurement> = {};
    for (const batch of [1, 8]) {
      results[`onnx${batch}`] = await benchmarkOnnxInference(onnx, m.spec, batch, { ...measure, threads });
      results[`tfjs${batch}`] = await benchmarkTfjsInference(m.spec, pkg.weights, batch, measure);
      const ratio =
        (results[`onnx${batch}`] as ThroughputMeasurement).imagesPerSecond /
        (results[`tfjs${batch}`] as ThroughputMeasurement).imagesPerSecond;
      say(
        `inference, batch ${batch} (model only): ONNX Runtime ${rate(results[`onnx${batch}`] as ThroughputMeasurement)}; TF.js-${backend.choice} ${rate(results[`tfjs${batch}`] as ThroughputMeasurement)}; ratio ${ratio.toFixed(1)}x`,
      );
    }
    const config = m.training?.config ?? {};
    const crop = config['crop'] as { width: number; height: number } | undefined;
    const trainBatch =
      numberOption(values, 'train-batch-size', { integer: true, min: 1 }) ?? (config['batchSize'] as number | undefined) ?? 8;
    const training = await benchmarkTraining(m.spec, pkg.weights, {
      batchSize: trainBatch,
      ...(crop ? { crop } : {}),
      minSeconds: seconds,
    });
    say(`training (TF.js-${backend.choice}, ${crop ? `${crop.width}x${crop.height} crops` : 'whole images'}): ${rate(training)}`);
    if (values['no-accuracy'] === true) return 0;
    const dataText = stringOption(values, 'data') ?? m.training?.data.source;
    if (dataText === undefined) {
      say('accuracy: skipped (no --data and the model records no training data)');
      return 0;
    }
    const recorded = (m.training?.data.options ?? {}) as Partial<TrainingDataOptions>;
    let data;
    try {
      data = await loadTrainingData(parseTrainingDataSource(dataText), {
        ...recorded,
        seed: recorded.seed ?? (config['seed'] as number | undefined) ?? 1,
      });
    } catch (error) {
      say(`accuracy: skipped (${error instanceof Error ? error.message : String(error)})`);
      return 0;
    }
    const runner = await DetectorRunner.open(pkg, { threads });
    try {
      const evaluation = await evaluateModel(runner, data.validation);
      say(
        `accuracy on ${data.source} validation split (${data.validation.length} images, ${runner.runtime}, ${evaluation.imagesPerSecond.toFixed(1)} images/s end to end incl. decoding):`,
      );
      say(formatReport(evaluation.report));
    } finally {
      await runner.dispose();
    }
    return 0;
  },
};
