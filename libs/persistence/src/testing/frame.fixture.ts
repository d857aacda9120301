import { createHash, randomUUID } from 'node:crypto';
import type { Database } from '../database';
import { FrameRepository } from '../frame.repository';

/** For integration tests: a stored 64×48 frame row of the camera (unique content), and its id. */
export async function storedTestFrame(db: Database, lineId: string, cameraId = 'cam-a'): Promise<string> {
  const { frame } = await new FrameRepository(db).recordIngested({
    lineId,
    cameraId,
    objectKey: `${lineId}/${cameraId}/${randomUUID()}.png`,
    contentType: 'image/png',
    width: 64,
    height: 48,
    byteSize: 10,
    sha256: createHash('sha256').update(randomUUID()).digest('hex'),
    capturedAt: new Date(),
  });
  return frame.id;
}
