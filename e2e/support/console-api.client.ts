/** One answer of the console's HTTP API: the status, the body (parsed when JSON) and a session cookie if set. */
export interface ConsoleAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly setCookie: string | null;
}

/**
 * The console's HTTP API as a person's browser calls it (JSON bodies, the session cookie), for the
 * end-to-end tests that act as operators and engineers without a browser.
 */
export class ConsoleApiClient {
  constructor(private readonly baseUrl: string) {}

  async request(method: string, route: string, options: { cookie?: string; body?: unknown } = {}): Promise<ConsoleAnswer> {
    const response = await fetch(new URL(route, this.baseUrl), {
      method,
      headers: {
        ...(options.cookie ? { cookie: options.cookie } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, setCookie: response.headers.get('set-cookie') };
  }

  /** The answer's body when it has `status`; otherwise throws with what the console said. */
  async expectStatus(method: string, route: string, options: { cookie?: string; body?: unknown }, status = 200): Promise<unknown> {
    const answer = await this.request(method, route, options);
    if (answer.status !== status) throw new Error(`${method} ${route} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** Signs in; the session cookie (`name=value`) to send with the next requests. */
  async signIn(user: { username: string; password: string }): Promise<string> {
    const answer = await this.request('POST', '/api/v1/auth/login', { body: { username: user.username, password: user.password } });
    if (answer.status !== 200 || !answer.setCookie)
      throw new Error(`login of ${user.username} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.setCookie.split(';')[0] as string;
  }
}
