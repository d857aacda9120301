import type { AlertWithFrame } from '@argus/persistence';
import { InvalidRequestError } from '@argus/platform';
import { strictMock } from '@argus/platform/testing';
import { AuditItemQueriesService, decodeAuditCursor, encodeAuditCursor } from './audit-item-queries.service';

const item = (id: string, uncertainty: number, status: AlertWithFrame['status'] = 'open'): AlertWithFrame => ({
  id,
  frameId: `0b8f4c3e-1d2a-4b5c-8d9e-0f1a2b3c4d${id.slice(-2)}`,
  lineId: 'line-1',
  cameraId: 'cam-1',
  modelVersionId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
  severity: 'low',
  status,
  kind: 'audit',
  audit: { reason: 'near-threshold', uncertainty },
  detections: [{ className: 'open', score: 0.4, box: { x1: 1, y1: 2, x2: 30, y2: 40 } }],
  createdAt: new Date('2026-12-07T10:00:00.000Z'),
  updatedAt: new Date('2026-12-07T10:00:00.000Z'),
  frame: { capturedAt: new Date('2026-12-07T09:59:59.000Z'), width: 64, height: 48, objectKey: 'k.png', templateKey: null },
});

describe('AuditItemQueriesService', () => {
  it('pages the audit queue in its order, with each item kind, reason and uncertainty, and a cursor only when there is more', async () => {
    const rows = [item('00000000-0000-4000-8000-000000000001', 0.9), item('00000000-0000-4000-8000-000000000002', 0.6)];
    const alerts = strictMock<{ findAuditItems: jest.Mock }>('alerts', { findAuditItems: jest.fn(async () => rows) });
    const reviews = strictMock<{ latestReviewsFor: jest.Mock }>('reviews', { latestReviewsFor: jest.fn(async () => new Map()) });
    const service = new AuditItemQueriesService(alerts, reviews);

    const page = await service.list({ status: 'open', lineId: 'line-1', limit: 1 });
    expect(alerts.findAuditItems).toHaveBeenCalledWith({ status: 'open', lineId: 'line-1' }, { limit: 2 });
    expect(page.items).toEqual([
      expect.objectContaining({ id: rows[0]?.id, kind: 'audit', audit: { reason: 'near-threshold', uncertainty: 0.9 }, review: null }),
    ]);
    expect(page.nextCursor).not.toBeNull();

    await service.list({ limit: 1, cursor: page.nextCursor ?? '' });
    expect(alerts.findAuditItems).toHaveBeenLastCalledWith(
      {},
      { limit: 2, after: { uncertainty: 0.9, createdAt: new Date('2026-12-07T10:00:00.000Z'), id: rows[0]?.id } },
    );
  });

  it('round-trips its cursor exactly and refuses any other as a 400', () => {
    const position = item('00000000-0000-4000-8000-000000000003', 0.123456789);
    expect(decodeAuditCursor(encodeAuditCursor(position))).toEqual({
      uncertainty: 0.123456789,
      createdAt: position.createdAt,
      id: position.id,
    });
    expect(() => decodeAuditCursor('not-a-cursor')).toThrow(InvalidRequestError);
    expect(() => decodeAuditCursor(Buffer.from(JSON.stringify({ t: '2026-12-07T10:00:00Z', id: 'x' })).toString('base64url'))).toThrow(
      InvalidRequestError,
    );
  });
});
