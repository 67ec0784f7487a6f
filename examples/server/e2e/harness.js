'use strict';
// Harness for the passkey-server end-to-end tests: server processes, Debian
// Chromium through playwright-core, and the CDP WebAuthn virtual
// authenticators that stand in for a platform passkey provider and a USB key.
//
// Environment (set by run.sh):
//   PASSKEY_SERVER_BIN      the passkey-server binary (required by e2e.test.js)
//   PASSKEY_E2E_ARTIFACTS   directory for screenshots and server logs
//   PASSKEY_E2E_CHROMIUM    browser binary (default /usr/bin/chromium)

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.PASSKEY_E2E_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.resolve(process.env.PASSKEY_E2E_ARTIFACTS ||
                               path.join(os.tmpdir(), 'passkey-e2e-artifacts'));
fs.mkdirSync(ARTIFACTS, { recursive: true });

// Flags for Chromium on a machine with a closed network (no background
// fetches, no component updates, no QUIC); playwright adds --headless and a
// fresh temporary --user-data-dir itself.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// The AAGUID Chromium's virtual authenticators write into attested
// credential data; with attestation "none" Chromium passes it on for a
// platform (transport internal) authenticator and zeroes it for a
// cross-platform one (chromium.test.js checks both).
const VIRTUAL_AAGUID = '01020304-0506-0708-0102-030405060708';
const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

// Generous: a Debug ASan+UBSan server on a loaded 2-core machine is slow.
const SERVER_START_TIMEOUT_MS = 60_000;
const SERVER_STOP_TIMEOUT_MS = 20_000;

const SANITIZER_REPORT = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|WARNING: ThreadSanitizer/;

// Servers still running when this process ends (a failed test, ctest's
// timeout) are killed with it.
const liveServers = new Set();
function killLiveServers() {
  for (const s of liveServers) {
    try { s.proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
}
process.on('exit', killLiveServers);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(signal, () => { killLiveServers(); process.exit(code); });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// A running passkey-server. `origin` defaults to http://localhost:<port>; a
// different origin (another server's) makes a deliberately misconfigured RP.
class ServerProcess {
  constructor(name, proc, port, origin, logFile) {
    this.name = name;
    this.proc = proc;
    this.port = port;
    this.origin = origin;
    this.url = `http://localhost:${port}`;  // where the browser goes
    this.logFile = logFile;
    this.output = '';
    this.exit = null;  // {code, signal} once exited
    this.exited = new Promise((resolve) => {
      // 'close': the process has exited and its stdout/stderr are drained.
      proc.on('close', (code, signal) => {
        this.exit = { code, signal };
        liveServers.delete(this);
        resolve(this.exit);
      });
    });
  }

  // requestLines: the server's one-line-per-request log (`METHOD PATH STATUS ms`).
  requestLines() {
    return this.output.split('\n').filter((l) => /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /.test(l));
  }

  sanitizerReport() {
    const m = this.output.match(SANITIZER_REPORT);
    return m ? this.output.slice(Math.max(0, m.index - 200), m.index + 4000) : null;
  }

  // stop sends SIGTERM and waits; returns the exit status. Kills with
  // SIGKILL (and reports a timeout) when the server does not stop. The
  // temporary database is removed after a clean exit (kept for a look
  // otherwise).
  async stop() {
    const result = await this.terminate();
    if (result.code === 0 && this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    return result;
  }

  async terminate() {
    if (this.exit) return this.exit;
    this.proc.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), SERVER_STOP_TIMEOUT_MS);
    });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === null) {
      this.proc.kill('SIGKILL');
      await this.exited;
      return { code: null, signal: 'SIGKILL', timedOut: true };
    }
    return result;
  }
}

async function spawnOnce(binary, name, port, origin, dbFile, extraArgs) {
  const args = ['--db', dbFile, '--rp-id', 'localhost', '--origin', origin,
                '--port', String(port), ...extraArgs];
  const logFile = path.join(ARTIFACTS, `server-${name}.log`);
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  log.write(`# ${binary} ${args.join(' ')}\n`);
  const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = new ServerProcess(name, proc, port, origin, logFile);
  liveServers.add(server);
  let stdoutBuf = '';
  const listening = new Promise((resolve) => {
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk) => {
      server.output += chunk;
      log.write(chunk);
      stdoutBuf += chunk;
      const m = stdoutBuf.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
  });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk) => { server.output += chunk; log.write(chunk); });
  server.exited.then(() => log.end());
  let timer;
  const outcome = await Promise.race([
    listening.then((url) => ({ url })),
    server.exited.then((exit) => ({ exit })),
    new Promise((resolve) => { timer = setTimeout(() => resolve({ timeout: true }), SERVER_START_TIMEOUT_MS); }),
  ]);
  clearTimeout(timer);
  return { server, outcome };
}

// startServer starts passkey-server on a free port with a fresh SQLite file
// and waits for its "listening on" line. Options: name (log file name),
// origin (default the server's own http://localhost:PORT), args (extra flags).
async function startServer(binary, { name = 'main', origin = null, args = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `passkey-e2e-${name}-`));
  const dbFile = path.join(dir, 'passkeys.sqlite');
  for (let attempt = 1; ; ++attempt) {
    const port = await freePort();
    const { server, outcome } = await spawnOnce(binary, name, port, origin || `http://localhost:${port}`,
                                                dbFile, args);
    if (outcome.url) {
      const printed = Number(new URL(outcome.url).port);
      if (printed !== port) {
        await server.stop();
        throw new Error(`${name}: asked for port ${port}, server printed "listening on ${outcome.url}"`);
      }
      server.dbFile = dbFile;
      server.dir = dir;
      return server;
    }
    if (outcome.timeout) {
      await server.stop();
      throw new Error(`${name}: no "listening on" line within ${SERVER_START_TIMEOUT_MS} ms:\n${server.output}`);
    }
    // Exited before listening: retry only when another process took the port.
    if (attempt < 3 && /cannot listen|address already in use|EADDRINUSE/i.test(server.output)) continue;
    throw new Error(`${name}: exited (${JSON.stringify(outcome.exit)}) before listening:\n${server.output}`);
  }
}

async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// Authenticators: the CDP WebAuthn domain of one page (virtual authenticators
// belong to the tab and survive navigations).
class Authenticators {
  constructor(cdp) { this.cdp = cdp; this.ids = []; }

  static async attach(context, page) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    return new Authenticators(cdp);
  }

  async add(options) {
    const { authenticatorId } = await this.cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2', ctap2Version: 'ctap2_1',
        hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
        automaticPresenceSimulation: true, ...options,
      },
    });
    this.ids.push(authenticatorId);
    return authenticatorId;
  }

  // A platform credential manager whose passkeys are synced: transport
  // internal, BE=1 and BS=1 on every credential it creates.
  addSyncedPlatform() {
    return this.add({ transport: 'internal', defaultBackupEligibility: true, defaultBackupState: true });
  }

  // A USB security key: single-device credentials (BE=0, BS=0).
  addUsbKey() {
    return this.add({ transport: 'usb', defaultBackupEligibility: false, defaultBackupState: false });
  }

  // setPresence: with automatic presence simulation off, an authenticator
  // never answers (a user who does not touch it); requests it holds stay
  // pending until the page aborts them.
  setPresence(authenticatorId, enabled) {
    return this.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled });
  }

  // only: exactly `authenticatorId` answers (null: none does).
  async only(authenticatorId) {
    for (const id of this.ids) await this.setPresence(id, id === authenticatorId);
  }

  // badUv: the authenticator reports UV=0 in its (validly signed) responses.
  setBadUv(authenticatorId, isBadUV) {
    return this.cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId, isBadUV });
  }

  async credentials(authenticatorId) {
    return (await this.cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  }
}

// recordWebAuthnCalls wraps navigator.credentials.create/get in every page of
// `context` so the test can see which ceremonies ran (conditional or modal)
// and how they ended, without changing what the page does. Returns a live
// array of {op, mediation, outcome, id}: outcome null while pending, then
// 'ok' (id = the credential id) or 'error:<DOMException name>'.
async function recordWebAuthnCalls(context) {
  const calls = [];
  const byKey = new Map();
  await context.exposeBinding('__e2eRecordWebAuthn', (_source, e) => {
    if (e.event === 'start') {
      const call = { op: e.op, mediation: e.mediation, outcome: null, id: null };
      byKey.set(e.key, call);
      calls.push(call);
    } else {
      const call = byKey.get(e.key);
      if (call) Object.assign(call, { outcome: e.outcome, id: e.id || null });
    }
  });
  await context.addInitScript(() => {
    const creds = navigator.credentials;
    for (const op of ['create', 'get']) {
      const original = creds[op].bind(creds);
      creds[op] = (options) => {
        const key = `${op}-${Date.now()}-${Math.random()}`;
        const mediation = (options && options.mediation) || 'optional';
        const record = (e) => { window.__e2eRecordWebAuthn(e).catch(() => {}); };
        record({ event: 'start', key, op, mediation });
        return original(options).then((credential) => {
          record({ event: 'end', key, outcome: 'ok', id: credential && credential.id });
          return credential;
        }, (error) => {
          record({ event: 'end', key, outcome: `error:${error && error.name}` });
          throw error;
        });
      };
    }
  });
  return calls;
}

// waitUntil polls `predicate` (every 50 ms) until it is true.
async function waitUntil(predicate, what, timeout = 15_000) {
  const end = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// responseOf: a server response as {status, body} (body parsed JSON, or null
// when empty). A page that navigates right after a response (sign-out
// reloads) may take the body with it; a 204 has none to read.
async function responseOf(response) {
  const status = response.status();
  if (status === 204) return { status, body: null };
  let text;
  try {
    text = await response.text();
  } catch (e) {
    return { status, body: { unreadable: String(e.message).split('\n')[0] } };
  }
  let body = null;
  if (text.length > 0) {
    try { body = JSON.parse(text); } catch { body = text; }
  }
  return { status, body };
}

module.exports = {
  ARTIFACTS, CHROMIUM, VIRTUAL_AAGUID, ZERO_AAGUID,
  Authenticators, ServerProcess,
  freePort, launchBrowser, recordWebAuthnCalls, responseOf, startServer, waitUntil,
};
