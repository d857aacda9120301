#!/usr/bin/env node
// `npm test`: the one command that proves the repo works. It
//   1. type-checks, checks the formatting (Prettier) and lints the whole workspace (Nx module boundaries included),
//   2. runs the unit tests (no I/O),
//   3. starts the real Kafka, S3Proxy and Postgres with infra/local (installing them on first use),
//   4. runs the integration and end-to-end tests against them (the console's in Debian's Chromium,
//      installed on first use by infra/local/chromium.sh),
//   5. stops what it started, and prints one closing line: `N passed, M failed`.
// Infrastructure that was already running before the run is left running (a developer's session);
// set ARGUS_KEEP_INFRA=1 to keep what this run started. `--only unit|integration|e2e|static` narrows it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportDir = join(root, 'tmp', 'test-reports');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const wants = (phase) => !only || only === phase;
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };

// The tests see exactly the addresses infra/local uses (its defaults, or the ARGUS_* ports and URLs
// set by the caller), so a second checkout can run on other ports beside a developer's infrastructure.
const infraEnv = spawnSync('bash', [join(root, 'infra/local/infra.sh'), 'env'], { encoding: 'utf8', env });
for (const m of (infraEnv.stdout ?? '').matchAll(/^export (ARGUS_[A-Z0-9_]+)='([^']*)'$/gm)) env[m[1]] = m[2];

const results = []; // { name, passed, failed, seconds, note }
const started = Date.now();

function run(cmd, args, opts = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit', ...opts });
  return { status: r.status ?? 1, seconds: (Date.now() - t0) / 1000 };
}

/** Listening sockets on infra/local's ports, as `port pid` pairs (ss from iproute2). */
const infraPorts = [env.ARGUS_KAFKA_PORT, env.ARGUS_KAFKA_CONTROLLER_PORT, env.ARGUS_S3_PORT, env.ARGUS_PG_PORT];
function infraListeners() {
  const r = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ss failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .map((line) => {
      const port = /:(\d+)\s/.exec(line)?.[1];
      const pid = /pid=(\d+)/.exec(line)?.[1] ?? '?';
      return port && infraPorts.includes(port) ? `${port}:${pid}` : undefined;
    })
    .filter(Boolean)
    .sort()
    .join(' ');
}

/** A check of the infrastructure scripts themselves; counts as one test. */
function infraCheck(name, ok, detail) {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${ok ? '' : `: ${detail}`}`);
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, seconds: 0 });
}

function banner(text) {
  console.log(`\n=== ${text} ${'='.repeat(Math.max(0, 70 - text.length))}`);
}

/** A static check counts as one test: it passes or it fails. */
function staticCheck(name, cmd, args) {
  banner(name);
  const r = run(cmd, args);
  results.push({ name, passed: r.status === 0 ? 1 : 0, failed: r.status === 0 ? 0 : 1, seconds: r.seconds });
}

function jestPhase(name, project, extraArgs = []) {
  banner(`${name} tests`);
  const out = join(reportDir, `${project}.json`);
  rmSync(out, { force: true });
  // --forceExit: a suite that leaks a handle (a Kafka consumer whose shutdown timed out) has already failed
  // in the report; without it Jest waits on the handle and the whole run hangs until CI's time limit.
  const r = run('npx', ['jest', '--selectProjects', project, '--json', '--outputFile', out, '--ci', '--forceExit', ...extraArgs]);
  if (!existsSync(out)) {
    results.push({ name, passed: 0, failed: 1, seconds: r.seconds, note: 'jest wrote no report' });
    return;
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  // A suite that fails to load (syntax error, failing beforeAll) has no test results: count it.
  const brokenSuites = report.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
  const failed = report.numFailedTests + brokenSuites;
  const note = report.numTotalTests === 0 ? 'no tests found' : brokenSuites ? `${brokenSuites} suite(s) failed to run` : '';
  results.push({ name, passed: report.numPassedTests, failed: failed + (report.numTotalTests === 0 ? 1 : 0), seconds: r.seconds, note });
}

mkdirSync(reportDir, { recursive: true });

if (wants('static')) {
  staticCheck('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  staticCheck('typecheck console web', 'npx', ['tsc', '-p', 'services/console/web/tsconfig.json', '--noEmit']);
  staticCheck('format (prettier --check)', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']);
  staticCheck('lint', 'npx', ['nx', 'run-many', '-t', 'lint', '--outputStyle=static', '--skip-nx-cache']);
}

if (wants('unit')) jestPhase('unit', 'unit');

if (wants('integration') || only === 'e2e') {
  const wasRunning = run('bash', ['infra/local/infra.sh', 'status', '--quiet'], { stdio: 'ignore' }).status === 0;
  banner(wasRunning ? 'infrastructure already running: using it' : 'starting infrastructure (infra/local)');
  const up = wasRunning ? { status: 0, seconds: 0 } : run('bash', ['infra/local/infra.sh', 'up']);
  results.push({ name: 'infra:up', passed: 0, failed: up.status === 0 ? 0 : 1, seconds: up.seconds, note: 'a step, not a test' });
  try {
    if (up.status === 0) {
      if (wants('integration')) jestPhase('integration', 'integration', ['--runInBand']);
      if (wants('e2e')) {
        // The browser tests need Debian's Chromium and the built console UI; each is a step, not a test.
        banner('e2e prerequisites: Chromium, the console UI build');
        const steps = [
          ['chromium', run('bash', ['infra/local/chromium.sh'])],
          ['console:build', run('npm', ['run', 'build', '-w', '@argus/console'])],
        ];
        for (const [name, r] of steps)
          results.push({ name, passed: 0, failed: r.status === 0 ? 0 : 1, seconds: r.seconds, note: 'a step, not a test' });
        jestPhase('e2e', 'e2e', ['--runInBand']);
      }
      banner('infra/local: `up` twice is harmless');
      const before = infraListeners();
      const again = run('bash', ['infra/local/infra.sh', 'up']);
      const after = infraListeners();
      infraCheck(
        'infra:up-twice',
        again.status === 0 && before === after && before.split(' ').length === infraPorts.length,
        `exit ${again.status}, listeners before [${before}] after [${after}]`,
      );
    }
  } finally {
    if (!wasRunning && process.env.ARGUS_KEEP_INFRA !== '1') {
      banner('stopping infrastructure');
      const down = run('bash', ['infra/local/infra.sh', 'down']);
      results.push({ name: 'infra:down', passed: 0, failed: down.status === 0 ? 0 : 1, seconds: down.seconds, note: 'a step, not a test' });
      const left = infraListeners();
      infraCheck('infra:down-frees-ports', down.status === 0 && left === '', `still listening: [${left}]`);
    }
  }
}

banner('summary');
for (const r of results) {
  console.log(
    `${r.name.padEnd(14)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed ${r.seconds.toFixed(1).padStart(8)} s  ${r.note ?? ''}`,
  );
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`total time ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
