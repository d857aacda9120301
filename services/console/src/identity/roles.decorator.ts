import { SetMetadata } from '@nestjs/common';
import type { UserRole } from './principal';

export const ROLES_METADATA = 'argus:roles';
export const PUBLIC_METADATA = 'argus:public';

/**
 * The roles allowed on a controller or handler (the handler's wins). `admin` is allowed everywhere
 * ("admin: everything"), so `@Roles('operator')` admits operators and admins. Without `@Roles`, any
 * signed-in user role is enough (a camera token is not a console user).
 */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_METADATA, roles);

/** No authentication at all: login, health. */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);
