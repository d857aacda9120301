import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { apiRequest, setUnauthorizedHandler } from '../api/api-client';
import type { Role, Session, User, LoginRequest } from '../api/api-types';
import { navigate } from '../router/router';

/**
 * Who is signed in. Asked of the server once at start (`/auth/me`); any 401 later forgets the user
 * and sends them to /login with the page they were on, so they come back to it after signing in.
 */
interface AuthState {
  /** undefined while the first /auth/me is in flight. */
  user: User | null | undefined;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function loginPathFor(location: { pathname: string; search: string }): string {
  if (location.pathname === '/login') return '/login';
  const next = location.pathname + location.search;
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setUser(null);
      navigate(loginPathFor(window.location), { replace: true });
    });
    const controller = new AbortController();
    apiRequest<Session>('/api/v1/auth/me', { signal: controller.signal, skipUnauthorizedHandler: true })
      .then((session) => setUser(session.user))
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'AbortError') return;
        setUser(null);
      });
    return () => controller.abort();
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const session = await apiRequest<Session>('/api/v1/auth/login', {
      method: 'POST',
      body: { username, password } satisfies LoginRequest,
      skipUnauthorizedHandler: true,
    });
    setUser(session.user);
  }, []);

  const logout = useCallback(async () => {
    try {
      await apiRequest<void>('/api/v1/auth/logout', { method: 'POST', skipUnauthorizedHandler: true });
    } catch {
      // Signed out here either way; an already-expired session is the common cause.
    }
    setUser(null);
    navigate('/login');
  }, []);

  const value = useMemo(() => ({ user, login, logout }), [user, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

/** The signed-in user; only for pages rendered behind the sign-in check. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}

/** What each role may do, to hide controls it cannot use. The server still checks every request. */
export const can = {
  review: (role: Role) => role === 'operator' || role === 'admin',
  promote: (role: Role) => role === 'ml-engineer' || role === 'admin',
  administer: (role: Role) => role === 'admin',
};
