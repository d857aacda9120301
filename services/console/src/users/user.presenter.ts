import type { ConsoleUser } from '@argus/persistence';
import type { UserRole } from '../identity/principal';

/** `User` of the API contract. */
export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly disabled: boolean;
  readonly createdAt: string;
}

export function presentUser(user: ConsoleUser): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
  };
}
