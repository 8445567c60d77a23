// What the browser tests share: where things are, how Chromium is started, and a facesim
// started on a free port from the binary under test.
//
// Environment: FACESIM_BIN (default target/debug/facesim under the repository),
// CHROMIUM_BIN (default /usr/bin/chromium).

import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');

export const FACESIM_BIN = process.env.FACESIM_BIN
  ? resolve(process.cwd(), process.env.FACESIM_BIN)
  : join(repo, 'target', 'debug', 'facesim');
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
/** Where screenshots go. */
export const OUT = join(repo, 'target', 'browser');
export const FIXTURES = join(repo, 'simulator', 'fixtures');
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `promise`, or a rejection naming `what` after `ms` milliseconds. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts facesim on a free port; resolves with its base URL, its log and a stop function. */
export async function startFacesim() {
  const child = spawn(FACESIM_BIN, ['serve', '--addr', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
  });
  let log = '';
  child.stderr.on('data', (chunk) => {
    log += chunk;
  });
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const firstLine = new Promise((done, fail) => {
    createInterface({ input: child.stdout }).once('line', done);
    child.once('error', fail);
    exited.then(({ code, signal }) =>
      fail(new Error(`facesim exited (${code ?? signal}) before listening:\n${log}`)),
    );
  });
  const line = await withTimeout(firstLine, 30_000, `facesim (${FACESIM_BIN}) to start`);
  const match = /^facesim listening on (http:\/\/\S+)$/.exec(line);
  assert.ok(match, `unexpected first line from facesim: ${JSON.stringify(line)}`);
  return {
    base: match[1],
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await withTimeout(exited, 15_000, 'facesim to stop').catch(() => child.kill('SIGKILL'));
      }
    },
  };
}
