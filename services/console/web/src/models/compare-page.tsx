import { useMemo, useState } from 'react';
import { apiRequest, queryString } from '../api/api-client';
import type { EvaluationComparability, EvaluationData, Line, ModelComparison, ModelDetail, ModelSummary } from '../api/api-types';
import { useApi } from '../api/use-api';
import { Link } from '../router/router';
import { formatNumber, formatTime, modelLabel } from '../ui/format';
import { CompareTable } from './compare-table';
import { PromotePanel } from './promote-panel';
import { PrPlot } from './pr-plot';
import { specSummary } from './spec-summary';

export const COLOUR_A = '#2563eb';
export const COLOUR_B = '#ea580c';

export function ComparePage({ search }: { search: string }) {
  const params = new URLSearchParams(search);
  const a = params.get('a') ?? '';
  const b = params.get('b') ?? '';
  const path = a && b ? `/api/v1/models/compare${queryString({ a, b })}` : null;
  const comparison = useApi(path, (p, signal) => apiRequest<ModelComparison>(p, { signal }));
  const models = useApi('/api/v1/models', (p, signal) => apiRequest<{ items: ModelSummary[] }>(p, { signal }));
  const lines = useApi('/api/v1/lines', (p, signal) => apiRequest<{ items: Line[] }>(p, { signal }));
  const data = comparison.data;
  const classNames = useMemo(() => data?.perClass.map((r) => r.className) ?? [], [data]);
  const [plotClass, setPlotClass] = useState<string | null>(null);
  const shownClass = plotClass && classNames.includes(plotClass) ? plotClass : (classNames[0] ?? null);

  if (!path)
    return (
      <section className="page">
        <p className="error">Pick two versions to compare on the <Link href="/models">models page</Link>.</p>
      </section>
    );

  const curveOf = (m: ModelDetail) => m.evaluation?.perClass.find((c) => c.className === shownClass)?.curve50 ?? null;

  return (
    <section className="page compare-page">
      <div className="page-head">
        <Link href="/models" className="back">
          ← Models
        </Link>
        <h1>Compare versions</h1>
      </div>
      {comparison.error && <p className="error" role="alert">{comparison.error}</p>}
      {comparison.loading && !data && <p className="muted">Loading the comparison…</p>}
      {data && (
        <>
          <EvaluationDataNotice comparison={data} />
          <div className="compare-grid">
            <ModelCard model={data.a} tag="A" colour={COLOUR_A} />
            <ModelCard model={data.b} tag="B" colour={COLOUR_B} />
          </div>
          <div className="compare-body">
            <div className="panel">
              <h2>Per-class average precision</h2>
              <CompareTable comparison={data} />
            </div>
            <div className="panel">
              <h2>
                Precision–recall at IoU 0.5{' '}
                <select aria-label="Class for the precision–recall plot" className="inline-select" value={shownClass ?? ''} onChange={(e) => setPlotClass(e.target.value)}>
                  {classNames.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </h2>
              <PrPlot
                title={shownClass ?? ''}
                series={[
                  { label: `A · ${modelLabel(data.a)}`, colour: COLOUR_A, curve: curveOf(data.a) },
                  { label: `B · ${modelLabel(data.b)}`, colour: COLOUR_B, curve: curveOf(data.b) },
                ]}
              />
              {!data.evaluationData.comparable && (
                <p className="muted small">
                  {data.evaluationData.verdict === 'different'
                    ? 'Each curve is on its own evaluation data: they show each model on its data, not which one is better.'
                    : 'The curves may be on different images: read them with care.'}
                </p>
              )}
            </div>
          </div>
        </>
      )}
      {data && lines.data && models.data && lines.data.items.length > 0 && (
        <PromotePanel lines={lines.data.items} models={models.data.items} initialVersionId={b} onChanged={() => comparison.reload()} />
      )}
    </section>
  );
}

export function describeEvaluationData(d: EvaluationData): string {
  return `${d.source} (${d.split} split, ${d.imageCount} images)`;
}

/**
 * Says loudly when the two versions were not evaluated on the same images, on which data each
 * was, and how to evaluate both on the same data. Nothing when they were.
 */
export function EvaluationDataNotice({ comparison }: { comparison: ModelComparison }) {
  const e: EvaluationComparability = comparison.evaluationData;
  if (e.verdict === 'same') return null;
  const different = e.verdict === 'different';
  const source = e.b?.source ?? e.a?.source ?? 'SOURCE';
  return (
    <div className={`panel data-notice ${different ? 'not-comparable' : 'unverified'}`} role={different ? 'alert' : 'note'} data-testid="compare-data-notice" data-verdict={e.verdict}>
      <h2>{different ? 'Not comparable: evaluated on different data' : 'Not confirmed: perhaps not the same evaluation images'}</h2>
      <p>{e.reason}</p>
      <ul className="small">
        <li>
          A · {modelLabel(comparison.a)}: {e.a ? describeEvaluationData(e.a) : 'no evaluation report'}
        </li>
        <li>
          B · {modelLabel(comparison.b)}: {e.b ? describeEvaluationData(e.b) : 'no evaluation report'}
        </li>
      </ul>
      <p className="small">
        {different
          ? 'The per-class deltas are hidden: a higher AP on other images says nothing about which model is better. '
          : 'The deltas are shown grey, not as wins or losses. '}
        To compare them, evaluate both packages with the CLI on the same data and split (the same --data, --split, --seed and --val-fraction for both) and compare the two reports:
      </p>
      <pre className="mono small">
        {`npx argus eval --model DIR_OF_A --data ${source} --split validation --seed 1 --report tmp/a.json\n` +
          `npx argus eval --model DIR_OF_B --data ${source} --split validation --seed 1 --report tmp/b.json`}
      </pre>
    </div>
  );
}

function ModelCard({ model, tag, colour }: { model: ModelDetail; tag: string; colour: string }) {
  const evaluation = model.evaluation;
  return (
    <div className="panel model-card" style={{ borderTopColor: colour }}>
      <h2>
        <span className="tag" style={{ background: colour }}>
          {tag}
        </span>{' '}
        <Link href={`/models/${encodeURIComponent(model.id)}`}>{modelLabel(model)}</Link>
      </h2>
      <dl className="facts">
        <dt>Backend</dt>
        <dd>
          served by {model.backend === 'onnx' ? 'ONNX Runtime' : model.backend}
          {model.lineage.trainingData?.trainedOn && <span className="muted"> · trained on TF.js {model.lineage.trainingData.trainedOn}</span>}
        </dd>
        <dt>Created</dt>
        <dd>{formatTime(model.createdAt)}</dd>
        <dt>mAP50 / mAP</dt>
        <dd>
          {formatNumber(evaluation?.map50)} / {formatNumber(evaluation?.map)}
          {evaluation && <span className="muted"> on {evaluation.imageCount} images</span>}
        </dd>
        <dt>Evaluated on</dt>
        <dd data-testid="evaluation-data">{evaluation ? describeEvaluationData(evaluation.data) : <span className="muted">no evaluation report</span>}</dd>
        <dt>Latency p50 / p95</dt>
        <dd>{evaluation?.latencyMs ? `${evaluation.latencyMs.p50.toFixed(1)} / ${evaluation.latencyMs.p95.toFixed(1)} ms` : '—'}</dd>
        <dt>Production on</dt>
        <dd>{model.productionOn.length ? model.productionOn.join(', ') : '—'}</dd>
        <dt>Parent</dt>
        <dd>{model.lineage.parent ? modelLabel(model.lineage.parent) : <span className="muted">none (trained from scratch)</span>}</dd>
        <dt>Training data</dt>
        <dd>
          {model.lineage.trainingData ? (
            <>
              {model.lineage.trainingData.source}{' '}
              <span className="mono muted" title={model.lineage.trainingData.fingerprint}>
                {model.lineage.trainingData.fingerprint.slice(0, 12)}
              </span>
              {model.lineage.trainingData.split !== undefined && model.lineage.trainingData.split !== null && (
                <div className="muted small">split {specSummary(model.lineage.trainingData.split).join(', ')}</div>
              )}
            </>
          ) : model.trainingDataFingerprint ? (
            <span className="mono">{model.trainingDataFingerprint.slice(0, 12)}</span>
          ) : (
            '—'
          )}
        </dd>
        <dt>Architecture</dt>
        <dd className="small">{specSummary(model.spec).join(' · ') || '—'}</dd>
      </dl>
    </div>
  );
}
