import { apiRequest } from '../api/api-client';
import type { Line, ModelDetail, ModelSummary, TrainingRecord, VersionPromotion } from '../api/api-types';
import { useApi } from '../api/use-api';
import { Link } from '../router/router';
import { formatNumber, formatTime, modelLabel } from '../ui/format';
import { describeEvaluationData } from './compare-page';
import { PromotePanel } from './promote-panel';
import { PromotionEntry } from './promotion-timeline';
import { PrPlot } from './pr-plot';
import { specSummary } from './spec-summary';

/** One colour per class in the precision–recall plot (cycled past ten classes). */
export const CLASS_COLOURS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

/**
 * `/models/:id`: one version as an ML engineer reads it — its evaluation (overall and per class,
 * precision–recall curves, on which data), its lineage (parent, training data, architecture, the
 * training command), and where it serves (lines with it in production, every promotion and
 * rollback to or from it). The URL is the version's id, so it can be shared.
 */
export function ModelPage({ modelId }: { modelId: string }) {
  const path = `/api/v1/models/${encodeURIComponent(modelId)}`;
  const model = useApi(path, (p, signal) => apiRequest<ModelDetail>(p, { signal }));
  const promotions = useApi(`${path}/promotions`, (p, signal) => apiRequest<{ items: VersionPromotion[] }>(p, { signal }));
  const lines = useApi('/api/v1/lines', (p, signal) => apiRequest<{ items: Line[] }>(p, { signal }));
  const models = useApi('/api/v1/models', (p, signal) => apiRequest<{ items: ModelSummary[] }>(p, { signal }));
  const m = model.data;
  const lineName = (id: string) => lines.data?.items.find((l) => l.id === id)?.name || id;

  return (
    <section className="page model-page" data-testid="model-page">
      <div className="page-head">
        <Link href="/models" className="back">
          ← Models
        </Link>
        <h1>{m ? modelLabel(m) : 'Model version'}</h1>
        {m && <span className="muted">{m.backend === 'onnx' ? 'ONNX Runtime' : m.backend} · registered {formatTime(m.createdAt)}</span>}
        {m?.lineage.parent && (
          <Link className="small" data-testid="compare-with-parent" href={`/models/compare?a=${encodeURIComponent(m.lineage.parent.id)}&b=${encodeURIComponent(m.id)}`}>
            Compare with its parent
          </Link>
        )}
      </div>
      {model.error && (
        <p className="error" role="alert">
          {model.error}
        </p>
      )}
      {model.loading && !m && <p className="muted">Loading the version…</p>}
      {m && (
        <>
          <div className="model-page-grid">
            <Evaluation model={m} />
            <div className="panel">
              <h2>Precision–recall at IoU 0.5</h2>
              {m.evaluation ? (
                <PrPlot
                  title={modelLabel(m)}
                  series={m.evaluation.perClass.map((c, i) => ({ label: c.className, colour: CLASS_COLOURS[i % CLASS_COLOURS.length] as string, curve: c.curve50 }))}
                />
              ) : (
                <p className="muted">No curves: the version has no evaluation report.</p>
              )}
            </div>
            <Lineage model={m} />
            <Serving model={m} lineName={lineName} promotions={promotions.data?.items} error={promotions.error} />
          </div>
          {lines.data && models.data && lines.data.items.length > 0 && (
            <PromotePanel
              lines={lines.data.items}
              models={models.data.items}
              initialVersionId={m.id}
              onChanged={() => {
                model.reload();
                promotions.reload();
                lines.reload();
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

function Evaluation({ model }: { model: ModelDetail }) {
  const e = model.evaluation;
  return (
    <div className="panel" data-testid="model-evaluation">
      <h2>Evaluation</h2>
      {e ? (
        <>
          <dl className="facts">
            <dt>mAP50 / mAP</dt>
            <dd>
              <strong>{formatNumber(e.map50)}</strong> / {formatNumber(e.map)}
            </dd>
            <dt>Evaluated on</dt>
            <dd data-testid="evaluation-data">
              {describeEvaluationData(e.data)}
              {e.data.fingerprint && (
                <div className="muted small">
                  images identified by{' '}
                  <span className="mono" title={e.data.fingerprint}>
                    {e.data.fingerprint.replace(/^sha256:/, '').slice(0, 12)}
                  </span>{' '}
                  ({e.data.fingerprintOf === 'evaluation' ? 'recorded by the evaluation' : 'its training data’s split'})
                </div>
              )}
            </dd>
            <dt>Latency p50 / p95</dt>
            <dd>{e.latencyMs ? `${e.latencyMs.p50.toFixed(1)} / ${e.latencyMs.p95.toFixed(1)} ms in the pipeline` : <span className="muted">not served yet</span>}</dd>
          </dl>
          <table className="grid" data-testid="model-class-table">
            <thead>
              <tr>
                <th>Class</th>
                <th className="num">AP50</th>
                <th className="num">AP</th>
              </tr>
            </thead>
            <tbody>
              {e.perClass.map((c) => (
                <tr key={c.className} data-class={c.className}>
                  <td>{c.className}</td>
                  <td className="num">{c.ap50 === null ? <span className="muted">no ground truth</span> : formatNumber(c.ap50)}</td>
                  <td className="num">{formatNumber(c.ap)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <>
          <p className="muted">
            No evaluation report was registered with this version. Its package can be evaluated with{' '}
            <code>npx argus eval --model DIR --report DIR/evaluation.json</code>.
          </p>
          {Object.keys(model.metrics).length > 0 && (
            <dl className="facts">
              {Object.entries(model.metrics).map(([k, v]) => (
                <MetricFact key={k} name={k} value={v} />
              ))}
            </dl>
          )}
        </>
      )}
    </div>
  );
}

function MetricFact({ name, value }: { name: string; value: number }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{Number.isInteger(value) ? value : value.toPrecision(4)}</dd>
    </>
  );
}

function Lineage({ model }: { model: ModelDetail }) {
  const data = model.lineage.trainingData;
  return (
    <div className="panel" data-testid="model-lineage">
      <h2>Lineage</h2>
      <dl className="facts">
        <dt>Parent</dt>
        <dd>
          {model.lineage.parent ? (
            <Link href={`/models/${encodeURIComponent(model.lineage.parent.id)}`}>{modelLabel(model.lineage.parent)}</Link>
          ) : (
            <span className="muted">none (trained from scratch)</span>
          )}
        </dd>
        <dt>Training data</dt>
        <dd>
          {data ? (
            <>
              {data.source}{' '}
              <span className="mono muted" title={data.fingerprint}>
                {data.fingerprint.replace(/^sha256:/, '').slice(0, 12)}
              </span>
              {data.split !== undefined && data.split !== null && <div className="muted small">{specSummary(data.split).join(', ')}</div>}
            </>
          ) : model.trainingDataFingerprint ? (
            <span className="mono">{model.trainingDataFingerprint}</span>
          ) : (
            <span className="muted">not recorded</span>
          )}
        </dd>
        <dt>Classes</dt>
        <dd>
          {model.classes.join(', ')}
          {model.usesTemplate && <span className="muted"> · compares each frame with the line’s golden template</span>}
        </dd>
        <dt>Architecture</dt>
        <dd className="small">{specSummary(model.spec).join(' · ') || '—'}</dd>
      </dl>
      <Training record={model.training} />
    </div>
  );
}

function Training({ record }: { record: TrainingRecord | null }) {
  if (!record) return <p className="muted small">No training record in the version’s package (trained elsewhere, or not by argus train).</p>;
  const facts = [
    record.backend && `TF.js ${record.backend}`,
    record.epochsRun !== null && `${record.epochsRun} epochs${record.bestEpoch !== null ? ` (best ${record.bestEpoch})` : ''}`,
    record.stopReason && `stopped: ${record.stopReason}`,
    record.trainingSeconds !== null && `${Math.round(record.trainingSeconds / 60)} min of training`,
    record.trainImages !== null && `${record.trainImages} training / ${record.validationImages ?? '?'} validation images`,
  ].filter(Boolean);
  return (
    <div data-testid="model-training">
      <h3>Training command</h3>
      <pre className="training-command mono small" data-testid="model-training-command">
        {record.command}
      </pre>
      {record.resumedWith.length > 0 && <p className="muted small">resumed {record.resumedWith.length} time(s) with --resume</p>}
      {facts.length > 0 && <p className="small">{facts.join(' · ')}</p>}
      {Object.keys(record.hyperparameters).length > 0 && <p className="muted small">{specSummary(record.hyperparameters, 14).join(' · ')}</p>}
    </div>
  );
}

function Serving({
  model,
  lineName,
  promotions,
  error,
}: {
  model: ModelDetail;
  lineName: (id: string) => string;
  promotions: VersionPromotion[] | undefined;
  error: string | null;
}) {
  return (
    <div className="panel" data-testid="model-serving">
      <h2>Where it serves</h2>
      <p data-testid="model-production-lines">
        {model.productionOn.length === 0 ? (
          <span className="muted">In production on no line.</span>
        ) : (
          <>
            In production on{' '}
            {model.productionOn.map((l) => (
              <Link key={l} href={`/lines/${encodeURIComponent(l)}/promotions`} className="pill prod">
                {lineName(l)}
              </Link>
            ))}
          </>
        )}
      </p>
      <h3>Promotion history</h3>
      {error && <p className="error">{error}</p>}
      {promotions && promotions.length === 0 && <p className="muted">Never promoted to a line.</p>}
      {promotions && promotions.length > 0 && (
        <ol className="timeline" data-testid="model-promotions">
          {promotions.map((p) => {
            const into = p.to.id === model.id;
            return (
              <PromotionEntry key={p.id} promotion={p} lineId={p.lineId}>
                <strong>{p.kind === 'rollback' ? 'Rolled back' : 'Promoted'}</strong> on{' '}
                <Link href={`/lines/${encodeURIComponent(p.lineId)}/promotions`}>{lineName(p.lineId)}</Link>
                {into ? (
                  <span>{p.from ? <span className="muted"> · replaced {modelLabel(p.from)}</span> : <span className="muted"> · the line’s first model</span>}</span>
                ) : (
                  <span className="muted"> · replaced by {modelLabel(p.to)}</span>
                )}
              </PromotionEntry>
            );
          })}
        </ol>
      )}
    </div>
  );
}
