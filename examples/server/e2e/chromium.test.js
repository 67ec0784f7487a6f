'use strict';
// What e2e.test.js assumes about Chromium's CDP virtual authenticators,
// checked against a trivial page served by Node (no passkey-server): the
// flags and AAGUID they put in authenticator data, and how conditional
// mediation behaves without an autofill UI.

const assert = require('node:assert/strict');
const http = require('node:http');
const { after, before, describe, it } = require('node:test');
const { Authenticators, VIRTUAL_AAGUID, ZERO_AAGUID, launchBrowser } = require('./harness');

const PAGE = `<!doctype html><meta charset="utf-8"><title>e2e probe</title>
<input id="username" autocomplete="username webauthn">
<script>
const challenge = () => crypto.getRandomValues(new Uint8Array(32));
window.create = (userId) => navigator.credentials.create({ publicKey: {
  challenge: challenge(), rp: { name: 'probe', id: 'localhost' },
  user: { id: new Uint8Array([userId]), name: 'u' + userId, displayName: 'U' + userId },
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  attestation: 'none' } }).then((c) => c.toJSON());
window.startConditional = () => {
  window.conditionalAbort = new AbortController();
  window.conditional = navigator.credentials.get({ mediation: 'conditional',
    signal: window.conditionalAbort.signal,
    publicKey: { challenge: challenge(), rpId: 'localhost', userVerification: 'preferred' } })
    .then((c) => c.toJSON(), (e) => 'error:' + e.name);
};
window.settled = (promise, ms) =>
  Promise.race([promise, new Promise((r) => setTimeout(() => r('pending'), ms))]);
window.modalGet = (userVerification) => navigator.credentials.get({ publicKey: {
  challenge: challenge(), rpId: 'localhost', userVerification } }).then((c) => c.toJSON());
</script>`;

function authData(json) {
  const bytes = Buffer.from(json.response.authenticatorData, 'base64url');
  const flags = bytes[32];
  const aaguidHex = bytes.length >= 53 ? bytes.subarray(37, 53).toString('hex') : null;
  return {
    up: !!(flags & 0x01), uv: !!(flags & 0x04), be: !!(flags & 0x08), bs: !!(flags & 0x10),
    at: !!(flags & 0x40),
    aaguid: aaguidHex && aaguidHex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
  };
}

describe('Chromium virtual authenticators (trivial page)', () => {
  let httpServer;
  let origin;
  let browser;

  before(async () => {
    httpServer = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(PAGE);
    });
    await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    origin = `http://localhost:${httpServer.address().port}`;
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (httpServer) httpServer.close();
  });

  async function freshPage() {
    const context = await browser.newContext();
    const page = await context.newPage();
    const auth = await Authenticators.attach(context, page);
    await page.goto(origin);
    return { context, page, auth };
  }

  it('platform authenticator: synced (BE=1, BS=1), attachment platform, virtual AAGUID', async () => {
    const { context, page, auth } = await freshPage();
    await auth.addSyncedPlatform();
    const cred = await page.evaluate(() => window.create(1));
    assert.equal(cred.authenticatorAttachment, 'platform');
    assert.deepEqual(cred.response.transports, ['internal']);
    assert.deepEqual(authData(cred),
                     { up: true, uv: true, be: true, bs: true, at: true, aaguid: VIRTUAL_AAGUID });
    await context.close();
  });

  // With attestation "none" the client zeroes the AAGUID except for a
  // platform authenticator (WebAuthn L3 §5.1.3, as Chromium does): a USB key
  // therefore has no provider in any catalog.
  it('USB key: single-device (BE=0, BS=0), attachment cross-platform, AAGUID zeroed', async () => {
    const { context, page, auth } = await freshPage();
    await auth.addUsbKey();
    const cred = await page.evaluate(() => window.create(2));
    assert.equal(cred.authenticatorAttachment, 'cross-platform');
    assert.deepEqual(cred.response.transports, ['usb']);
    assert.deepEqual(authData(cred),
                     { up: true, uv: true, be: false, bs: false, at: true, aaguid: ZERO_AAGUID });
    await context.close();
  });

  it('conditional get resolves by itself (no focus, no UI) when a discoverable credential exists', async () => {
    const { context, page, auth } = await freshPage();
    await auth.addSyncedPlatform();
    const created = await page.evaluate(() => window.create(3));
    await page.reload();
    assert.equal(await page.evaluate(() => PublicKeyCredential.isConditionalMediationAvailable()), true);
    await page.evaluate(() => window.startConditional());
    const got = await page.evaluate(() => window.settled(window.conditional, 10_000));
    assert.equal(typeof got, 'object', `conditional get ended with ${got}`);
    assert.equal(got.id, created.id);
    await context.close();
  });

  it('conditional get stays pending while presence simulation is off, even after it is turned on; abort ends it', async () => {
    const { context, page, auth } = await freshPage();
    const id = await auth.addSyncedPlatform();
    await page.evaluate(() => window.create(4));
    await auth.setPresence(id, false);
    await page.reload();
    await page.evaluate(() => window.startConditional());
    assert.equal(await page.evaluate(() => window.settled(window.conditional, 1500)), 'pending');
    await auth.setPresence(id, true);
    assert.equal(await page.evaluate(() => window.settled(window.conditional, 1500)), 'pending');
    const modal = await page.evaluate(() => {
      window.conditionalAbort.abort();
      return window.modalGet('preferred');
    });
    assert.equal(modal.authenticatorAttachment, 'platform');
    assert.equal(await page.evaluate(() => window.conditional), 'error:AbortError');
    await context.close();
  });

  it('isBadUV makes the authenticator report UV=0 in a signed assertion', async () => {
    const { context, page, auth } = await freshPage();
    const id = await auth.addUsbKey();
    await page.evaluate(() => window.create(5));
    await auth.setBadUv(id, true);
    const got = await page.evaluate(() => window.modalGet('required'));
    const flags = authData(got);
    assert.equal(flags.up, true);
    assert.equal(flags.uv, false);
    await context.close();
  });
});
