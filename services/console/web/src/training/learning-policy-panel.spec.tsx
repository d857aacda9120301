/** @jest-environment jsdom */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { LearningPolicy } from '../api/api-types';
import { FakeConsole } from '../testing/fake-console';
import { LearningPolicyPanel, requestOf, draftOf } from './learning-policy-panel';

const DEFAULTS: LearningPolicy = {
  lineId: 'pcb-1',
  triggers: {
    newLabels: { enabled: null, minFrames: null },
    unknownClass: { enabled: null },
    rejectRate: { enabled: null, window: null, maxRate: null },
    scoreShift: { enabled: null, maxDistance: null, minFrames: null },
    schedule: { enabled: null, everyHours: null },
  },
  autoPromotion: { enabled: false, minFrames: null, minAgreement: null },
  updatedBy: null,
  updatedAt: null,
};
const PATH = '/api/v1/lines/pcb-1/learning-policy';

describe('learning policy panel', () => {
  it('round-trips a policy: blanks are the defaults (null), numbers and on/off as set', () => {
    expect(requestOf(draftOf(DEFAULTS))).toEqual({ triggers: DEFAULTS.triggers, autoPromotion: DEFAULTS.autoPromotion });
    const set: LearningPolicy = {
      ...DEFAULTS,
      triggers: {
        ...DEFAULTS.triggers,
        newLabels: { enabled: true, minFrames: 12 },
        scoreShift: { enabled: false, maxDistance: 0.3, minFrames: null },
      },
      autoPromotion: { enabled: true, minFrames: 200, minAgreement: 0.95 },
    };
    expect(requestOf(draftOf(set))).toEqual({ triggers: set.triggers, autoPromotion: set.autoPromotion });
  });

  it('an ML engineer turns auto-promotion on with a minimum of frames and saves it (PUT); a 400 is shown', async () => {
    let saved: unknown;
    const fake = new FakeConsole().on('GET', PATH, { body: DEFAULTS }).on('PUT', PATH, (r) => {
      saved = r.body;
      return {
        body: {
          ...DEFAULTS,
          autoPromotion: { enabled: true, minFrames: 50, minAgreement: null },
          updatedBy: 'ana',
          updatedAt: '2026-12-07T12:00:00.000Z',
        },
      };
    });
    fake.install();
    render(<LearningPolicyPanel lineId="pcb-1" mayEdit />);
    await screen.findByText(/This line follows every default/);
    fireEvent.click(screen.getByTestId('policy-auto-enabled'));
    fireEvent.change(screen.getByTestId('policy-auto-minFrames'), { target: { value: '50' } });
    fireEvent.change(screen.getByTestId('policy-newLabels-enabled'), { target: { value: 'off' } });
    fireEvent.click(screen.getByTestId('policy-save'));
    await waitFor(() => expect(screen.getByTestId('learning-policy-notice').textContent).toBe('Learning policy saved.'));
    expect(saved).toMatchObject({
      triggers: { newLabels: { enabled: false, minFrames: null } },
      autoPromotion: { enabled: true, minFrames: 50, minAgreement: null },
    });

    fake.on('PUT', PATH, {
      status: 400,
      body: { error: { code: 'invalid-request', message: 'the request body is not valid: autoPromotion.minFrames: too small' } },
    });
    fireEvent.click(screen.getByTestId('policy-save'));
    await waitFor(() => expect(screen.getByTestId('learning-policy-notice').textContent).toContain('autoPromotion.minFrames'));
  });

  it('others read it without a way to change it', async () => {
    new FakeConsole()
      .on('GET', PATH, {
        body: {
          ...DEFAULTS,
          autoPromotion: { enabled: true, minFrames: 300, minAgreement: 0.9 },
          updatedBy: 'ana',
          updatedAt: '2026-12-07T12:00:00.000Z',
        },
      })
      .install();
    render(<LearningPolicyPanel lineId="pcb-1" mayEdit={false} />);
    await screen.findByText(/Last changed by ana/);
    expect((screen.getByTestId('policy-auto-enabled') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('policy-auto-minFrames') as HTMLInputElement).disabled).toBe(true);
    expect(screen.queryByTestId('policy-save')).toBeNull();
  });
});
