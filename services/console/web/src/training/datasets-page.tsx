import { apiRequest } from '../api/api-client';
import type { DatasetVersion } from '../api/api-types';
import { useApi } from '../api/use-api';
import { Link } from '../router/router';
import { formatTime } from '../ui/format';

/** `/lines/:lineId/datasets`: the line's data set versions, newest first, with their exports. */
export function DatasetsPage({ lineId }: { lineId: string }) {
  const versions = useApi(`/api/v1/lines/${encodeURIComponent(lineId)}/datasets`, (p, signal) =>
    apiRequest<{ items: DatasetVersion[] }>(p, { signal }),
  );
  const items = versions.data?.items ?? [];
  return (
    <section className="page">
      <div className="page-head">
        <Link href="/training" className="back">
          ← Fine-tuning
        </Link>
        <h1>Data sets · {lineId}</h1>
        <Link href={`/lines/${encodeURIComponent(lineId)}/jobs`}>Jobs</Link>
      </div>
      {versions.error && <p className="error">{versions.error}</p>}
      {!versions.loading && !versions.error && items.length === 0 && (
        <p className="empty">No data set version yet: one is frozen when a fine-tune job is asked for.</p>
      )}
      {items.length > 0 && (
        <table className="grid" data-testid="datasets">
          <thead>
            <tr>
              <th className="num">Version</th>
              <th>Created</th>
              <th>Produced by</th>
              <th className="num">Frames train / holdout</th>
              <th className="num">Hard negatives</th>
              <th>Per class (train / holdout frames)</th>
              <th>Changes</th>
              <th>Fingerprint</th>
              <th>Export</th>
            </tr>
          </thead>
          <tbody>
            {items.map((v) => (
              <tr key={v.id} data-testid="dataset-version">
                <td className="num">v{v.number}</td>
                <td className="nowrap">{formatTime(v.createdAt)}</td>
                <td>{v.producedBy}</td>
                <td className="num">
                  {v.frames.train} / {v.frames.holdout}
                </td>
                <td className="num">
                  {v.hardNegatives.train} / {v.hardNegatives.holdout}
                </td>
                <td>
                  {v.perClass.map((c) => (
                    <span key={c.className} className="tag" title={`${c.trainBoxes} / ${c.holdoutBoxes} boxes`}>
                      {c.className} {c.trainFrames} / {c.holdoutFrames}
                    </span>
                  ))}
                </td>
                <td data-testid="dataset-changes">
                  +{v.changes.added} added · {v.changes.relabelled} relabelled · {v.changes.unchanged} unchanged
                </td>
                <td className="mono muted" title={v.fingerprint}>
                  {v.fingerprint.slice(0, 15)}…
                </td>
                <td className="nowrap">
                  <a href={`/api/v1/datasets/${v.id}/manifest`} data-testid="dataset-manifest">
                    manifest
                  </a>{' '}
                  · <a href={`/api/v1/datasets/${v.id}/coco`}>COCO</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
