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

export const IMAGE_BODY_METADATA = 'argus:image-body';

/**
 * The handler takes an image as its body (`image/png`, `image/jpeg`, `application/octet-stream`)
 * where every other change must be JSON. Still safe from cross-site forms: a form cannot send these
 * types, and a cross-site script that tries is stopped by CORS' preflight, as it is for JSON.
 */
export const AcceptsImageBody = () => SetMetadata(IMAGE_BODY_METADATA, true);
