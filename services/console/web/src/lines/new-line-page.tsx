import { type FormEvent, useEffect, useRef, useState } from 'react';
import { apiRequest, apiUpload, describeError } from '../api/api-client';
import type {
  AdaptationAnswer,
  AdaptationRequest,
  AvailableFrame,
  Line,
  ModelDetail,
  ModelSummary,
  NewCameraRequest,
  NewLine,
  NewLineRequest,
  OnboardingSet,
  PickFramesRequest,
} from '../api/api-types';
import { useApi } from '../api/use-api';
import { CLASS_COLOURS } from '../models/model-page';
import { PrPlot } from '../models/pr-plot';
import { Link, navigate } from '../router/router';
import { type JobEndedEvent, type ProgressEvent, type TriggerAnswer, describeProgress } from '../training/jobs-page';
import { formatNumber, modelLabel, shortId } from '../ui/format';

const FEED_KINDS: NewLineRequest['feedKind'][] = ['factory', 'pcb', 'medical', 'driving', 'other'];
type Start = NonNullable<AdaptationRequest['start']>;
const STARTS: { value: Start | ''; label: string }[] = [
  { value: '', label: "the console's default" },
  { value: 'finetune', label: 'fine-tune the base, backbone frozen' },
  { value: 'meta', label: 'meta-learned initialisation' },
  { value: 'scratch', label: "from scratch (the base's architecture)" },
];

/** Where the wizard's adaptation stands, from the jobs stream. */
interface AdaptationState {
  requestId: string;
  jobId: string | null;
  progress: string | null;
  ended: JobEndedEvent | null;
  refused: string | null;
}

/**
 * `/lines/new` (Lines → New line): the new-line wizard. 1 the line, its cameras and golden template;
 * 2 its onboarding frames (uploaded or picked) for a base model; 3 labelled on the review page with
 * its box tools; 4 the adaptation, a job on the trainer workers with its progress from the jobs
 * stream; 5 the candidate's evaluation on the line's other labelled frames, promoted on its
 * candidate page (the promotion path every model takes). `?line=` resumes a line's wizard.
 */
export function NewLinePage({ search }: { search: string }) {
  const lineId = new URLSearchParams(search).get('line');
  return (
    <section className="page" data-testid="new-line-wizard">
      <div className="page-head">
        <Link href="/training" className="back">
          ← Fine-tuning
        </Link>
        <h1>New line{lineId ? ` · ${lineId}` : ''}</h1>
      </div>
      {lineId ? <LineWizard key={lineId} lineId={lineId} /> : <CreateLine />}
    </section>
  );
}

function CreateLine() {
  const [form, setForm] = useState<NewLineRequest>({ id: '', name: '', feedKind: 'factory', usesTemplate: false });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const line = await apiRequest<NewLine>('/api/v1/lines', { method: 'POST', body: form });
      navigate(`/lines/new?line=${encodeURIComponent(line.id)}`);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel form-grid" onSubmit={submit} data-testid="create-line">
      <h2>1 · The line</h2>
      <label>
        Id
        <input data-testid="line-id" value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} placeholder="cells-2" />
      </label>
      <label>
        Name
        <input data-testid="line-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
      </label>
      <label>
        Feed
        <select value={form.feedKind} onChange={(e) => setForm({ ...form, feedKind: e.target.value as NewLineRequest['feedKind'] })}>
          {FEED_KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={form.usesTemplate} onChange={(e) => setForm({ ...form, usesTemplate: e.target.checked })} />{' '}
        compared with a golden template
      </label>
      {error && (
        <p className="error span" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy} data-testid="create-line-submit">
        Create the line
      </button>
    </form>
  );
}

function LineWizard({ lineId }: { lineId: string }) {
  const enc = encodeURIComponent(lineId);
  const lines = useApi('/api/v1/lines', (p, signal) => apiRequest<{ items: Line[] }>(p, { signal }));
  const models = useApi('/api/v1/models', (p, signal) => apiRequest<{ items: ModelSummary[] }>(p, { signal }));
  const set = useApi(`/api/v1/lines/${enc}/onboarding`, (p, signal) => apiRequest<OnboardingSet>(p, { signal }));
  const line = lines.data?.items.find((l) => l.id === lineId);
  const [notice, setNotice] = useState<{ kind: 'notice' | 'error'; text: string } | null>(null);
  const [camera, setCamera] = useState<NewCameraRequest>({ id: '', name: '' });
  const [base, setBase] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [shots, setShots] = useState<Set<string>>(new Set());
  const [start, setStart] = useState<Start | ''>('');
  const [budget, setBudget] = useState(120);
  const [adaptation, setAdaptation] = useState<AdaptationState | null>(null);
  const adaptationRef = useRef(adaptation);
  adaptationRef.current = adaptation;

  const act = async (what: () => Promise<unknown>, done: string) => {
    setNotice(null);
    try {
      await what();
      setNotice({ kind: 'notice', text: done });
    } catch (e) {
      setNotice({ kind: 'error', text: describeError(e) });
    }
  };

  // The adaptation's answer, progress and outcome, as the jobs page reads them.
  useEffect(() => {
    const source = new EventSource(`/api/v1/training-jobs/stream?lineId=${enc}`);
    const update = (change: (a: AdaptationState) => AdaptationState) => setAdaptation((a) => (a ? change(a) : a));
    source.addEventListener('training.trigger-answered', (e) => {
      const answer = JSON.parse(e.data) as TriggerAnswer;
      if (answer.requestId !== adaptationRef.current?.requestId) return;
      update((a) => (answer.outcome === 'accepted' ? { ...a, jobId: answer.jobId } : { ...a, refused: answer.reason }));
    });
    source.addEventListener('training.progress', (e) => {
      const event = JSON.parse(e.data) as ProgressEvent;
      if (event.jobId !== adaptationRef.current?.jobId) return;
      update((a) => ({ ...a, progress: `${describeProgress(event)}${event.message ? ` · ${event.message}` : ''}` }));
    });
    const ended = (e: MessageEvent<string>) => {
      const event = JSON.parse(e.data) as JobEndedEvent;
      if (event.jobId === adaptationRef.current?.jobId) update((a) => ({ ...a, ended: event }));
    };
    source.addEventListener('training.completed', ended);
    source.addEventListener('training.failed', ended);
    return () => source.close();
  }, [enc]);

  const suggested = set.data?.suggestedBase ?? null;
  // The nearest production model is the base until someone chooses another.
  useEffect(() => {
    if (suggested && base === '') setBase(suggested.modelVersionId);
  }, [suggested, base]);

  const items = set.data?.items ?? [];
  const labelled = items.filter((i) => i.labelled);
  const cameras = line?.cameras ?? [];

  const upload = async (files: FileList | null, cameraId: string) => {
    if (!files || files.length === 0) return;
    await act(
      async () => {
        const frames: AvailableFrame[] = [];
        for (const file of Array.from(files)) {
          frames.push(
            await apiUpload<AvailableFrame>(`/api/v1/lines/${enc}/cameras/${encodeURIComponent(cameraId)}/onboarding-frames`, file),
          );
        }
        if (base) {
          const body: PickFramesRequest = { frameIds: frames.map((f) => f.frameId), baseModelVersionId: base };
          await apiRequest(`/api/v1/lines/${enc}/onboarding`, { method: 'POST', body });
        } else setPicked(new Set([...picked, ...frames.map((f) => f.frameId)]));
        set.reload();
      },
      `${files.length} frame(s) uploaded${base ? ' into the onboarding set' : ': choose the base, then add them'}.`,
    );
  };

  return (
    <>
      {notice && (
        <p className={notice.kind} data-testid="wizard-notice" role={notice.kind === 'error' ? 'alert' : undefined}>
          {notice.text}
        </p>
      )}
      <div className="panel form-grid" data-testid="wizard-line">
        <h2>1 · Cameras and template</h2>
        <p className="span muted">
          Cameras: {cameras.length > 0 ? cameras.map((c) => c.id).join(', ') : 'none yet'} · template:{' '}
          {line?.hasTemplate ? 'stored' : 'none'}
        </p>
        <label>
          Camera id
          <input data-testid="camera-id" value={camera.id} onChange={(e) => setCamera({ ...camera, id: e.target.value })} />
        </label>
        <label>
          Camera name
          <input value={camera.name} onChange={(e) => setCamera({ ...camera, name: e.target.value })} />
        </label>
        <button
          type="button"
          data-testid="add-camera"
          onClick={() =>
            void act(async () => {
              await apiRequest(`/api/v1/lines/${enc}/cameras`, { method: 'POST', body: camera });
              setCamera({ id: '', name: '' });
              lines.reload();
            }, `Camera ${camera.id} added.`)
          }
        >
          Add camera
        </button>
        <label className="span">
          Golden template (PNG or JPEG)
          <input
            type="file"
            accept="image/png,image/jpeg"
            data-testid="template-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void act(() => apiUpload(`/api/v1/lines/${enc}/template`, file, 'PUT').then(lines.reload), 'Template stored.');
            }}
          />
        </label>
      </div>

      <div className="panel form-grid" data-testid="wizard-frames">
        <h2>2 · Onboarding frames</h2>
        <label className="span">
          Base model (the nearest production model, or a meta-init package)
          <select data-testid="base-model" value={base} onChange={(e) => setBase(e.target.value)}>
            <option value="">choose…</option>
            {(models.data?.items ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {modelLabel(m)} · {m.classes.join(', ')} · {m.usesTemplate ? 'template' : 'plain frames'}
                {m.productionOn.length > 0 ? ` · in production on ${m.productionOn.join(', ')}` : ''}
              </option>
            ))}
          </select>
        </label>
        {suggested && (
          <p className="span muted" data-testid="suggested-base">
            Suggested: {suggested.reason}
          </p>
        )}
        {cameras.map((c) => (
          <label key={c.id} className="span">
            Upload frames from {c.id}
            <input type="file" multiple accept="image/png,image/jpeg" onChange={(e) => void upload(e.target.files, c.id)} />
          </label>
        ))}
        {(set.data?.available ?? []).length > 0 && (
          <div className="span">
            <p className="muted">Frames the line already has: pick those to label.</p>
            {(set.data?.available ?? []).map((f) => (
              <label key={f.frameId} className="inline">
                <input
                  type="checkbox"
                  checked={picked.has(f.frameId)}
                  onChange={(e) => {
                    const next = new Set(picked);
                    if (e.target.checked) next.add(f.frameId);
                    else next.delete(f.frameId);
                    setPicked(next);
                  }}
                />
                <img src={`/api/v1/frames/${f.frameId}/image`} alt={`frame ${shortId(f.frameId)}`} height={64} /> {f.cameraId}
              </label>
            ))}
          </div>
        )}
        <button
          type="button"
          data-testid="pick-frames"
          disabled={!base || picked.size === 0}
          onClick={() =>
            void act(async () => {
              const body: PickFramesRequest = { frameIds: [...picked], baseModelVersionId: base };
              await apiRequest(`/api/v1/lines/${enc}/onboarding`, { method: 'POST', body });
              setPicked(new Set());
              set.reload();
            }, `${picked.size} frame(s) added to the onboarding set.`)
          }
        >
          Add {picked.size} frame(s) to the set
        </button>
      </div>

      <div className="panel" data-testid="wizard-labels">
        <h2>
          3 · Label ({labelled.length} of {items.length} labelled)
        </h2>
        <p className="muted">
          Each frame opens on the review page: draw its boxes with the box tools and submit “correct” (or “reject” when there is nothing to
          find). Then come back and refresh.
        </p>
        <button type="button" onClick={set.reload}>
          Refresh
        </button>
        <table className="grid">
          <tbody>
            {items.map((i) => (
              <tr key={i.alertId}>
                <td>
                  <Link href={`/alerts/${i.alertId}`}>frame {shortId(i.frameId)}</Link>
                </td>
                <td>{i.cameraId}</td>
                <td>{i.labelled ? `${i.boxes.length} box(es)` : 'not labelled'}</td>
                <td>
                  <label className="inline">
                    <input
                      type="checkbox"
                      disabled={!i.labelled}
                      data-testid={`shot-${i.frameId}`}
                      checked={shots.has(i.frameId)}
                      onChange={(e) => {
                        const next = new Set(shots);
                        if (e.target.checked) next.add(i.frameId);
                        else next.delete(i.frameId);
                        setShots(next);
                      }}
                    />{' '}
                    shot
                  </label>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="panel form-grid" data-testid="wizard-adapt">
        <h2>4 · Adapt</h2>
        <p className="span muted">
          {shots.size} shot(s) train; the other {Math.max(0, labelled.length - shots.size)} labelled frame(s) evaluate.
        </p>
        <label>
          Start
          <select value={start} onChange={(e) => setStart(e.target.value as Start | '')}>
            {STARTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Budget (seconds)
          <input type="number" min={10} max={3600} value={budget} onChange={(e) => setBudget(Number(e.target.value))} />
        </label>
        <button
          type="button"
          className="primary"
          data-testid="adapt"
          disabled={!base || shots.size === 0 || (adaptation !== null && adaptation.ended === null && adaptation.refused === null)}
          onClick={() =>
            void act(async () => {
              const body: AdaptationRequest = {
                baseModelVersionId: base,
                shotFrameIds: [...shots],
                budgetSeconds: budget,
                ...(start ? { start } : {}),
              };
              const answer = await apiRequest<AdaptationAnswer>(`/api/v1/lines/${enc}/adaptations`, { method: 'POST', body });
              setAdaptation({ requestId: answer.requestId, jobId: null, progress: null, ended: null, refused: null });
            }, 'Adaptation requested: waiting for continual-fine-tune…')
          }
        >
          Adapt
        </button>
        {adaptation && (
          <p className="span" data-testid="adapt-status">
            {adaptation.refused
              ? `Not started: ${adaptation.refused}`
              : adaptation.ended
                ? adaptation.ended.outcome
                  ? `Job ${shortId(adaptation.ended.jobId)} ${adaptation.ended.outcome}: ${adaptation.ended.reason ?? ''}`
                  : `Job ${shortId(adaptation.ended.jobId)} completed: the candidate ${adaptation.ended.gatesPassed ? 'passed' : 'failed'} its gates.`
                : adaptation.jobId
                  ? `Job ${shortId(adaptation.jobId)}: ${adaptation.progress ?? 'queued'}`
                  : 'Asked; waiting for the answer…'}
          </p>
        )}
      </div>

      {adaptation?.ended?.candidateModelVersionId && <Evaluation candidateId={adaptation.ended.candidateModelVersionId} />}
    </>
  );
}

/** 5 · The candidate's evaluation on the evaluation frames, and where to promote it. */
function Evaluation({ candidateId }: { candidateId: string }) {
  const model = useApi(`/api/v1/models/${candidateId}`, (p, signal) => apiRequest<ModelDetail>(p, { signal }));
  const m = model.data;
  return (
    <div className="panel" data-testid="wizard-evaluation">
      <h2>5 · Evaluation and promotion</h2>
      {model.error && <p className="error">{model.error}</p>}
      {m && (
        <>
          <p>
            {modelLabel(m)}: mAP@0.5 {formatNumber(m.evaluation?.map50 ?? null)} on {m.evaluation?.imageCount ?? 0} evaluation frame(s)
          </p>
          {m.evaluation && (
            <PrPlot
              title={modelLabel(m)}
              series={m.evaluation.perClass.map((c, i) => ({
                label: c.className,
                colour: CLASS_COLOURS[i % CLASS_COLOURS.length] as string,
                curve: c.curve50,
              }))}
            />
          )}
          <p>
            <Link href={`/candidates/${candidateId}`} data-testid="to-candidate">
              Gates and promotion →
            </Link>
          </p>
        </>
      )}
    </div>
  );
}
