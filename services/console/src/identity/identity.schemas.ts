import { z } from 'zod';
import { USER_ROLES } from './principal';

/** Usernames: letters, digits, `.`, `_`, `-`; case-insensitive (stored lower-case). */
export const UsernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
export const PasswordSchema = z.string().min(10, 'must be at least 10 characters').max(1024);
export const UserRoleSchema = z.enum(USER_ROLES);

export const LoginBodySchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.output<typeof LoginBodySchema>;
