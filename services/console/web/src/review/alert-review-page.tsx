import { LabelledBoxSchema } from '@argus/contracts';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { ApiError, apiRequest, describeError } from '../api/api-client';
import { randomUuid } from '../api/request-id';
import type { AlertDetail, Decision, Review, ReviewAnswer, ReviewRequest } from '../api/api-types';
import { can, useUser } from '../auth/auth-context';
import { Link, navigate } from '../router/router';
import { formatBoxSummary, formatTime, shortId } from '../ui/format';
import { auditReasonLabel } from '../queue/audit-queue-page';
import { followQueueOf, neighbourOf, nextAfterDecision, queuePath, setLastDecision, takeLastDecision } from '../queue/queue-navigation';
import { BoxCanvas, classColour } from './box-canvas';
import { type EditableBox, editorReducer, type EditorState, initialEditorState, isDirty } from './box-editor.reducer';
import { reviewKeyCommand } from './review-keys';

export function AlertReviewPage({ alertId }: { alertId: string }) {
  const [alert, setAlert] = useState<AlertDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    apiRequest<AlertDetail>(`/api/v1/alerts/${encodeURIComponent(alertId)}`, { signal: controller.signal })
      .then(setAlert)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setLoadError(describeError(e));
      });
    return () => controller.abort();
  }, [alertId]);

  if (loadError)
    return (
      <section className="page">
        <p className="error" role="alert" data-testid="review-error">
          {loadError}
        </p>
        <Link href={queuePath()}>Back to the queue</Link>
      </section>
    );
  if (!alert) return <p className="muted page">Loading alert {shortId(alertId)}…</p>;
  return <AlertReview alert={alert} />;
}

type BoxSource = 'reviewed' | 'model';

/** A review's boxes as the editor holds them; a box the model drew unchanged keeps the model's score. */
function reviewedBoxes(review: Review, alert: AlertDetail): EditableBox[] {
  return review.boxes.map((b) => {
    const same = alert.detections.find(
      (d) =>
        d.className === b.className && d.box.x1 === b.box.x1 && d.box.y1 === b.box.y1 && d.box.x2 === b.box.x2 && d.box.y2 === b.box.y2,
    );
    return { className: b.className, box: { ...b.box }, score: same ? same.score : null };
  });
}

function modelBoxes(alert: AlertDetail): EditableBox[] {
  return alert.detections.map((d) => ({ className: d.className, box: { ...d.box }, score: d.score }));
}

const DECISION_WORDS: Record<Decision, string> = {
  confirmed: 'confirmed',
  rejected: 'rejected as a false positive',
  corrected: 'corrected',
};

/** On an audit item the model raised nothing: a rejection says the frame has no defect. */
const AUDIT_DECISION_WORDS: Record<Decision, string> = {
  confirmed: "confirmed (the model's weak boxes are right)",
  rejected: 'no defect',
  corrected: 'corrected',
};

function AlertReview({ alert }: { alert: AlertDetail }) {
  const user = useUser();
  const reviewer = can.review(user.role);
  /** The latest review: what the frame's ground truth is, shown by default once there is one. */
  const [latest, setLatest] = useState<Review | null>(alert.review ?? alert.reviews[alert.reviews.length - 1] ?? null);
  const [source, setSource] = useState<BoxSource>(latest ? 'reviewed' : 'model');
  const [editor, dispatch] = useReducer(editorReducer, undefined, () =>
    initialEditorState(alert.frame, latest ? reviewedBoxes(latest, alert) : modelBoxes(alert)),
  );
  const showBoxes = useCallback(
    (next: BoxSource, review: Review | null = latest) => {
      if (next === 'reviewed' && !review) return;
      setSource(next);
      dispatch({ type: 'show', boxes: next === 'reviewed' && review ? reviewedBoxes(review, alert) : modelBoxes(alert) });
    },
    [alert, latest],
  );
  const [showTemplate, setShowTemplate] = useState(false);
  const [status, setStatus] = useState<string>(alert.status);
  const [flash, setFlash] = useState<string | null>(() => takeLastDecision());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [help, setHelp] = useState(false);
  const [comment, setComment] = useState('');
  /** Classes named on this page: a new line's onboarding frame may show classes its base model has never had. */
  const [namedClasses, setNamedClasses] = useState<string[]>([]);
  const [newClass, setNewClass] = useState('');
  const onboarding = alert.audit?.reason === 'onboarding';
  const modelClasses = alert.modelClasses.length > 0 ? alert.modelClasses : [...new Set(alert.detections.map((d) => d.className))];
  const classes = [...new Set([...modelClasses, ...namedClasses])];
  const [drawClass, setDrawClass] = useState(classes[0] ?? 'defect');
  const open = status === 'open';
  /** An audit item: the frame raised no alert; "reject" means nothing is there (a hard negative), not a false alarm. */
  const audit = alert.kind === 'audit';
  useEffect(() => followQueueOf(alert.kind, alert.lineId), [alert.kind, alert.lineId]);
  /**
   * The last attempt when it may have been recorded without being answered (503 after the commit,
   * or no answer at all): the same decision again reuses its reviewId, so the API records it once.
   */
  const unsettled = useRef<{ body: string; reviewId: string } | null>(null);

  const go = useCallback(
    async (step: 1 | -1) => {
      try {
        const id = await neighbourOf(alert.id, step);
        if (id) navigate(`/alerts/${id}`);
        else setFlash(step === 1 ? 'This is the last alert in the queue.' : 'This is the first alert in the queue.');
      } catch (e) {
        setError(describeError(e));
      }
    },
    [alert.id],
  );

  const decide = useCallback(
    async (decision: Decision, state: EditorState) => {
      if (busy) return;
      setError(null);
      const body: ReviewRequest = { decision };
      if (decision === 'corrected') {
        const boxes = state.boxes.map((b) => ({ className: b.className, box: b.box }));
        const checked = LabelledBoxSchema.array().safeParse(boxes);
        if (!checked.success) {
          setError(`The corrected boxes are not valid: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
          return;
        }
        body.boxes = checked.data;
      }
      if (comment.trim()) body.comment = comment.trim();
      const key = JSON.stringify(body);
      body.reviewId = unsettled.current?.body === key ? unsettled.current.reviewId : randomUuid();
      setBusy(true);
      try {
        const answer = await apiRequest<ReviewAnswer>(`/api/v1/alerts/${encodeURIComponent(alert.id)}/reviews`, { method: 'POST', body });
        unsettled.current = null;
        const conflict = answer.conflictsWith ? ` — recorded, but it conflicts with review ${shortId(answer.conflictsWith)}` : '';
        const text = `${audit ? 'Audit item' : 'Alert'} ${shortId(alert.id)} ${audit && decision === 'rejected' ? 'no defect' : decision} · saved (review ${shortId(answer.review.id)})${conflict}`;
        setStatus(answer.alert.status);
        setLatest(answer.review);
        setFlash(text);
        setLastDecision(text);
        const next = await nextAfterDecision(alert.id);
        if (next) navigate(`/alerts/${next}`);
        else {
          setLastDecision(null);
          setFlash(`${text}. No more open alerts in the queue.`);
          // Stay here showing what was just saved, not the model's boxes again.
          dispatch({ type: 'cancel' });
          setSource('reviewed');
          dispatch({ type: 'show', boxes: reviewedBoxes(answer.review, alert) });
        }
      } catch (e) {
        const maybeRecorded = e instanceof ApiError && (e.status === 503 || e.status === 0);
        unsettled.current = maybeRecorded && body.reviewId ? { body: key, reviewId: body.reviewId } : null;
        setError(maybeRecorded ? `${describeError(e)} — repeat the same decision to retry; it will be recorded once.` : describeError(e));
      } finally {
        setBusy(false);
      }
    },
    [alert.id, audit, busy, comment],
  );

  // Keyboard: the latest state through a ref, so the listener is added once.
  const current = useRef({ editor, decide, go, reviewer, open, help, source, showBoxes });
  current.current = { editor, decide, go, reviewer, open, help, source, showBoxes };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (
        target &&
        (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable)
      ) {
        if (event.key === 'Escape') target.blur();
        return;
      }
      const {
        editor: state,
        decide: send,
        go: step,
        reviewer: mayReview,
        open: isOpen,
        help: helpOpen,
        source: shown,
        showBoxes: show,
      } = current.current;
      const command = reviewKeyCommand(event, state.mode, state.selected !== null);
      if (!command) return;
      event.preventDefault();
      switch (command.kind) {
        case 'help':
          setHelp(!helpOpen);
          return;
        case 'next':
          void step(1);
          return;
        case 'previous':
          void step(-1);
          return;
        case 'toggle-boxes':
          show(shown === 'reviewed' ? 'model' : 'reviewed');
          return;
        case 'escape':
          if (helpOpen) setHelp(false);
          else if (state.mode === 'draw') dispatch({ type: 'toggle-draw' });
          else dispatch({ type: 'cancel' });
          return;
      }
      if (!mayReview || !isOpen) return;
      switch (command.kind) {
        case 'confirm':
          void send('confirmed', state);
          return;
        case 'reject':
          void send('rejected', state);
          return;
        case 'edit':
          dispatch({ type: 'start-edit' });
          return;
        case 'draw':
          if (state.mode === 'view') dispatch({ type: 'start-edit' });
          dispatch({ type: 'toggle-draw' });
          return;
        case 'save':
          void send('corrected', state);
          return;
        case 'delete':
          if (state.selected !== null) dispatch({ type: 'delete', index: state.selected });
          return;
        case 'move':
          if (state.selected !== null) dispatch({ type: 'move', index: state.selected, dx: command.dx, dy: command.dy });
          return;
        case 'resize':
          if (state.selected !== null) dispatch({ type: 'resize-by', index: state.selected, dw: command.dw, dh: command.dh });
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const selected = editor.selected !== null ? editor.boxes[editor.selected] : undefined;
  const editing = editor.mode !== 'view';
  const imageUrl = showTemplate && alert.templateUrl ? alert.templateUrl : alert.imageUrl;

  return (
    <section className="page review-page">
      <div className="page-head">
        <Link href={queuePath()} className="back">
          ← Queue
        </Link>
        <h1 data-testid="review-title">
          {audit ? 'Audit item' : 'Alert'} <span className="mono">{shortId(alert.id)}</span>
        </h1>
        {alert.audit ? (
          <span className="muted" data-testid="audit-reason" title="No alert was raised on this frame: it was sampled for a look">
            no alert · {auditReasonLabel(alert.audit)} · uncertainty {Math.round(alert.audit.uncertainty * 100)}%
          </span>
        ) : (
          <span className={`severity severity-${alert.severity}`}>{alert.severity}</span>
        )}
        <span className="muted">
          {alert.lineId} / {alert.cameraId} · captured {formatTime(alert.capturedAt)}
        </span>
        <ModelLine alert={alert} />
        <span className="spacer" />
        <button type="button" title="Previous alert (p)" onClick={() => void go(-1)}>
          ‹ Prev
        </button>
        <button type="button" data-testid="next-alert" title="Next alert (n)" onClick={() => void go(1)}>
          Next ›
        </button>
      </div>

      <div className="review-layout">
        <div className="review-main">
          <BoxCanvas
            imageUrl={imageUrl}
            state={editor}
            dispatch={dispatch}
            drawClass={drawClass}
            dimBoxes={showTemplate}
            classes={classes}
          />
          <div className="canvas-bar muted">
            {alert.frame.width}×{alert.frame.height} px
            {showTemplate && ' · showing the line template'}
            {editor.mode === 'draw' && ' · drag on the image to draw a box'}
            {editor.mode === 'edit' && ' · click a box to select it, drag to move, drag a corner to resize'}
          </div>
        </div>

        <aside className="review-side">
          <div className="panel">
            <div className="status-line" data-testid="review-status" role="status">
              <span className={`status status-${status}`}>{status}</span> {flash && <span className="flash">{flash}</span>}
            </div>
            {error && (
              <p className="error" role="alert" data-testid="review-error">
                {error}
              </p>
            )}
            {latest && (
              <div className="segmented" role="group" aria-label="Boxes shown (b)" data-testid="box-source" data-source={source}>
                <button
                  type="button"
                  data-testid="show-reviewed-boxes"
                  aria-pressed={source === 'reviewed'}
                  disabled={editing}
                  onClick={() => showBoxes('reviewed')}
                >
                  Reviewed boxes
                </button>
                <button
                  type="button"
                  data-testid="show-model-boxes"
                  aria-pressed={source === 'model'}
                  disabled={editing}
                  onClick={() => showBoxes('model')}
                >
                  Model&apos;s boxes
                </button>
                <kbd title="b switches between them">b</kbd>
              </div>
            )}
            {alert.templateUrl && (
              <button type="button" data-testid="template-toggle" aria-pressed={showTemplate} onClick={() => setShowTemplate((v) => !v)}>
                {showTemplate ? 'Show frame' : 'Show template'}
              </button>
            )}
          </div>

          {reviewer && open && (
            <div className="panel">
              <h2>Decision</h2>
              <div className="decisions">
                <button
                  type="button"
                  className="primary"
                  data-testid="decision-confirm"
                  disabled={busy || editing}
                  onClick={() => void decide('confirmed', editor)}
                >
                  {audit ? "Confirm model's boxes" : 'Confirm'} <kbd>c</kbd>
                </button>
                <button
                  type="button"
                  className="danger"
                  data-testid="decision-reject"
                  disabled={busy || editing}
                  onClick={() => void decide('rejected', editor)}
                >
                  {audit ? 'No defect' : 'Reject'} <kbd>x</kbd>
                </button>
                <button
                  type="button"
                  data-testid="decision-correct"
                  disabled={busy}
                  aria-pressed={editing}
                  onClick={() => dispatch({ type: editing ? 'cancel' : 'start-edit' })}
                >
                  {editing ? 'Cancel correction' : 'Correct'} <kbd>{editing ? 'Esc' : 'e'}</kbd>
                </button>
              </div>
              <input
                className="comment"
                placeholder="Comment (optional)"
                value={comment}
                maxLength={1000}
                onChange={(e) => setComment(e.target.value)}
              />
            </div>
          )}
          {!reviewer && <p className="muted panel">Your role ({user.role}) can look at alerts but not review them.</p>}
          {reviewer && !open && (
            <p className="muted panel">This alert has been reviewed; a further decision is recorded as a second opinion.</p>
          )}

          {reviewer && editing && (
            <div className="panel editor">
              <h2>Correct the boxes</h2>
              <label>
                Class of {selected ? `box ${editor.selected}` : 'new boxes'}
                <select
                  data-testid="box-class-select"
                  value={selected ? selected.className : drawClass}
                  onChange={(e) => {
                    if (editor.selected !== null && selected)
                      dispatch({ type: 'relabel', index: editor.selected, className: e.target.value });
                    else setDrawClass(e.target.value);
                  }}
                >
                  {[...new Set([...classes, ...(selected ? [selected.className] : [])])].map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
              {onboarding && (
                <label>
                  New class
                  <input
                    data-testid="new-class"
                    value={newClass}
                    placeholder="a class of the new line"
                    onChange={(e) => setNewClass(e.target.value)}
                    onKeyDown={(e) => {
                      const name = newClass.trim();
                      if (e.key !== 'Enter' || name === '') return;
                      e.preventDefault();
                      e.stopPropagation();
                      setNamedClasses((c) => [...c, name]);
                      setDrawClass(name);
                      setNewClass('');
                    }}
                  />
                </label>
              )}
              <div className="decisions">
                <button
                  type="button"
                  data-testid="draw-box"
                  aria-pressed={editor.mode === 'draw'}
                  onClick={() => dispatch({ type: 'toggle-draw' })}
                >
                  {editor.mode === 'draw' ? 'Drawing…' : 'Draw box'} <kbd>d</kbd>
                </button>
                <button
                  type="button"
                  data-testid="box-delete"
                  disabled={editor.selected === null}
                  onClick={() => editor.selected !== null && dispatch({ type: 'delete', index: editor.selected })}
                >
                  Delete box <kbd>Del</kbd>
                </button>
              </div>
              <button
                type="button"
                className="primary wide"
                data-testid="save-correction"
                disabled={busy}
                onClick={() => void decide('corrected', editor)}
              >
                Save correction ({editor.boxes.length} box{editor.boxes.length === 1 ? '' : 'es'}
                {isDirty(editor) ? ', changed' : ', unchanged'}) <kbd>Enter</kbd>
              </button>
            </div>
          )}

          <div className="panel">
            <h2 data-testid="boxes-heading">
              {editing ? 'Boxes (correcting)' : source === 'reviewed' && latest ? 'Reviewed boxes' : "Model's boxes"}
            </h2>
            {!editing && source === 'reviewed' && latest && (
              <p className="muted small" data-testid="boxes-origin">
                {(audit ? AUDIT_DECISION_WORDS : DECISION_WORDS)[latest.decision]} by <strong>{latest.reviewer}</strong>,{' '}
                {formatTime(latest.createdAt)}
              </p>
            )}
            {!editing && source === 'model' && (
              <p className="muted small" data-testid="boxes-origin">
                as detected by {alert.model ? `${alert.model.name}@${alert.model.version}` : 'the model'}
              </p>
            )}
            <ol className="box-list">
              {editor.boxes.map((b, i) => (
                <li key={i}>
                  <button
                    type="button"
                    data-testid="box-item"
                    data-index={i}
                    className={`box-item ${editor.selected === i ? 'selected' : ''}`}
                    onClick={() => dispatch({ type: 'select', index: i })}
                  >
                    <span className="swatch" style={{ background: classColour(b.className, classes) }} />
                    {b.className} {b.score !== null ? b.score.toFixed(2) : source === 'reviewed' && !editing ? '(reviewed)' : '(drawn)'}
                    <span className="muted mono">
                      {' '}
                      {Math.round(b.box.x1)},{Math.round(b.box.y1)}–{Math.round(b.box.x2)},{Math.round(b.box.y2)}
                    </span>
                  </button>
                </li>
              ))}
              {editor.boxes.length === 0 && (
                <li className="muted">
                  {source === 'reviewed' && latest?.decision === 'rejected' && !editing
                    ? 'no defect: rejected as a false positive'
                    : 'no boxes'}
                </li>
              )}
            </ol>
          </div>

          <div className="panel">
            <h2>Previous reviews</h2>
            {alert.reviews.length === 0 ? (
              <p className="muted">None yet.</p>
            ) : (
              <ul className="reviews">
                {alert.reviews.map((r) => (
                  <li key={r.id}>
                    <span className={`status status-${r.decision}`}>{r.decision}</span> by <strong>{r.reviewer}</strong>{' '}
                    <span className="muted">{formatTime(r.createdAt)}</span> · {formatBoxSummary(r.boxes)}
                    {r.comment && <div className="muted">“{r.comment}”</div>}
                  </li>
                ))}
              </ul>
            )}
          </div>

          <button type="button" className="link" onClick={() => setHelp((v) => !v)}>
            Keyboard shortcuts <kbd>?</kbd>
          </button>
        </aside>
      </div>

      {help && (
        <div className="dialog-backdrop" onClick={() => setHelp(false)}>
          <div className="dialog help" role="dialog" aria-label="Keyboard shortcuts">
            <h2>Keyboard shortcuts</h2>
            <table className="grid">
              <tbody>
                {[
                  ['c', 'confirm'],
                  ['x', audit ? 'no defect (nothing on this frame)' : 'reject (false positive)'],
                  ['e', 'correct: edit the boxes'],
                  ['d', 'draw a new box (drag on the image)'],
                  ['Delete', 'delete the selected box'],
                  ['← ↑ → ↓', 'move the selected box 1 px (Shift: 10 px)'],
                  ['Shift+Alt+arrows', 'resize the selected box (right/bottom edge) 1 px'],
                  ['Enter', 'save the correction'],
                  ['Esc', 'cancel the correction / stop drawing'],
                  ['n / p', 'next / previous alert'],
                  ['b', "switch between the reviewed boxes and the model's"],
                  ['?', 'this help'],
                ].map(([k, what]) => (
                  <tr key={k}>
                    <td>
                      <kbd>{k}</kbd>
                    </td>
                    <td>{what}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

/** Which model drew the boxes, and at what thresholds: `pcb-template-s4@3 · scores ≥ 0.05 · alerts: open ≥ 0.50`. */
function ModelLine({ alert }: { alert: AlertDetail }) {
  const model = alert.model;
  if (!model)
    return (
      <span className="muted" data-testid="alert-model">
        model {shortId(alert.modelVersionId)} (not in the registry)
      </span>
    );
  const rules = alert.alertRules.map((r) => `${r.className === '*' ? 'other classes' : r.className} ≥ ${r.minScore.toFixed(2)}`).join(', ');
  return (
    <span className="muted" data-testid="alert-model" title="The model version that produced these boxes and the thresholds it applies">
      model <strong className="mono">{`${model.name}@${model.version}`}</strong>
      {' · '}
      <span data-testid="alert-model-threshold">
        {model.scoreThreshold !== null
          ? `reports scores ≥ ${model.scoreThreshold.toFixed(2)}`
          : 'score threshold unknown (no package metadata)'}
      </span>
      {rules && <span data-testid="alert-rules">{` · alerts when ${rules}`}</span>}
    </span>
  );
}
