import { useEffect, useState } from 'react';
import { apiRequest } from '../api/api-client';
import type { Dashboard } from '../api/api-types';
import { useApi } from '../api/use-api';
import { Link } from '../router/router';
import { formatPercent, formatTime, modelLabel } from '../ui/format';
import { LineChart } from './line-chart';

const REFRESH_MS = 10_000;
const MINUTES = 60;

export function DashboardPage() {
  const dashboard = useApi(`/api/v1/dashboard?minutes=${MINUTES}`, (p, signal) => apiRequest<Dashboard>(p, { signal }));
  const { reload } = dashboard;
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (paused) return;
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload, paused]);
  const data = dashboard.data;

  return (
    <section className="page dashboard-page">
      <div className="page-head">
        <h1>Dashboard</h1>
        <span className="muted">
          last {MINUTES} min{data ? ` · updated ${formatTime(data.generatedAt)}` : ''} · refreshes every {REFRESH_MS / 1000} s
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => setPaused((p) => !p)} aria-pressed={paused}>
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      {dashboard.error && <p className="error">{dashboard.error}</p>}
      <div className="line-cards">
        {data?.lines.map((line) => (
          <div key={line.lineId} className="panel line-card" data-testid="dashboard-line" data-line-id={line.lineId}>
            <div className="line-card-head">
              <h2>{line.name || line.lineId}</h2>
              <Link href={`/lines/${encodeURIComponent(line.lineId)}/promotions`} className="small">
                {line.production ? modelLabel(line.production) : 'no model in production'}
              </Link>
            </div>
            <div className="stats">
              <div title={line.backlog.exact ? undefined : 'An estimate: more than 10,000 open alerts'}>
                <Link
                  href={`/queue?line=${encodeURIComponent(line.lineId)}`}
                  data-testid="dashboard-backlog"
                  className={line.backlog.count > 0 ? 'backlog' : 'backlog muted'}
                >
                  <span className="stat">
                    {line.backlog.exact ? '' : '≈ '}
                    {line.backlog.count.toLocaleString('en-US')}
                  </span>{' '}
                  open to review
                </Link>
              </div>
              <div>
                <span className="stat">{line.framesPerMinute.toFixed(1)}</span> frames/min
              </div>
              <div>
                <span className="stat">{line.alertsPerMinute.toFixed(1)}</span> alerts/min
              </div>
              <div>
                <span className="stat">{formatPercent(line.defectRate, 2)}</span> defect rate
              </div>
            </div>
            <LineChart
              testId="chart-frames"
              title="Frames/min"
              colour="#2563eb"
              minutes={data.minutes}
              end={Date.parse(data.generatedAt)}
              points={line.series.map((s) => ({ minute: s.minute, value: s.frames }))}
            />
            <LineChart
              testId="chart-alerts"
              title="Alerts/min"
              colour="#dc2626"
              minutes={data.minutes}
              end={Date.parse(data.generatedAt)}
              points={line.series.map((s) => ({ minute: s.minute, value: s.alerts }))}
            />
          </div>
        ))}
        {data && data.lines.length === 0 && <p className="empty">No lines have sent frames yet.</p>}
      </div>
      {data && (
        <div className="panel" data-testid="pipeline-health">
          <h2>Pipeline health</h2>
          {data.pipeline.error && <p className="error">Kafka could not be asked: {data.pipeline.error}</p>}
          <div className="health-grid">
            <table className="grid">
              <thead>
                <tr>
                  <th>Consumer group</th>
                  <th>Topic</th>
                  <th className="num">Lag</th>
                </tr>
              </thead>
              <tbody>
                {data.pipeline.consumerGroups.map((g) => (
                  <tr key={`${g.groupId} ${g.topic}`}>
                    <td className="mono">{g.groupId}</td>
                    <td className="mono">{g.topic}</td>
                    <td className={`num ${g.lag > 1000 ? 'bad' : g.lag > 100 ? 'warn' : ''}`}>{g.lag}</td>
                  </tr>
                ))}
                {data.pipeline.consumerGroups.length === 0 && (
                  <tr>
                    <td colSpan={3} className="muted">
                      no consumer groups reported
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
            <table className="grid">
              <thead>
                <tr>
                  <th>Dead-letter topic</th>
                  <th className="num">Messages</th>
                </tr>
              </thead>
              <tbody>
                {data.pipeline.deadLetters.map((d) => (
                  <tr key={d.topic}>
                    <td className="mono">{d.topic}</td>
                    <td className={`num ${d.count > 0 ? 'bad' : ''}`}>{d.count}</td>
                  </tr>
                ))}
                {data.pipeline.deadLetters.length === 0 && (
                  <tr>
                    <td colSpan={2} className="muted">
                      no dead-letter topics
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
