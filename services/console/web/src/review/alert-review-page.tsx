import { LabelledBoxSchema } from '@argus/contracts';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { ApiError, apiRequest, describeError } from '../api/api-client';
import { randomUuid } from '../api/request-id';
import type { AlertDetail, Decision, ReviewAnswer } from '../api/api-types';
import { can, useUser } from '../auth/auth-context';
import { Link, navigate } from '../router/router';
import { formatTime, shortId } from '../ui/format';
import { neighbourOf, nextAfterDecision, queueSearch, setLastDecision, takeLastDecision } from '../queue/queue-navigation';
import { BoxCanvas, classColour } from './box-canvas';
import { editorReducer, type EditorState, initialEditorState, isDirty } from './box-editor.reducer';
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
        <Link href={`/queue${queueSearch()}`}>Back to the queue</Link>
      </section>
    );
  if (!alert) return <p className="muted page">Loading alert {shortId(alertId)}…</p>;
  return <AlertReview alert={alert} />;
}

function AlertReview({ alert }: { alert: AlertDetail }) {
  const user = useUser();
  const reviewer = can.review(user.role);
  const [editor, dispatch] = useReducer(editorReducer, undefined, () => initialEditorState(alert.frame, alert.detections));
  const [showTemplate, setShowTemplate] = useState(false);
  const [status, setStatus] = useState<string>(alert.status);
  const [flash, setFlash] = useState<string | null>(() => takeLastDecision());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [help, setHelp] = useState(false);
  const [comment, setComment] = useState('');
  const classes = alert.modelClasses.length > 0 ? alert.modelClasses : [...new Set(alert.detections.map((d) => d.className))];
  const [drawClass, setDrawClass] = useState(classes[0] ?? 'defect');
  const open = status === 'open';
  /**
   * The last attempt when it may have been recorded without being answered (503 after the commit,
   * or no answer at all): the same decision again reuses its reviewId, so the API records it once.
   */
  const unsettled = useRef<{ body: string; reviewId: string } | null>(null);

  const go = useCallback(async (step: 1 | -1) => {
    try {
      const id = await neighbourOf(alert.id, step);
      if (id) navigate(`/alerts/${id}`);
      else setFlash(step === 1 ? 'This is the last alert in the queue.' : 'This is the first alert in the queue.');
    } catch (e) {
      setError(describeError(e));
    }
  }, [alert.id]);

  const decide = useCallback(
    async (decision: Decision, state: EditorState) => {
      if (busy) return;
      setError(null);
      const body: { decision: Decision; boxes?: { className: string; box: EditorState['boxes'][number]['box'] }[]; comment?: string; reviewId?: string } = { decision };
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
        const text = `Alert ${shortId(alert.id)} ${decision} · saved (review ${shortId(answer.review.id)})${conflict}`;
        setStatus(answer.alert.status);
        setFlash(text);
        setLastDecision(text);
        const next = await nextAfterDecision(alert.id);
        if (next) navigate(`/alerts/${next}`);
        else {
          setLastDecision(null);
          setFlash(`${text}. No more open alerts in the queue.`);
          dispatch({ type: 'cancel' });
        }
      } catch (e) {
        const maybeRecorded = e instanceof ApiError && (e.status === 503 || e.status === 0);
        unsettled.current = maybeRecorded && body.reviewId ? { body: key, reviewId: body.reviewId } : null;
        setError(maybeRecorded ? `${describeError(e)} — repeat the same decision to retry; it will be recorded once.` : describeError(e));
      } finally {
        setBusy(false);
      }
    },
    [alert.id, busy, comment],
  );

  // Keyboard: the latest state through a ref, so the listener is added once.
  const latest = useRef({ editor, decide, go, reviewer, open, help });
  latest.current = { editor, decide, go, reviewer, open, help };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable)) {
        if (event.key === 'Escape') target.blur();
        return;
      }
      const { editor: state, decide: send, go: step, reviewer: mayReview, open: isOpen, help: helpOpen } = latest.current;
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
        <Link href={`/queue${queueSearch()}`} className="back">
          ← Queue
        </Link>
        <h1>
          Alert <span className="mono">{shortId(alert.id)}</span>
        </h1>
        <span className={`severity severity-${alert.severity}`}>{alert.severity}</span>
        <span className="muted">
          {alert.lineId} / {alert.cameraId} · captured {formatTime(alert.capturedAt)}
        </span>
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
          <BoxCanvas imageUrl={imageUrl} state={editor} dispatch={dispatch} drawClass={drawClass} dimBoxes={showTemplate} classes={classes} />
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
                <button type="button" className="primary" data-testid="decision-confirm" disabled={busy || editing} onClick={() => void decide('confirmed', editor)}>
                  Confirm <kbd>c</kbd>
                </button>
                <button type="button" className="danger" data-testid="decision-reject" disabled={busy || editing} onClick={() => void decide('rejected', editor)}>
                  Reject <kbd>x</kbd>
                </button>
                <button type="button" data-testid="decision-correct" disabled={busy} aria-pressed={editing} onClick={() => dispatch({ type: editing ? 'cancel' : 'start-edit' })}>
                  {editing ? 'Cancel correction' : 'Correct'} <kbd>{editing ? 'Esc' : 'e'}</kbd>
                </button>
              </div>
              <input className="comment" placeholder="Comment (optional)" value={comment} maxLength={1000} onChange={(e) => setComment(e.target.value)} />
            </div>
          )}
          {!reviewer && <p className="muted panel">Your role ({user.role}) can look at alerts but not review them.</p>}
          {reviewer && !open && <p className="muted panel">This alert has been reviewed; a further decision is recorded as a second opinion.</p>}

          {reviewer && editing && (
            <div className="panel editor">
              <h2>Correct the boxes</h2>
              <label>
                Class of {selected ? `box ${editor.selected}` : 'new boxes'}
                <select
                  data-testid="box-class-select"
                  value={selected ? selected.className : drawClass}
                  onChange={(e) => {
                    if (editor.selected !== null && selected) dispatch({ type: 'relabel', index: editor.selected, className: e.target.value });
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
              <div className="decisions">
                <button type="button" data-testid="draw-box" aria-pressed={editor.mode === 'draw'} onClick={() => dispatch({ type: 'toggle-draw' })}>
                  {editor.mode === 'draw' ? 'Drawing…' : 'Draw box'} <kbd>d</kbd>
                </button>
                <button type="button" data-testid="box-delete" disabled={editor.selected === null} onClick={() => editor.selected !== null && dispatch({ type: 'delete', index: editor.selected })}>
                  Delete box <kbd>Del</kbd>
                </button>
              </div>
              <button type="button" className="primary wide" data-testid="save-correction" disabled={busy} onClick={() => void decide('corrected', editor)}>
                Save correction ({editor.boxes.length} box{editor.boxes.length === 1 ? '' : 'es'}{isDirty(editor) ? ', changed' : ', unchanged'}) <kbd>Enter</kbd>
              </button>
            </div>
          )}

          <div className="panel">
            <h2>Boxes</h2>
            <ol className="box-list">
              {editor.boxes.map((b, i) => (
                <li key={i}>
                  <button type="button" data-testid="box-item" data-index={i} className={`box-item ${editor.selected === i ? 'selected' : ''}`} onClick={() => dispatch({ type: 'select', index: i })}>
                    <span className="swatch" style={{ background: classColour(b.className, classes) }} />
                    {b.className} {b.score !== null ? b.score.toFixed(2) : '(drawn)'}
                    <span className="muted mono">
                      {' '}
                      {Math.round(b.box.x1)},{Math.round(b.box.y1)}–{Math.round(b.box.x2)},{Math.round(b.box.y2)}
                    </span>
                  </button>
                </li>
              ))}
              {editor.boxes.length === 0 && <li className="muted">no boxes</li>}
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
                    <span className="muted">{formatTime(r.createdAt)}</span> · {r.boxes.length} box{r.boxes.length === 1 ? '' : 'es'}
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
                  ['x', 'reject (false positive)'],
                  ['e', 'correct: edit the boxes'],
                  ['d', 'draw a new box (drag on the image)'],
                  ['Delete', 'delete the selected box'],
                  ['← ↑ → ↓', 'move the selected box 1 px (Shift: 10 px)'],
                  ['Shift+Alt+arrows', 'resize the selected box (right/bottom edge) 1 px'],
                  ['Enter', 'save the correction'],
                  ['Esc', 'cancel the correction / stop drawing'],
                  ['n / p', 'next / previous alert'],
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
