/** @jest-environment jsdom */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { AlertDetail } from '../api/api-types';
import { App } from '../app';
import { FakeConsole } from '../testing/fake-console';
import { alertFixture, present, userFixture } from '../testing/fixtures';

function detail(overrides: Partial<AlertDetail> = {}): AlertDetail {
  const alert = alertFixture({
    frame: { width: 640, height: 480 },
    detections: [
      { className: 'scratch', score: 0.93, box: { x1: 10, y1: 20, x2: 110, y2: 70 } },
      { className: 'dent', score: 0.61, box: { x1: 300, y1: 300, x2: 340, y2: 350 } },
    ],
  });
  return {
    ...alert,
    imageUrl: `/api/v1/frames/${alert.frameId}/image`,
    templateUrl: null,
    modelClasses: ['scratch', 'dent', 'crack'],
    reviews: [],
    model: { id: alert.modelVersionId, name: 'surface-s2', version: '7', scoreThreshold: 0.05, deploymentThreshold: 0.4 },
    alertRules: [{ className: 'scratch', minScore: 0.5, minBoxAreaPx2: 36, severity: 'medium' }],
    ...overrides,
  };
}

function consoleFor(current: AlertDetail, next: AlertDetail, role: 'operator' | 'ml-engineer' = 'operator') {
  return new FakeConsole()
    .on('GET', '/api/v1/auth/me', { body: { user: userFixture({ role }), expiresAt: '2030-01-01T00:00:00.000Z' } })
    .on('GET', '/api/v1/alerts', { body: { items: [current, next], nextCursor: null } })
    .on('GET', `/api/v1/alerts/${current.id}`, { body: current })
    .on('GET', `/api/v1/alerts/${next.id}`, { body: next })
    .on('POST', `/api/v1/alerts/${current.id}/reviews`, (request) => ({
      status: 201,
      body: {
        review: {
          id: 'r-1',
          reviewer: 'olga',
          decision: (request.body as { decision: string }).decision,
          boxes: [],
          comment: null,
          createdAt: current.createdAt,
        },
        alert: { ...current, status: (request.body as { decision: string }).decision },
        conflictsWith: null,
      },
    }));
}

async function open(api: FakeConsole, alert: AlertDetail) {
  api.install();
  window.history.replaceState(null, '', `/alerts/${alert.id}`);
  render(<App />);
  await screen.findByTestId('alert-image');
}

const key = (k: string, init: KeyboardEventInit = {}) => fireEvent.keyDown(window, { key: k, ...init });

describe('alert review page', () => {
  it('draws the detections as boxes over the frame', async () => {
    const current = detail();
    await open(consoleFor(current, detail()), current);
    expect(screen.getByTestId('alert-image').getAttribute('src')).toBe(current.imageUrl);
    const boxes = screen.getAllByTestId('box');
    expect(boxes.map((b) => b.getAttribute('data-class'))).toEqual(['scratch', 'dent']);
    expect(present(present(boxes[0]).querySelector('rect')).getAttribute('x')).toBe('10');
    expect(screen.getByTestId('review-status').textContent).toContain('open');
    expect(screen.queryByTestId('template-toggle')).toBeNull();
  });

  it('confirms with "c" and goes on to the next alert in the queue', async () => {
    const current = detail();
    const next = detail();
    const api = consoleFor(current, next);
    await open(api, current);
    key('c');
    await waitFor(() => expect(window.location.pathname).toBe(`/alerts/${next.id}`));
    expect(present(api.requests.find((r) => r.method === 'POST')).body).toEqual({
      decision: 'confirmed',
      reviewId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await waitFor(() => expect(screen.getByTestId('review-status').textContent).toContain('confirmed · saved'));
  });

  it('corrects by keyboard: edit, select, move, resize, relabel, draw and delete, then Enter saves all boxes in frame pixels', async () => {
    const current = detail();
    const api = consoleFor(current, detail());
    await open(api, current);
    key('e');
    fireEvent.click(present(screen.getAllByRole('button', { name: /scratch 0\.93/ })[0]));
    expect(present(screen.getAllByTestId('box')[0]).getAttribute('data-selected')).toBe('true');
    key('ArrowRight');
    key('ArrowDown', { shiftKey: true });
    key('ArrowRight', { shiftKey: true, altKey: true });
    fireEvent.change(screen.getByTestId('box-class-select'), { target: { value: 'crack' } });
    fireEvent.click(present(screen.getAllByRole('button', { name: /dent 0\.61/ })[0]));
    fireEvent.click(screen.getByTestId('box-delete'));
    expect(screen.getAllByTestId('box')).toHaveLength(1);
    key('Enter');
    await waitFor(() => expect(api.requests.some((r) => r.method === 'POST')).toBe(true));
    expect(present(api.requests.find((r) => r.method === 'POST')).body).toEqual({
      decision: 'corrected',
      boxes: [{ className: 'crack', box: { x1: 11, y1: 30, x2: 112, y2: 80 } }],
      reviewId: expect.any(String),
    });
  });

  it('names a new class on a new line’s onboarding frame (its base model does not know it), and offers it only there', async () => {
    const onboarding = detail({ kind: 'audit', audit: { reason: 'onboarding', uncertainty: 1 }, detections: [] });
    const api = consoleFor(onboarding, detail());
    await open(api, onboarding);
    key('e');
    fireEvent.change(screen.getByTestId('new-class'), { target: { value: 'platelet' } });
    fireEvent.keyDown(screen.getByTestId('new-class'), { key: 'Enter' });
    expect((screen.getByTestId('box-class-select') as HTMLSelectElement).value).toBe('platelet');
    cleanup();
    const defect = detail();
    await open(consoleFor(defect, detail()), defect);
    key('e');
    expect(screen.queryByTestId('new-class')).toBeNull();
  });

  it('Esc cancels a correction and brings the detections back', async () => {
    const current = detail();
    await open(consoleFor(current, detail()), current);
    fireEvent.click(screen.getByTestId('decision-correct'));
    fireEvent.click(present(screen.getAllByRole('button', { name: /dent 0\.61/ })[0]));
    key('Delete');
    expect(screen.getAllByTestId('box')).toHaveLength(1);
    key('Escape');
    expect(screen.getAllByTestId('box')).toHaveLength(2);
    expect(screen.queryByTestId('save-correction')).toBeNull();
  });

  it("shows the server's refusal", async () => {
    const current = detail();
    const api = consoleFor(current, detail());
    api.on('POST', `/api/v1/alerts/${current.id}/reviews`, {
      status: 403,
      body: { error: { code: 'forbidden', message: 'role operator may not do this', errorId: 'err-9' } },
    });
    await open(api, current);
    fireEvent.click(screen.getByTestId('decision-reject'));
    const error = await screen.findByTestId('review-error');
    expect(error.textContent).toContain('Not allowed for your role');
    expect(error.textContent).toContain('err-9');
    expect(window.location.pathname).toBe(`/alerts/${current.id}`);
  });

  it('retries a decision the API recorded but could not publish with the same reviewId', async () => {
    const current = detail();
    const api = consoleFor(current, detail());
    let calls = 0;
    api.on('POST', `/api/v1/alerts/${current.id}/reviews`, (request) => {
      calls += 1;
      const reviewId = (request.body as { reviewId: string }).reviewId;
      if (calls === 1)
        return {
          status: 503,
          body: { error: { code: 'unavailable', message: 'review recorded, not yet published', errorId: 'e', details: { reviewId } } },
        };
      return {
        status: 201,
        body: {
          review: { id: reviewId, reviewer: 'olga', decision: 'rejected', boxes: [], comment: null, createdAt: current.createdAt },
          alert: { ...current, status: 'rejected' },
          conflictsWith: null,
        },
      };
    });
    await open(api, current);
    fireEvent.click(screen.getByTestId('decision-reject'));
    expect((await screen.findByTestId('review-error')).textContent).toContain('retry');
    fireEvent.click(screen.getByTestId('decision-reject'));
    await waitFor(() => expect(calls).toBe(2));
    const [first, second] = api.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { reviewId: string }).reviewId);
    expect(second).toBe(first);
  });

  describe('a reviewed alert', () => {
    const correction = {
      id: 'r-7',
      reviewer: 'admin',
      decision: 'corrected' as const,
      boxes: [
        { className: 'crack', box: { x1: 12, y1: 22, x2: 100, y2: 60 } },
        { className: 'dent', box: { x1: 300, y1: 300, x2: 340, y2: 350 } },
      ],
      comment: null,
      createdAt: '2026-11-28T10:30:00.000Z',
    };
    const reviewed = () => detail({ status: 'corrected', review: correction, reviews: [correction] });

    it("shows the reviewed boxes, labelled, by default, and the model's at a toggle (button or b)", async () => {
      const current = reviewed();
      await open(consoleFor(current, detail()), current);
      const classes = () => screen.getAllByTestId('box').map((b) => b.getAttribute('data-class'));
      expect(classes()).toEqual(['crack', 'dent']);
      expect(present(present(screen.getAllByTestId('box')[0]).querySelector('rect')).getAttribute('x')).toBe('12');
      expect(screen.getByTestId('box-source').getAttribute('data-source')).toBe('reviewed');
      expect(screen.getByTestId('boxes-heading').textContent).toBe('Reviewed boxes');
      expect(screen.getByTestId('boxes-origin').textContent).toContain('corrected by admin');
      expect(screen.getByTestId('show-reviewed-boxes').getAttribute('aria-pressed')).toBe('true');

      fireEvent.click(screen.getByTestId('show-model-boxes'));
      expect(classes()).toEqual(['scratch', 'dent']);
      expect(screen.getByTestId('boxes-heading').textContent).toBe("Model's boxes");
      expect(screen.getByTestId('show-model-boxes').getAttribute('aria-pressed')).toBe('true');
      key('b');
      expect(classes()).toEqual(['crack', 'dent']);
      key('b');
      expect(classes()).toEqual(['scratch', 'dent']);
      // The review list names what each decision left.
      expect(screen.getByText(/2 boxes: crack, dent/)).toBeTruthy();
    });

    it('shows a rejection as no defect, and a confirmation with the model scores it kept', async () => {
      const rejection = { ...correction, id: 'r-8', decision: 'rejected' as const, boxes: [] };
      const rejected = detail({ status: 'rejected', review: rejection, reviews: [rejection] });
      await open(consoleFor(rejected, detail()), rejected);
      expect(screen.queryAllByTestId('box')).toHaveLength(0);
      expect(screen.getByText('no defect: rejected as a false positive')).toBeTruthy();
      cleanup();
      const confirmation = {
        ...correction,
        id: 'r-9',
        decision: 'confirmed' as const,
        boxes: rejected.detections.map((d) => ({ className: d.className, box: d.box })),
      };
      const confirmed = detail({ status: 'confirmed', review: confirmation, reviews: [confirmation] });
      await open(consoleFor(confirmed, detail()), confirmed);
      expect(screen.getAllByRole('button', { name: /scratch 0\.93/ })).toHaveLength(1);
      expect(screen.getByTestId('boxes-origin').textContent).toContain('confirmed by admin');
    });

    it('after a correction with no alert left, stays showing the boxes just saved', async () => {
      const current = detail();
      const api = consoleFor(current, detail());
      api.on('GET', '/api/v1/alerts', { body: { items: [current], nextCursor: null } });
      api.on('POST', `/api/v1/alerts/${current.id}/reviews`, (request) => {
        const body = request.body as { boxes: typeof correction.boxes };
        const review = { ...correction, reviewer: 'olga', boxes: body.boxes };
        return { status: 201, body: { review, alert: { ...current, status: 'corrected', review }, conflictsWith: null } };
      });
      await open(api, current);
      key('e');
      fireEvent.click(present(screen.getAllByRole('button', { name: /dent 0\.61/ })[0]));
      key('Delete');
      key('Enter');
      await waitFor(() => expect(screen.getByTestId('review-status').textContent).toContain('No more open alerts'));
      expect(screen.getAllByTestId('box').map((b) => b.getAttribute('data-class'))).toEqual(['scratch']);
      expect(screen.getByTestId('boxes-heading').textContent).toBe('Reviewed boxes');
    });
  });

  it('names the model version that drew the boxes and its thresholds', async () => {
    const current = detail();
    await open(consoleFor(current, detail()), current);
    expect(screen.getByTestId('alert-model').textContent).toContain('surface-s2@7');
    expect(screen.getByTestId('alert-model-threshold').textContent).toBe('reports scores ≥ 0.05');
    expect(screen.getByTestId('alert-rules').textContent).toContain('scratch ≥ 0.50');
    expect(screen.queryByTestId('box-source')).toBeNull();
    expect(screen.getByTestId('boxes-origin').textContent).toContain('surface-s2@7');
  });

  it('hides decisions from a role that cannot review', async () => {
    const current = detail({ templateUrl: '/api/v1/frames/f/template' });
    await open(consoleFor(current, detail(), 'ml-engineer'), current);
    expect(screen.queryByTestId('decision-confirm')).toBeNull();
    fireEvent.click(screen.getByTestId('template-toggle'));
    expect(screen.getByTestId('alert-image').getAttribute('src')).toBe('/api/v1/frames/f/template');
  });
});
