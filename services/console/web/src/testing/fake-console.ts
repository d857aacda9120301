/**
 * A scripted console API for the web UI's jsdom specs: `fetch` answers from handlers keyed by
 * method and path (an unexpected request fails the test), and EventSource instances can be made
 * to emit server-sent events.
 */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface FakeAnswer {
  status?: number;
  body?: unknown;
}

type Handler = (request: FakeRequest) => FakeAnswer;

export class FakeConsole {
  readonly requests: FakeRequest[] = [];
  private readonly handlers = new Map<string, Handler>();

  on(method: string, path: string, handler: Handler | FakeAnswer): this {
    this.handlers.set(`${method} ${path}`, typeof handler === 'function' ? handler : () => handler);
    return this;
  }

  readonly fetch = async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost');
    const method = init.method ?? 'GET';
    const request: FakeRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    this.requests.push(request);
    const handler = this.handlers.get(`${method} ${url.pathname}`);
    if (!handler) throw new Error(`unexpected request ${method} ${url.pathname}${url.search}`);
    const answer = handler(request);
    const status = answer.status ?? 200;
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    return { status, ok: status >= 200 && status < 300, text: async () => text } as Response;
  };

  install(): void {
    (globalThis as { fetch: unknown }).fetch = this.fetch;
    FakeEventSource.instances.length = 0;
    (globalThis as { EventSource: unknown }).EventSource = FakeEventSource;
  }
}

export class FakeEventSource {
  static readonly instances: FakeEventSource[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
  }

  emit(type: string, data: unknown): void {
    const event = { data: JSON.stringify(data) } as MessageEvent<string>;
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  static latest(): FakeEventSource {
    const source = FakeEventSource.instances[FakeEventSource.instances.length - 1];
    if (!source) throw new Error('no EventSource was opened');
    return source;
  }
}
