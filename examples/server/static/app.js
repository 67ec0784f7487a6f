// Passkey example page: plain JavaScript, no build step.
//
// The server sends WebAuthn L3 options JSON; the browser's
// PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON
// turn it into create()/get() arguments, and credential.toJSON() gives the
// RegistrationResponseJSON / AuthenticationResponseJSON the server verifies.
'use strict';

const $ = (selector) => document.querySelector(selector);

// The conditional-mediation (autofill) request started on load, if any. It is
// aborted before any button-driven ceremony: a page may have only one
// WebAuthn request at a time.
let conditional = null;  // {controller, done: Promise}

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(response.status, error.code || `http_${response.status}`,
                       error.message || response.statusText);
  }
  return data;
}

// ---- Status line ----

function setStatus(message) {
  const el = $('#status');
  el.textContent = message;
  el.classList.remove('error');
  delete el.dataset.code;
}

function setError(code, message) {
  const el = $('#status');
  el.textContent = message;
  el.classList.add('error');
  el.dataset.code = code;
}

// showError: server errors carry the library's code; browser errors
// (DOMException) are named by their exception name.
function showError(err) {
  if (err instanceof ApiError) {
    setError(err.code, `${err.message} (${err.code})`);
  } else if (err && err.name === 'AbortError') {
    // Superseded by another request: not an error the user caused.
  } else if (err && err.name === 'NotAllowedError') {
    setError('not_allowed', 'The passkey request was cancelled or timed out.');
  } else if (err && err.name === 'InvalidStateError') {
    setError('invalid_state', 'This authenticator already has a passkey for this account.');
  } else {
    setError((err && err.name) || 'error', (err && err.message) || String(err));
  }
}

// ---- Views ----

function formatTime(iso) {
  if (!iso) return 'never';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

// providerIcon: a <picture> whose dark source follows prefers-color-scheme;
// a neutral glyph when the provider is unknown or has no icon.
function providerIcon(provider) {
  const known = provider && provider.iconLight;
  const light = known ? provider.iconLight : '/passkey-light.svg';
  const dark = known ? (provider.iconDark || provider.iconLight) : '/passkey-dark.svg';
  const picture = element('picture', 'provider-picture');
  const source = document.createElement('source');
  source.media = '(prefers-color-scheme: dark)';
  source.srcset = dark;
  const img = element('img', known ? 'provider-icon' : 'provider-icon neutral');
  img.src = light;
  img.alt = known ? `${provider.name} icon` : 'passkey';
  img.width = 32;
  img.height = 32;
  picture.append(source, img);
  return picture;
}

function attachmentText(attachment) {
  if (attachment === 'platform') return 'platform';
  if (attachment === 'cross-platform') return 'cross-platform';
  return 'unknown';
}

function renderPasskey(passkey) {
  const li = element('li', 'passkey');
  li.dataset.id = passkey.id;

  const info = element('div', 'passkey-info');
  const title = element('div', 'passkey-title');
  title.append(element('span', 'passkey-name', passkey.name));
  const synced = passkey.backupState === true;
  const badge = element('span', synced ? 'badge synced' : 'badge device',
                        synced ? 'synced' : 'this device only');
  badge.title = synced
    ? 'Backed up by its provider: available on your other devices.'
    : (passkey.deviceType === 'multiDevice'
      ? 'Can be synced, but is not backed up yet.'
      : 'Lives only on this authenticator.');
  title.append(badge);

  const meta = element('dl', 'passkey-meta');
  const row = (label, className, value) => {
    meta.append(element('dt', '', label), element('dd', className, value));
  };
  row('Provider', 'provider-name', passkey.provider ? passkey.provider.name : 'Unknown provider');
  row('Attachment', 'attachment', attachmentText(passkey.attachment));
  row('Created', 'created', formatTime(passkey.createdAt));
  row('Last used', 'last-used', formatTime(passkey.lastUsedAt));
  info.append(title, meta);

  const actions = element('div', 'passkey-actions');
  const rename = element('button', 'rename', 'Rename');
  rename.type = 'button';
  rename.addEventListener('click', () => renamePasskey(passkey));
  const remove = element('button', 'remove danger', 'Remove');
  remove.type = 'button';
  remove.addEventListener('click', () => removePasskey(passkey));
  actions.append(rename, remove);

  li.append(providerIcon(passkey.provider), info, actions);
  return li;
}

function showStepUp(until) {
  $('#stepup-state').textContent =
    until ? `verified until ${new Date(until).toLocaleTimeString()}` : '';
}

async function showSignedIn() {
  const data = await api('GET', '/passkeys');
  $('#user-name').textContent = data.user.displayName && data.user.displayName !== data.user.name
    ? `${data.user.displayName} (${data.user.name})` : data.user.name;
  const list = $('#passkey-list');
  list.replaceChildren(...data.passkeys.map(renderPasskey));
  if (data.passkeys.length === 0) {
    list.append(element('li', 'empty', 'No passkeys: add one, or you cannot sign in again.'));
  }
  $('#signed-out').hidden = true;
  $('#signed-in').hidden = false;
}

function showSignedOut() {
  $('#signed-in').hidden = true;
  $('#signed-out').hidden = false;
  $('#passkey-list').replaceChildren();
  showStepUp(null);
}

// ---- Ceremonies ----

async function stopConditional() {
  if (!conditional) return;
  const { controller, done } = conditional;
  conditional = null;
  controller.abort();
  await done;  // settled (rejected with AbortError) before the next request
}

async function createPasskey(body) {
  const options = await api('POST', '/registration/options', body);
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
  const credential = await navigator.credentials.create({ publicKey });
  return api('POST', '/registration/verify', credential.toJSON());
}

async function signUp(event) {
  event.preventDefault();
  const username = $('#username').value.trim();
  const displayName = $('#display-name').value.trim();
  if (!username) {
    setError('invalid_request', 'Choose a username first.');
    return;
  }
  try {
    await stopConditional();
    setStatus('Creating your passkey…');
    const result = await createPasskey({ username, displayName });
    setStatus(`Welcome! Your passkey "${result.passkey.name}" is saved.`);
    await showSignedIn();
  } catch (err) {
    showError(err);
  }
}

async function signIn() {
  try {
    await stopConditional();
    setStatus('Choose a passkey…');
    const options = await api('POST', '/authentication/options', {});
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
    const credential = await navigator.credentials.get({ publicKey });
    await finishSignIn(credential);
  } catch (err) {
    showError(err);
  }
}

async function finishSignIn(credential) {
  const result = await api('POST', '/authentication/verify', credential.toJSON());
  setStatus(`Signed in as ${result.user.displayName || result.user.name}.`);
  await showSignedIn();
}

// startConditional: passkey autofill. The request waits until the user picks
// a passkey from the username field's suggestions. `conditional` is set at
// once, so a button pressed meanwhile aborts even a request not yet started.
function startConditional() {
  if (conditional) return;
  const controller = new AbortController();
  const done = runConditional(controller).catch(showError);
  conditional = { controller, done };
}

async function runConditional(controller) {
  try {
    if (typeof PublicKeyCredential === 'undefined' ||
        !PublicKeyCredential.isConditionalMediationAvailable ||
        !(await PublicKeyCredential.isConditionalMediationAvailable())) {
      return;
    }
    const options = await api('POST', '/authentication/options', {});
    if (controller.signal.aborted) return;
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
    let credential;
    try {
      credential = await navigator.credentials.get({
        publicKey, mediation: 'conditional', signal: controller.signal,
      });
    } catch (err) {
      if (err.name === 'AbortError') return;
      throw err;
    }
    if (conditional && conditional.controller === controller) conditional = null;
    await finishSignIn(credential);
  } finally {
    if (conditional && conditional.controller === controller) conditional = null;
  }
}

async function addPasskey() {
  try {
    setStatus('Creating a passkey…');
    const result = await createPasskey({});
    setStatus(`Added "${result.passkey.name}".`);
    await showSignedIn();
  } catch (err) {
    showError(err);
  }
}

async function stepUp() {
  try {
    setStatus('Confirm with your passkey…');
    const options = await api('POST', '/stepup/options', {});
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
    const credential = await navigator.credentials.get({ publicKey });
    const result = await api('POST', '/stepup/verify', credential.toJSON());
    showStepUp(result.stepUpUntil);
    setStatus('Verified: sensitive actions are unlocked for five minutes.');
  } catch (err) {
    showError(err);
  }
}

async function renamePasskey(passkey) {
  const name = window.prompt('New name for this passkey', passkey.name);
  if (name === null || name.trim() === '') return;
  try {
    const updated = await api('PATCH', `/passkeys/${encodeURIComponent(passkey.id)}`,
                              { name: name.trim() });
    setStatus(`Renamed to "${updated.name}".`);
    await showSignedIn();
  } catch (err) {
    showError(err);
  }
}

async function removePasskey(passkey) {
  if (!window.confirm(`Remove "${passkey.name}"? You can no longer sign in with it.`)) return;
  try {
    await api('DELETE', `/passkeys/${encodeURIComponent(passkey.id)}`);
    setStatus(`Removed "${passkey.name}".`);
    await showSignedIn();
  } catch (err) {
    showError(err);
  }
}

async function signOut() {
  try {
    await api('POST', '/signout');
    setStatus('Signed out.');
  } catch (err) {
    showError(err);
  }
  showSignedOut();
}

// ---- Start ----

async function init() {
  $('#signup-form').addEventListener('submit', signUp);
  $('#signin-btn').addEventListener('click', signIn);
  $('#signout-btn').addEventListener('click', signOut);
  $('#add-passkey-btn').addEventListener('click', addPasskey);
  $('#stepup-btn').addEventListener('click', stepUp);

  if (typeof PublicKeyCredential === 'undefined' ||
      !PublicKeyCredential.parseCreationOptionsFromJSON) {
    setError('unsupported', 'This browser lacks WebAuthn Level 3 JSON support; use a current Chromium.');
  }
  try {
    const session = await api('GET', '/api/session');
    if (session.signedIn) {
      await showSignedIn();
      showStepUp(session.stepUpUntil);
      return;
    }
  } catch (err) {
    showError(err);
  }
  showSignedOut();
  // Passkey autofill on load (conditional mediation), when available.
  startConditional();
}

init();
