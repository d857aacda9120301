import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A console user. `username` is lower-case (CHECK in the migration), so its unique key is case-insensitive. */
@Entity('app_user')
@Unique('uq_app_user_username', ['username'])
export class AppUserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_app_user' })
  id!: string;

  @Column({ type: 'text' })
  username!: string;

  @Column({ type: 'text' })
  displayName!: string;

  @Column({ type: 'text' })
  role!: string;

  @Column({ type: 'text' })
  passwordHash!: string;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;
}
