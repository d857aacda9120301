import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { AppUserEntity } from './app-user.entity';

/** A signed-in browser. Only the SHA-256 (hex) of the cookie's token is stored. */
@Entity('user_session')
@Unique('uq_user_session_token_sha256', ['tokenSha256'])
@Index('ix_user_session_user', ['userId'])
export class UserSessionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_user_session' })
  id!: string;

  @Column({ type: 'text', name: 'token_sha256' })
  tokenSha256!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3 })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  lastSeenAt!: Date;

  @ManyToOne(() => AppUserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_session_user' })
  user?: Relation<AppUserEntity>;
}
