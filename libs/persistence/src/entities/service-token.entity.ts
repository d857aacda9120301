import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A camera's or a script's bearer token; only its SHA-256 (hex) is stored. */
@Entity('service_token')
@Unique('uq_service_token_name', ['name'])
@Unique('uq_service_token_token_sha256', ['tokenSha256'])
export class ServiceTokenEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_service_token' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text', nullable: true })
  role!: string | null;

  @Column({ type: 'text', name: 'token_sha256' })
  tokenSha256!: string;

  @Column({ type: 'text' })
  createdBy!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lastUsedAt!: Date | null;
}
