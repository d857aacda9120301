/**
 * The one way the UI talks to the console API: same-origin fetch with the session cookie, JSON in
 * and out, and the API's error shape `{error:{code,message,errorId,details}}` turned into an
 * ApiError. A 401 anywhere means the session is gone: the registered handler sends the user to
 * /login (the server is the authority on who is signed in, and on what a role may do).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errorId: string | null = null,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** One line for the screen: what went wrong, and the error id to quote when reporting it. */
  describe(): string {
    const prefix =
      this.status === 403
        ? 'Not allowed for your role: '
        : this.status === 401
          ? 'Not signed in: '
          : this.status === 0
            ? 'Network error: '
            : '';
    const issues = issuesOf(this.details);
    const body = issues.length > 0 ? `${this.message} (${issues.join('; ')})` : this.message;
    return `${prefix}${body}${this.errorId ? ` [error id ${this.errorId}]` : ''}`;
  }
}

function issuesOf(details: unknown): string[] {
  if (typeof details !== 'object' || details === null || !('issues' in details)) return [];
  const issues = (details as { issues: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues.map((issue: { path?: unknown; message?: unknown }) => {
    const path = Array.isArray(issue.path) ? issue.path.join('.') : String(issue.path ?? '');
    return path ? `${path}: ${String(issue.message)}` : String(issue.message);
  });
}

/** Any error as a sentence for the screen. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => undefined;

/** The auth provider registers what a 401 does (forget the user, go to /login). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Login answers 401 for wrong credentials: that is not an expired session. */
  skipUnauthorizedHandler?: boolean;
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  // Every change says JSON, even without a body (logout, revoke): the API refuses other types on
  // cookie-authenticated changes, which is what keeps cross-site forms from forging them.
  if (method !== 'GET') headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', `the console did not answer (${describeError(error)})`);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = null;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) {
    const error = toApiError(response.status, json, text);
    if (response.status === 401 && !options.skipUnauthorizedHandler) onUnauthorized();
    throw error;
  }
  return json as T;
}

/**
 * Sends a file as the request body (an image upload: the route takes `image/png` or `image/jpeg`,
 * not JSON) and reads the JSON answer as apiRequest does.
 */
export async function apiUpload<T>(path: string, file: Blob, method: 'POST' | 'PUT' = 'POST'): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { accept: 'application/json', 'content-type': file.type || 'application/octet-stream' },
      body: file,
      credentials: 'same-origin',
    });
  } catch (error) {
    throw new ApiError(0, 'network', `the console did not answer (${describeError(error)})`);
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text.length > 0 ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    if (response.status === 401) onUnauthorized();
    throw toApiError(response.status, json, text);
  }
  return json as T;
}

function toApiError(status: number, json: unknown, text: string): ApiError {
  const body = (json as { error?: { code?: unknown; message?: unknown; errorId?: unknown; details?: unknown } } | null)?.error;
  if (body && typeof body.message === 'string') {
    return new ApiError(
      status,
      typeof body.code === 'string' ? body.code : `http-${status}`,
      body.message,
      typeof body.errorId === 'string' ? body.errorId : null,
      body.details ?? null,
    );
  }
  return new ApiError(status, `http-${status}`, text.trim().slice(0, 200) || `HTTP ${status}`);
}

/** `?a=1&b=x` from an object, leaving out empty values. */
export function queryString(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
