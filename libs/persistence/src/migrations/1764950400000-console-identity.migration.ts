import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who may use the console (issue 5):
 * - `app_user`: a console user; the username is stored lower-case (the CHECK says so) so a plain
 *   unique constraint makes names case-insensitive without citext (which embedded PGlite lacks);
 *   `password_hash` is the self-describing scrypt string, never a bare digest.
 * - `user_session`: one signed-in browser; only the SHA-256 of the cookie's random token is kept,
 *   so a copy of the table signs nobody in.
 * - `service_token`: a camera's or a script's bearer token, hashed likewise; a `camera` token has
 *   no role (it may only upload frames), a `service` token acts with one.
 * - two indexes for the audit listing's filters (by actor, by action), newest first.
 */
export class ConsoleIdentity1764950400000 implements MigrationInterface {
  readonly name = 'ConsoleIdentity1764950400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE app_user (
        id             uuid        NOT NULL DEFAULT gen_random_uuid(),
        username       text        NOT NULL,
        display_name   text        NOT NULL,
        role           text        NOT NULL,
        password_hash  text        NOT NULL,
        disabled       boolean     NOT NULL DEFAULT false,
        created_at     timestamptz(3) NOT NULL DEFAULT now(),
        updated_at     timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT pk_app_user PRIMARY KEY (id),
        CONSTRAINT uq_app_user_username UNIQUE (username),
        CONSTRAINT chk_app_user_username CHECK (username ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
        CONSTRAINT chk_app_user_display_name CHECK (char_length(display_name) BETWEEN 1 AND 200),
        CONSTRAINT chk_app_user_role CHECK (role IN ('operator', 'ml-engineer', 'admin')),
        CONSTRAINT chk_app_user_password_hash CHECK (password_hash LIKE 'scrypt$%')
      )`);

    await db.query(`
      CREATE TABLE user_session (
        id            uuid        NOT NULL DEFAULT gen_random_uuid(),
        token_sha256  text        NOT NULL,
        user_id       uuid        NOT NULL,
        created_at    timestamptz(3) NOT NULL DEFAULT now(),
        expires_at    timestamptz(3) NOT NULL,
        revoked_at    timestamptz(3) NULL,
        last_seen_at  timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT pk_user_session PRIMARY KEY (id),
        CONSTRAINT uq_user_session_token_sha256 UNIQUE (token_sha256),
        CONSTRAINT fk_user_session_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE,
        CONSTRAINT chk_user_session_token_sha256 CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
        CONSTRAINT chk_user_session_expiry CHECK (expires_at > created_at)
      )`);
    await db.query(`CREATE INDEX ix_user_session_user ON user_session (user_id)`);

    await db.query(`
      CREATE TABLE service_token (
        id            uuid        NOT NULL DEFAULT gen_random_uuid(),
        name          text        NOT NULL,
        kind          text        NOT NULL,
        role          text        NULL,
        token_sha256  text        NOT NULL,
        created_by    text        NOT NULL,
        created_at    timestamptz(3) NOT NULL DEFAULT now(),
        revoked_at    timestamptz(3) NULL,
        last_used_at  timestamptz(3) NULL,
        CONSTRAINT pk_service_token PRIMARY KEY (id),
        CONSTRAINT uq_service_token_name UNIQUE (name),
        CONSTRAINT uq_service_token_token_sha256 UNIQUE (token_sha256),
        CONSTRAINT chk_service_token_name CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
        CONSTRAINT chk_service_token_kind CHECK (kind IN ('camera', 'service')),
        CONSTRAINT chk_service_token_role CHECK (
          (kind = 'camera' AND role IS NULL) OR (kind = 'service' AND role IS NOT NULL AND role IN ('operator', 'ml-engineer', 'admin'))
        ),
        CONSTRAINT chk_service_token_token_sha256 CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
        CONSTRAINT chk_service_token_created_by CHECK (char_length(created_by) BETWEEN 1 AND 128)
      )`);

    await db.query(`CREATE INDEX ix_audit_log_actor ON audit_log (actor, id DESC)`);
    await db.query(`CREATE INDEX ix_audit_log_action ON audit_log (action, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ix_audit_log_action`);
    await db.query(`DROP INDEX ix_audit_log_actor`);
    await db.query(`DROP TABLE service_token`);
    await db.query(`DROP TABLE user_session`);
    await db.query(`DROP TABLE app_user`);
  }
}
