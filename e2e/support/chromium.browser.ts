import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; infra/local/chromium.sh installs it). */
export const CHROMIUM_PATH = process.env['ARGUS_CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Headless, and nothing that phones home: the machines these tests run on have no internet, and a
 * browser that waits for an update check or a QUIC handshake makes a slow, flaky test.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * One person's browser: its own fresh profile (`--user-data-dir`), so two people signed in at once
 * have separate cookies, as two operators at two stations would.
 */
export class BrowserSession {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly profileDir: string,
  ) {}

  static async open(name: string, baseURL: string): Promise<BrowserSession> {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `no Chromium at ${CHROMIUM_PATH}: run \`bash infra/local/chromium.sh\` (apt-get install chromium) or set ARGUS_CHROMIUM_PATH`,
      );
    }
    const profileDir = await mkdtemp(path.join(os.tmpdir(), `argus-chromium-${name}-`));
    // launchPersistentContext is Playwright's way of giving Chromium its --user-data-dir.
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      args: FLAGS,
      headless: true,
      baseURL,
      viewport: { width: 1440, height: 900 },
    });
    context.setDefaultTimeout(20_000);
    const page = context.pages()[0] ?? (await context.newPage());
    return new BrowserSession(context, page, profileDir);
  }

  /** The session cookie this browser holds, to make the same person's requests outside the page. */
  async cookieHeader(): Promise<string> {
    const cookies = await this.context.cookies();
    return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await rm(this.profileDir, { recursive: true, force: true });
  }
}
