import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Frame retention (issue 15): when camera-ingest's retention worker deletes frames, a per-frame
 * template object (content-addressed, so several frames may share one) goes too once no frame row
 * names it any more. That check looks frames up by `template_key`: this partial index serves it
 * (frames without a template of their own are not in it).
 */
export class FrameRetention1765400000000 implements MigrationInterface {
  readonly name = 'FrameRetention1765400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX ix_frame_template_key ON frame (template_key) WHERE template_key IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ix_frame_template_key`);
  }
}
