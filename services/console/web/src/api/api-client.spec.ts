import { ApiError, apiRequest, queryString, setUnauthorizedHandler } from './api-client';

type Call = { url: string; init: RequestInit };

function answer(status: number, body?: unknown): Response {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { status, ok: status >= 200 && status < 300, text: async () => text } as Response;
}

function fakeFetch(response: Response): Call[] {
  const calls: Call[] = [];
  (globalThis as { fetch: unknown }).fetch = async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return response;
  };
  return calls;
}

describe('apiRequest', () => {
  afterEach(() => setUnauthorizedHandler(() => undefined));

  it('sends JSON and says so on every change, also without a body', async () => {
    const calls = fakeFetch(answer(204));
    await apiRequest('/api/v1/service-tokens/t1', { method: 'DELETE' });
    await apiRequest('/api/v1/auth/logout', { method: 'POST' });
    expect(calls.map((c) => (c.init.headers as Record<string, string>)['content-type'])).toEqual(['application/json', 'application/json']);
    expect(calls[0]?.init.body).toBeUndefined();
    expect(calls[0]?.init.credentials).toBe('same-origin');
  });

  it('leaves GETs without a content type', async () => {
    const calls = fakeFetch(answer(200, { items: [] }));
    expect(await apiRequest('/api/v1/lines')).toEqual({ items: [] });
    expect((calls[0]?.init.headers as Record<string, string>)['content-type']).toBeUndefined();
  });

  it("turns the API's error shape into an ApiError with its code, id and issues", async () => {
    fakeFetch(
      answer(400, {
        error: {
          code: 'invalid-request',
          message: 'invalid request body',
          errorId: 'e-1',
          details: { issues: [{ path: ['reason'], message: 'too short' }] },
        },
      }),
    );
    const error = await apiRequest('/api/v1/lines/l/promotions', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('invalid-request');
    expect((error as ApiError).describe()).toBe('invalid request body (reason: too short) [error id e-1]');
  });

  it('says "not allowed for your role" for a 403', async () => {
    fakeFetch(answer(403, { error: { code: 'forbidden', message: 'POST /x needs the role ml-engineer', errorId: 'e-2' } }));
    const error = (await apiRequest('/x', { method: 'POST', body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(error.describe()).toMatch(/^Not allowed for your role: POST \/x needs the role ml-engineer/);
  });

  it('calls the 401 handler, except where a 401 means wrong credentials', async () => {
    fakeFetch(answer(401, { error: { code: 'unauthenticated', message: 'sign in first', errorId: 'e-3' } }));
    const seen: string[] = [];
    setUnauthorizedHandler(() => seen.push('401'));
    await expect(apiRequest('/api/v1/alerts')).rejects.toThrow('sign in first');
    await expect(apiRequest('/api/v1/auth/login', { method: 'POST', body: {}, skipUnauthorizedHandler: true })).rejects.toThrow();
    expect(seen).toEqual(['401']);
  });

  it('reports a body that is not the error shape as it came', async () => {
    fakeFetch(answer(502, 'Bad Gateway'));
    await expect(apiRequest('/api/v1/lines')).rejects.toMatchObject({ status: 502, code: 'http-502', message: 'Bad Gateway' });
  });
});

describe('queryString', () => {
  it('leaves out empty values', () => {
    expect(queryString({ a: 'x y', b: null, c: undefined, d: '', e: 0 })).toBe('?a=x+y&e=0');
    expect(queryString({})).toBe('');
  });
});
