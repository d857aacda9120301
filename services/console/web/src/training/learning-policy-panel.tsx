import { type FormEvent, useEffect, useState } from 'react';
import { apiRequest, describeError } from '../api/api-client';
import type { LearningPolicy, LearningPolicyRequest } from '../api/api-types';
import { useApi } from '../api/use-api';
import { formatTime } from '../ui/format';

/** The form's state: every field as typed; '' is "the service default". */
interface Draft {
  newLabels: { enabled: string; minFrames: string };
  unknownClass: { enabled: string };
  rejectRate: { enabled: string; window: string; maxRate: string };
  scoreShift: { enabled: string; maxDistance: string; minFrames: string };
  schedule: { enabled: string; everyHours: string };
  autoPromotion: { enabled: boolean; minFrames: string; minAgreement: string };
}

const onOff = (v: boolean | null) => (v === null ? '' : v ? 'on' : 'off');
const text = (v: number | null) => (v === null ? '' : String(v));

export function draftOf(p: LearningPolicy): Draft {
  const t = p.triggers;
  return {
    newLabels: { enabled: onOff(t.newLabels.enabled), minFrames: text(t.newLabels.minFrames) },
    unknownClass: { enabled: onOff(t.unknownClass.enabled) },
    rejectRate: { enabled: onOff(t.rejectRate.enabled), window: text(t.rejectRate.window), maxRate: text(t.rejectRate.maxRate) },
    scoreShift: {
      enabled: onOff(t.scoreShift.enabled),
      maxDistance: text(t.scoreShift.maxDistance),
      minFrames: text(t.scoreShift.minFrames),
    },
    schedule: { enabled: onOff(t.schedule.enabled), everyHours: text(t.schedule.everyHours) },
    autoPromotion: {
      enabled: p.autoPromotion.enabled,
      minFrames: text(p.autoPromotion.minFrames),
      minAgreement: text(p.autoPromotion.minAgreement),
    },
  };
}

/** The PUT body: '' → null (the default); numbers as typed — the server validates ranges and answers 400 with each issue. */
export function requestOf(d: Draft): LearningPolicyRequest {
  const flag = (v: string) => (v === '' ? null : v === 'on');
  const num = (v: string) => (v.trim() === '' ? null : Number(v));
  return {
    triggers: {
      newLabels: { enabled: flag(d.newLabels.enabled), minFrames: num(d.newLabels.minFrames) },
      unknownClass: { enabled: flag(d.unknownClass.enabled) },
      rejectRate: { enabled: flag(d.rejectRate.enabled), window: num(d.rejectRate.window), maxRate: num(d.rejectRate.maxRate) },
      scoreShift: {
        enabled: flag(d.scoreShift.enabled),
        maxDistance: num(d.scoreShift.maxDistance),
        minFrames: num(d.scoreShift.minFrames),
      },
      schedule: { enabled: flag(d.schedule.enabled), everyHours: num(d.schedule.everyHours) },
    },
    autoPromotion: {
      enabled: d.autoPromotion.enabled,
      minFrames: num(d.autoPromotion.minFrames),
      minAgreement: num(d.autoPromotion.minAgreement),
    },
  };
}

type RuleKey = 'newLabels' | 'unknownClass' | 'rejectRate' | 'scoreShift' | 'schedule';
const RULES: { key: RuleKey; label: string; fields: { name: string; label: string }[] }[] = [
  { key: 'newLabels', label: 'New labels', fields: [{ name: 'minFrames', label: 'frames labelled since the last job' }] },
  { key: 'unknownClass', label: 'Unknown class', fields: [] },
  {
    key: 'rejectRate',
    label: 'Reject rate',
    fields: [
      { name: 'window', label: 'last K reviewed alerts' },
      { name: 'maxRate', label: 'rejected share above (0–1)' },
    ],
  },
  {
    key: 'scoreShift',
    label: 'Score shift',
    fields: [
      { name: 'maxDistance', label: 'KS distance above (0–1)' },
      { name: 'minFrames', label: 'frames per side' },
    ],
  },
  { key: 'schedule', label: 'Schedule', fields: [{ name: 'everyHours', label: 'hours since the last job' }] },
];

/**
 * A line's learning policy on its jobs page: the trigger rules (each on, off or the service's
 * default, with its thresholds; blank: continual-fine-tune's configured default) and
 * auto-promotion of the line's shadow. ML engineers and admins edit it (audited); others read it.
 */
export function LearningPolicyPanel({ lineId, mayEdit }: { lineId: string; mayEdit: boolean }) {
  const path = `/api/v1/lines/${encodeURIComponent(lineId)}/learning-policy`;
  const policy = useApi(path, (p, signal) => apiRequest<LearningPolicy>(p, { signal }));
  const [draft, setDraft] = useState<Draft | null>(null);
  const [notice, setNotice] = useState<{ kind: 'notice' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (policy.data) setDraft(draftOf(policy.data));
  }, [policy.data]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    setBusy(true);
    setNotice(null);
    try {
      const saved = await apiRequest<LearningPolicy>(path, { method: 'PUT', body: requestOf(draft) });
      setDraft(draftOf(saved));
      setNotice({ kind: 'notice', text: 'Learning policy saved.' });
      policy.reload();
    } catch (e) {
      setNotice({ kind: 'error', text: describeError(e) });
    } finally {
      setBusy(false);
    }
  };

  const setRule = (key: RuleKey, field: string, value: string) => setDraft((d) => (d ? { ...d, [key]: { ...d[key], [field]: value } } : d));

  return (
    <form className="panel" onSubmit={save} data-testid="learning-policy">
      <h2>Learning policy</h2>
      {policy.error && <p className="error">{policy.error}</p>}
      {notice && (
        <p className={notice.kind} data-testid="learning-policy-notice">
          {notice.text}
        </p>
      )}
      {draft && (
        <>
          <p className="muted">
            Blank or “default”: continual-fine-tune’s setting.{' '}
            {policy.data?.updatedBy
              ? `Last changed by ${policy.data.updatedBy}${policy.data.updatedAt ? ` at ${formatTime(policy.data.updatedAt)}` : ''}.`
              : 'This line follows every default.'}
          </p>
          <table className="grid">
            <thead>
              <tr>
                <th>Trigger</th>
                <th>Rule</th>
                <th>Thresholds</th>
              </tr>
            </thead>
            <tbody>
              {RULES.map((rule) => {
                const values = draft[rule.key] as Record<string, string>;
                return (
                  <tr key={rule.key}>
                    <td>{rule.label}</td>
                    <td>
                      <select
                        data-testid={`policy-${rule.key}-enabled`}
                        value={values['enabled']}
                        disabled={!mayEdit}
                        onChange={(e) => setRule(rule.key, 'enabled', e.target.value)}
                      >
                        <option value="">default</option>
                        <option value="on">on</option>
                        <option value="off">off</option>
                      </select>
                    </td>
                    <td>
                      {rule.fields.map((f) => (
                        <label key={f.name} className="inline">
                          {f.label}{' '}
                          <input
                            data-testid={`policy-${rule.key}-${f.name}`}
                            inputMode="decimal"
                            size={8}
                            value={values[f.name]}
                            placeholder="default"
                            disabled={!mayEdit}
                            onChange={(e) => setRule(rule.key, f.name, e.target.value)}
                          />
                        </label>
                      ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h3>Auto-promotion</h3>
          <p className="muted">
            Off by default. When on, the line’s shadow is promoted without an ML engineer once it scored enough frames with production,
            agreeing with it at least as set, and, on frames operators reviewed, no worse than production. A candidate that failed its gates
            is never promoted this way.
          </p>
          <label className="inline">
            <input
              type="checkbox"
              data-testid="policy-auto-enabled"
              checked={draft.autoPromotion.enabled}
              disabled={!mayEdit}
              onChange={(e) => setDraft({ ...draft, autoPromotion: { ...draft.autoPromotion, enabled: e.target.checked } })}
            />{' '}
            promote the shadow automatically
          </label>{' '}
          <label className="inline">
            min frames{' '}
            <input
              data-testid="policy-auto-minFrames"
              inputMode="numeric"
              size={8}
              placeholder="default"
              value={draft.autoPromotion.minFrames}
              disabled={!mayEdit}
              onChange={(e) => setDraft({ ...draft, autoPromotion: { ...draft.autoPromotion, minFrames: e.target.value } })}
            />
          </label>{' '}
          <label className="inline">
            min precision and recall vs production (0–1){' '}
            <input
              data-testid="policy-auto-minAgreement"
              inputMode="decimal"
              size={6}
              placeholder="default"
              value={draft.autoPromotion.minAgreement}
              disabled={!mayEdit}
              onChange={(e) => setDraft({ ...draft, autoPromotion: { ...draft.autoPromotion, minAgreement: e.target.value } })}
            />
          </label>
          {mayEdit && (
            <div>
              <button type="submit" className="primary" data-testid="policy-save" disabled={busy}>
                Save policy
              </button>
            </div>
          )}
        </>
      )}
    </form>
  );
}
