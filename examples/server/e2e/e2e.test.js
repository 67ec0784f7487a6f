'use strict';
// passkey-server end to end in headless Debian Chromium, with CDP WebAuthn
// virtual authenticators: a platform credential manager with synced passkeys
// (BE=1, BS=1) and a USB security key (BE=0). The scenarios run in order on
// one server and one browser tab, as one user's story; the wrong-origin and
// rate-limit cases start servers of their own.
//
// How Chromium's virtual authenticators behave (chromium.test.js checks it):
// a conditional (autofill) get() resolves by itself with the first
// discoverable credential — there is no autofill UI to click in headless
// mode — as soon as the page starts it, when automatic presence simulation
// is on. With it off the request waits (until the page aborts it) even after
// it is switched back on. So: "signed out and staying signed out" = every
// authenticator's presence off; "sign in with the button" = presence on,
// then click (the page aborts its pending conditional request first);
// "sign in with autofill" = presence on, then load the page.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');
const {
  ARTIFACTS, Authenticators, VIRTUAL_AAGUID, ZERO_AAGUID,
  launchBrowser, recordWebAuthnCalls, responseOf, startServer, waitUntil,
} = require('./harness');

const SERVER = process.env.PASSKEY_SERVER_BIN;
const README_PNG = process.env.PASSKEY_E2E_README_PNG;  // set to refresh examples/server/passkeys.png
const CATALOG_FILE = path.join(__dirname, 'virtual-authenticator-catalog.json');
const CATALOG = JSON.parse(fs.readFileSync(CATALOG_FILE, 'utf8'))[VIRTUAL_AAGUID];
const RATE_LIMIT = 3;
const STEP_UP_MINUTES = 5;

if (!SERVER) throw new Error('PASSKEY_SERVER_BIN is not set (run through run.sh or ctest -L e2e)');

// ---------------------------------------------------------------- helpers

function b64urlLength(s) {
  assert.match(s, /^[A-Za-z0-9_-]+$/, `not base64url: ${s}`);
  return Buffer.from(s, 'base64url').length;
}

// collect clicks (or runs) `action` and returns the responses to each
// [METHOD, pathname] in `wanted`, in that order. Each body is read as soon
// as its response arrives.
async function collect(page, wanted, action, timeout = 30_000) {
  const waiters = wanted.map(([method, pathname]) => page.waitForResponse(
    (r) => r.request().method() === method && new URL(r.url()).pathname === pathname, { timeout })
    .then(responseOf));
  waiters.forEach((w) => w.catch(() => {}));  // reported below, or moot when `action` throws
  await action();
  const out = [];
  for (const w of waiters) out.push(await w);
  return out;
}

// api calls the server from the page (its cookie, its origin).
function api(page, method, pathname, body) {
  return page.evaluate(async ({ method, pathname, body }) => {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const r = await fetch(pathname, init);
    const text = await r.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
    return { status: r.status, body: parsed };
  }, { method, pathname, body });
}

function assertError(response, status, code) {
  assert.equal(response.status, status, `expected ${status} ${code}, got ${JSON.stringify(response)}`);
  assert.equal(typeof response.body, 'object');
  assert.equal(response.body.error.code, code);
  assert.equal(typeof response.body.error.message, 'string');
}

// expectPageError waits for #status to show the error `code`.
async function expectPageError(page, code) {
  const sel = `#status.error[data-code="${code}"]`;
  try {
    await page.waitForSelector(sel, { state: 'attached', timeout: 15_000 });
  } catch (e) {
    const status = await page.locator('#status').evaluate(
      (el) => ({ code: el.dataset.code, cls: el.className, text: el.textContent }));
    throw new Error(`#status is ${JSON.stringify(status)}, wanted error ${code}`);
  }
  assert.notEqual((await page.locator('#status').textContent()).trim(), '');
}

async function expectView(page, view) {
  await page.locator(view === 'signed-in' ? '#signed-in' : '#signed-out').waitFor({ state: 'visible' });
  await page.locator(view === 'signed-in' ? '#signed-out' : '#signed-in').waitFor({ state: 'hidden' });
}

async function newTab(browser, colorScheme = 'light') {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 }, colorScheme });
  const calls = await recordWebAuthnCalls(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  // Remove asks confirm(), rename asks prompt(): a user who agrees and types.
  page.on('dialog', (d) => (d.type() === 'prompt' ? d.accept('Keyring key') : d.accept()));
  const auth = await Authenticators.attach(context, page);
  return { context, page, calls, auth };
}

async function assertCleanExit(server) {
  const exit = await server.stop();
  assert.equal(server.sanitizerReport(), null, `sanitizer report in ${server.logFile}`);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null },
                   `${server.name} did not exit 0 on SIGTERM; log: ${server.logFile}`);
}

// ---------------------------------------------------------------- scenarios

describe('passkey-server in Chromium', () => {
  let browser;
  let server;
  let tab;           // { context, page, calls, auth }
  let platformId;    // virtual authenticator ids
  let usbId;
  let registrationUserId;
  const passkeys = {};  // 'synced' | 'usb' → passkey object from the server

  // step: one scenario of the story; after a failure the rest are skipped
  // (each builds on the state the previous ones left).
  let failedStep = null;
  function step(name, fn) {
    it(name, async (t) => {
      if (failedStep) {
        t.skip(`needs the earlier step "${failedStep}"`);
        return;
      }
      try {
        await fn(t);
      } catch (e) {
        failedStep = name;
        throw e;
      }
    });
  }

  before(async () => {
    // --catalog names the virtual authenticator's AAGUID (no real catalog has it).
    server = await startServer(SERVER, { name: 'main', args: ['--catalog', CATALOG_FILE] });
    browser = await launchBrowser();
    tab = await newTab(browser);
    platformId = await tab.auth.addSyncedPlatform();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server && !server.exit) await server.stop();
  });

  step('sign up with a synced platform passkey', async () => {
    const { page, calls, auth } = tab;
    await auth.only(platformId);
    await page.goto(server.url);
    await expectView(page, 'signed-out');
    assert.equal(await page.locator('#username').getAttribute('autocomplete'), 'username webauthn');
    await page.fill('#username', 'alice');
    await page.fill('#display-name', 'Alice Example');
    const [options, verify] = await collect(page,
      [['POST', '/registration/options'], ['POST', '/registration/verify']],
      () => page.click('#signup-btn'));

    assert.equal(options.status, 200);
    const o = options.body;
    assert.equal(b64urlLength(o.challenge), 32);
    assert.equal(o.rp.id, 'localhost');
    assert.equal(o.user.name, 'alice');
    assert.equal(o.user.displayName, 'Alice Example');
    assert.ok(b64urlLength(o.user.id) >= 16, 'user handle: random bytes');
    assert.ok(!Buffer.from(o.user.id, 'base64url').toString('latin1').includes('alice'),
              'user handle must not contain the user name');
    assert.equal(o.authenticatorSelection.residentKey, 'required');
    assert.equal(o.attestation, 'none');
    assert.ok(o.pubKeyCredParams.some((p) => p.type === 'public-key' && p.alg === -7), 'ES256 offered');
    assert.deepEqual(o.excludeCredentials || [], []);
    registrationUserId = o.user.id;

    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    assert.equal(verify.body.verified, true);
    const pk = verify.body.passkey;
    assert.equal(pk.deviceType, 'multiDevice');
    assert.equal(pk.backupEligible, true);
    assert.equal(pk.backupState, true);
    assert.equal(pk.attachment, 'platform');
    assert.deepEqual(pk.transports, ['internal']);
    assert.equal(pk.aaguid, VIRTUAL_AAGUID);
    assert.deepEqual(pk.provider, { name: CATALOG.name, iconLight: CATALOG.icon_light, iconDark: CATALOG.icon_dark });
    passkeys.synced = pk;

    // The credential the page created is the one the server stored.
    await waitUntil(() => calls.some((c) => c.op === 'create' && c.outcome !== null), 'create() to settle', 5000);
    const created = calls.filter((c) => c.op === 'create' && c.outcome === 'ok');
    assert.deepEqual(created.map((c) => c.id), [pk.id]);
    const stored = await auth.credentials(platformId);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].isResidentCredential, true);
    assert.equal(Buffer.from(stored[0].userHandle, 'base64').toString('base64url'), registrationUserId);

    await expectView(page, 'signed-in');
    assert.match(await page.locator('#user-name').textContent(), /alice/i);
    const session = await api(page, 'GET', '/api/session');
    assert.equal(session.status, 200);
    assert.equal(session.body.signedIn, true);
    assert.deepEqual(session.body.user, { name: 'alice', displayName: 'Alice Example' });
    assert.equal(session.body.stepUpUntil, null);
  });

  step('sign out', async () => {
    const { page, auth } = tab;
    await auth.only(null);  // nobody touches an authenticator: autofill must not sign back in
    const [signout] = await collect(page, [['POST', '/signout']], () => page.click('#signout-btn'));
    assert.equal(signout.status, 204);
    await expectView(page, 'signed-out');
    const session = await api(page, 'GET', '/api/session');
    assert.equal(session.body.signedIn, false);
    assert.equal(session.body.user, null);
    assertError(await api(page, 'GET', '/passkeys'), 401, 'not_signed_in');
  });

  step('sign in with the button (modal get, discoverable credential, no username)', async () => {
    const { page, calls, auth } = tab;
    const callsBefore = calls.length;
    await page.reload();  // the signed-out page starts passkey autofill, which waits
    await expectView(page, 'signed-out');
    await waitUntil(() => calls.slice(callsBefore).some(
      (c) => c.op === 'get' && c.mediation === 'conditional' && c.outcome === null),
    'the page to start a conditional get() on load');
    await auth.only(platformId);
    const [options, verify] = await collect(page,
      [['POST', '/authentication/options'], ['POST', '/authentication/verify']],
      () => page.click('#signin-btn'));
    assert.equal(options.status, 200);
    assert.equal(b64urlLength(options.body.challenge), 32);
    assert.equal(options.body.rpId, 'localhost');
    assert.deepEqual(options.body.allowCredentials || [], []);
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    assert.deepEqual(verify.body, { verified: true, user: { name: 'alice', displayName: 'Alice Example' } });
    await expectView(page, 'signed-in');

    const gets = calls.slice(callsBefore).filter((c) => c.op === 'get');
    await waitUntil(() => gets.every((c) => c.outcome !== null), 'every get() to settle', 5000);
    const ok = gets.filter((c) => c.outcome === 'ok');
    assert.deepEqual(ok.map((c) => [c.mediation, c.id]), [['optional', passkeys.synced.id]],
                     `get() calls: ${JSON.stringify(gets)}`);
    // The conditional request the page started on load was aborted first.
    const conditional = gets.filter((c) => c.mediation === 'conditional');
    assert.ok(conditional.length > 0 && conditional.every((c) => c.outcome === 'error:AbortError'),
              JSON.stringify(conditional));
  });

  step('sign in with passkey autofill (conditional mediation)', async () => {
    const { page, calls, auth } = tab;
    await auth.only(null);
    const [signout] = await collect(page, [['POST', '/signout']], () => page.click('#signout-btn'));
    assert.equal(signout.status, 204);
    await expectView(page, 'signed-out');

    await auth.only(platformId);
    const callsBefore = calls.length;
    const [verify] = await collect(page, [['POST', '/authentication/verify']], async () => {
      await page.reload();
      // A user focuses the field and picks the passkey from autofill; the
      // virtual authenticator picks it by itself (see the top of this file).
      await page.focus('#username').catch(() => {});
    });
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    assert.deepEqual(verify.body, { verified: true, user: { name: 'alice', displayName: 'Alice Example' } });
    await expectView(page, 'signed-in');
    const gets = calls.slice(callsBefore).filter((c) => c.op === 'get');
    await waitUntil(() => gets.some((c) => c.outcome === 'ok'), 'the get() to settle', 5000);
    const ok = gets.filter((c) => c.outcome === 'ok');
    assert.deepEqual(ok.map((c) => [c.mediation, c.id]), [['conditional', passkeys.synced.id]],
                     `get() calls: ${JSON.stringify(gets)}`);

    const list = await api(page, 'GET', '/passkeys');
    assert.equal(list.status, 200);
    assert.equal(list.body.passkeys.length, 1);
    const pk = list.body.passkeys[0];
    assert.equal(pk.id, passkeys.synced.id);
    assert.notEqual(pk.lastUsedAt, null);
    assert.ok(pk.signCount > passkeys.synced.signCount, `signCount ${pk.signCount} after two sign-ins`);
  });

  step('add a USB security key; the list shows provider, icon and "synced" / "this device only"', async () => {
    const { page, auth } = tab;
    usbId = await auth.addUsbKey();
    await auth.only(usbId);
    const [options, verify] = await collect(page,
      [['POST', '/registration/options'], ['POST', '/registration/verify']],
      () => page.click('#add-passkey-btn'));
    assert.equal(options.status, 200);
    assert.equal(options.body.user.id, registrationUserId, 'the same user handle for a second passkey');
    assert.deepEqual(options.body.excludeCredentials.map((c) => [c.id, c.transports]),
                     [[passkeys.synced.id, ['internal']]]);
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    const pk = verify.body.passkey;
    assert.equal(pk.deviceType, 'singleDevice');
    assert.equal(pk.backupEligible, false);
    assert.equal(pk.backupState, false);
    assert.equal(pk.attachment, 'cross-platform');
    assert.deepEqual(pk.transports, ['usb']);
    assert.equal(pk.aaguid, ZERO_AAGUID);
    assert.equal(pk.provider, null);
    passkeys.usb = pk;

    const items = page.locator('#passkey-list li.passkey');
    await page.waitForFunction(() => document.querySelectorAll('#passkey-list li.passkey').length === 2);
    assert.deepEqual((await items.evaluateAll((els) => els.map((e) => e.dataset.id))).sort(),
                     [passkeys.synced.id, passkeys.usb.id].sort());

    const synced = page.locator(`#passkey-list li.passkey[data-id="${passkeys.synced.id}"]`);
    const usb = page.locator(`#passkey-list li.passkey[data-id="${passkeys.usb.id}"]`);
    assert.equal((await synced.locator('.badge').textContent()).trim(), 'synced');
    assert.equal((await usb.locator('.badge').textContent()).trim(), 'this device only');
    for (const li of [synced, usb]) {
      for (const field of ['.attachment', '.created', '.last-used']) {
        assert.equal(await li.locator(field).count(), 1, `${field} in the list item`);
      }
      assert.notEqual((await li.locator('.created').textContent()).trim(), '');
      assert.equal(await li.locator('button.rename').count(), 1);
      assert.equal(await li.locator('button.remove').count(), 1);
    }
    // The provider's name and icon, light or dark after prefers-color-scheme.
    assert.equal((await synced.locator('.provider-name').textContent()).trim(), CATALOG.name);
    const icon = synced.locator('img.provider-icon');
    await icon.waitFor();
    assert.equal(await icon.evaluate((img) => img.currentSrc), CATALOG.icon_light);
    assert.equal(await icon.evaluate((img) => img.complete && img.naturalWidth > 0), true, 'icon decoded');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(([id, want]) => {
      const img = document.querySelector(`#passkey-list li.passkey[data-id="${id}"] img.provider-icon`);
      return img && img.currentSrc === want;
    }, [passkeys.synced.id, CATALOG.icon_dark], { timeout: 5000 });
    await page.emulateMedia({ colorScheme: 'light' });
    // The USB key has no provider: never the virtual authenticator's name.
    const usbProvider = usb.locator('.provider-name');
    if (await usbProvider.count()) assert.notEqual((await usbProvider.textContent()).trim(), CATALOG.name);

    await page.locator('#passkey-list').scrollIntoViewIfNeeded();
    const png = await page.screenshot({ path: path.join(ARTIFACTS, 'passkeys.png') });
    if (README_PNG) fs.writeFileSync(README_PNG, png);
  });

  step('rename a passkey (prompt)', async () => {
    const { page } = tab;
    const usb = page.locator(`#passkey-list li.passkey[data-id="${passkeys.usb.id}"]`);
    const [patch] = await collect(page, [['PATCH', `/passkeys/${passkeys.usb.id}`]],
                                  () => usb.locator('button.rename').click());
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    assert.equal(patch.body.id, passkeys.usb.id);
    assert.equal(patch.body.name, 'Keyring key');
    await page.waitForFunction((id) => document.querySelector(
      `#passkey-list li.passkey[data-id="${id}"]`)?.textContent.includes('Keyring key'), passkeys.usb.id);
  });

  step('step-up: UV=0 refused with user_not_verified, then a fresh UV assertion verifies', async () => {
    const { page, auth } = tab;
    await auth.only(platformId);
    await auth.setBadUv(platformId, true);
    const [options, refused] = await collect(page,
      [['POST', '/stepup/options'], ['POST', '/stepup/verify']], () => page.click('#stepup-btn'));
    await auth.setBadUv(platformId, false);
    assert.equal(options.status, 200);
    assert.equal(options.body.userVerification, 'required');
    assert.deepEqual(options.body.allowCredentials.map((c) => c.id).sort(),
                     [passkeys.synced.id, passkeys.usb.id].sort());
    assertError(refused, 401, 'user_not_verified');
    await expectPageError(page, 'user_not_verified');
    assert.equal((await api(page, 'GET', '/api/session')).body.stepUpUntil, null);

    const before = Date.now();
    const [, verify] = await collect(page,
      [['POST', '/stepup/options'], ['POST', '/stepup/verify']], () => page.click('#stepup-btn'));
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    assert.equal(verify.body.verified, true);
    const until = Date.parse(verify.body.stepUpUntil);
    assert.ok(Number.isFinite(until), verify.body.stepUpUntil);
    const minutes = (until - before) / 60_000;
    assert.ok(minutes > STEP_UP_MINUTES - 0.5 && minutes <= STEP_UP_MINUTES + 0.5, `step-up lasts ${minutes} min`);
    await page.waitForFunction(() => /^verified until/.test(document.querySelector('#stepup-state').textContent.trim()));
    assert.equal((await api(page, 'GET', '/api/session')).body.stepUpUntil, verify.body.stepUpUntil);
  });

  step('remove the USB key, then signing in with it fails with credential_not_found', async () => {
    const { page, auth } = tab;
    const usb = page.locator(`#passkey-list li.passkey[data-id="${passkeys.usb.id}"]`);
    const [removed] = await collect(page, [['DELETE', `/passkeys/${passkeys.usb.id}`]],
                                    () => usb.locator('button.remove').click());
    assert.equal(removed.status, 204);
    await page.waitForFunction(() => document.querySelectorAll('#passkey-list li.passkey').length === 1);
    const list = await api(page, 'GET', '/passkeys');
    assert.deepEqual(list.body.passkeys.map((p) => p.id), [passkeys.synced.id]);
    assertError(await api(page, 'DELETE', `/passkeys/${passkeys.usb.id}`), 404, 'not_found');

    await auth.only(null);
    const [signout] = await collect(page, [['POST', '/signout']], () => page.click('#signout-btn'));
    assert.equal(signout.status, 204);
    await expectView(page, 'signed-out');
    // The key itself still holds the credential; only the server forgot it.
    assert.equal((await auth.credentials(usbId)).length, 1);
    await auth.only(usbId);
    const [verify] = await collect(page, [['POST', '/authentication/verify']], () => page.click('#signin-btn'));
    assertError(verify, 401, 'credential_not_found');
    await expectPageError(page, 'credential_not_found');
    await expectView(page, 'signed-out');
    assert.equal((await api(page, 'GET', '/api/session')).body.signedIn, false);
  });

  step('a replayed assertion is rejected with challenge_not_found', async () => {
    const { page, auth } = tab;
    await auth.only(platformId);
    let captured = null;
    await page.route('**/authentication/verify', async (route) => {
      captured = route.request().postData();
      await route.continue();
    });
    const [verify] = await collect(page, [['POST', '/authentication/verify']], () => page.click('#signin-btn'));
    await page.unroute('**/authentication/verify');
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    await expectView(page, 'signed-in');
    assert.ok(captured, 'captured the AuthenticationResponseJSON');
    assert.equal(JSON.parse(captured).id, passkeys.synced.id);

    // In the same session (the challenge was used up) and from another client.
    const replay = await api(page, 'POST', '/authentication/verify', captured);
    assertError(replay, 401, 'challenge_not_found');
    const other = await fetch(`http://127.0.0.1:${server.port}/authentication/verify`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: captured });
    assertError({ status: other.status, body: await other.json() }, 401, 'challenge_not_found');
    assert.equal((await api(page, 'GET', '/api/session')).body.signedIn, true);
  });

  it('the server logs one line per request and stops cleanly on SIGTERM', async () => {
    await tab.context.close();
    await assertCleanExit(server);
    const lines = server.requestLines();
    assert.ok(lines.some((l) => /^POST \/authentication\/verify 401 \d+$/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^POST \/registration\/verify 200 \d+$/.test(l)), lines.join('\n'));
  });

  it('a page on another origin is rejected with origin_mismatch', async () => {
    // The second server believes its origin is the first server's.
    const other = await startServer(SERVER, { name: 'wrong-origin', origin: server.origin });
    try {
      const t = await newTab(browser);
      await t.auth.addSyncedPlatform();
      await t.page.goto(other.url);
      await expectView(t.page, 'signed-out');
      await t.page.fill('#username', 'mallory');
      await t.page.fill('#display-name', 'Mallory');
      const [options, verify] = await collect(t.page,
        [['POST', '/registration/options'], ['POST', '/registration/verify']], () => t.page.click('#signup-btn'));
      assert.equal(options.status, 200);
      assertError(verify, 401, 'origin_mismatch');
      await expectPageError(t.page, 'origin_mismatch');
      await expectView(t.page, 'signed-out');
      assert.equal((await api(t.page, 'GET', '/api/session')).body.signedIn, false);
      await t.context.close();
    } finally {
      await assertCleanExit(other);
    }
  });

  it(`the verify endpoints answer 429 too_many_requests after ${RATE_LIMIT} requests a minute`, async () => {
    const limited = await startServer(SERVER, { name: 'rate-limit', args: ['--rate-limit', String(RATE_LIMIT)] });
    try {
      const url = `http://127.0.0.1:${limited.port}/authentication/verify`;
      const post = async () => {
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        return { status: r.status, body: await r.json() };
      };
      for (let i = 0; i < RATE_LIMIT; ++i) {
        const r = await post();
        assert.equal(r.status, 400, `request ${i + 1}: ${JSON.stringify(r)}`);
      }
      assertError(await post(), 429, 'too_many_requests');

      // The page shows it too (options are not rate limited, the verify is).
      const t = await newTab(browser);
      await t.auth.addSyncedPlatform();
      await t.page.goto(limited.url);
      await expectView(t.page, 'signed-out');
      await t.page.fill('#username', 'bob');
      await t.page.fill('#display-name', 'Bob');
      const [options, verify] = await collect(t.page,
        [['POST', '/registration/options'], ['POST', '/registration/verify']], () => t.page.click('#signup-btn'));
      assert.equal(options.status, 200);
      assertError(verify, 429, 'too_many_requests');
      await expectPageError(t.page, 'too_many_requests');
      await t.context.close();
    } finally {
      await assertCleanExit(limited);
    }
  });
});
