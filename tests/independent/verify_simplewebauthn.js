// Independent check of `passkey authenticator` with @simplewebauthn/server
// (pinned in package-lock.json): its generate*Options make the options, our
// CLI answers them, and its verifyRegistrationResponse /
// verifyAuthenticationResponse verify the responses, attestation chains
// included (SettingsService roots = the store's CA), for every format and
// algorithm it verifies. Signature counters must rise, and a tampered
// signature must be refused. Run by run_simplewebauthn.sh (ctest label
// independent):
//
//   node verify_simplewebauthn.js PATH/TO/passkey WORKDIR
//
// Exit 0: all verified; 1: a verification failed.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  SettingsService,
} = require('@simplewebauthn/server');

const RP_ID = 'example.com';
const ORIGIN = 'https://example.com';
const ALGORITHMS = {
  ES256: -7, EdDSA: -8, ES384: -35, ES512: -36, PS256: -37, PS384: -38, PS512: -39,
  RS256: -257, RS384: -258, RS512: -259,
};
const FORMATS = (process.env.SWA_FORMATS ?? 'none,packed,fido-u2f,tpm,android-key,apple').split(',');
// Combinations left out, with the reason (each is a limit of the verifier
// or of the format, never of our responses):
function excluded(format, alg) {
  // §8.6: a fido-u2f credential is a raw P-256 point.
  if (format === 'fido-u2f' && alg !== 'ES256') return 'fido-u2f is ES256 only';
  // A TPM 2.0 pubArea has no EdDSA key type.
  if (format === 'tpm' && alg === 'EdDSA') return 'TPM has no EdDSA';
  // SimpleWebAuthn compares the certificate's key with convertCOSEtoPKCS()
  // of the credential key, which only encodes EC2 points (0x04 || x || y):
  // apple and android-key verify only EC credentials there.
  if ((format === 'apple' || format === 'android-key') && !alg.startsWith('ES')) {
    return 'SimpleWebAuthn checks apple/android-key keys as EC2 only';
  }
  // android-key's statement is signed by the certificate's key, and
  // SimpleWebAuthn imports certificate keys on P-256 and P-384 only
  // ("unexpected namedCurve 1.3.132.0.35").
  if (format === 'android-key' && alg === 'ES512') return 'SimpleWebAuthn: no P-521 certificate keys';
  return null;
}

function cli(binary, args, input) {
  return execFileSync(binary, args, { input: input ?? '', encoding: 'utf8' });
}

async function check(binary, workdir, format, algName) {
  const alg = ALGORITHMS[algName];
  const store = path.join(workdir, `swa-${format}-${algName}.json`);
  fs.rmSync(store, { force: true });
  if (format !== 'none') {
    const pem = cli(binary, ['authenticator', 'ca', '--store', store]);
    SettingsService.setRootCertificates({ identifier: format, certificates: [pem] });
  }
  const options = await generateRegistrationOptions({
    rpName: 'Example',
    rpID: RP_ID,
    userName: 'alice',
    attestationType: format === 'none' ? 'none' : 'direct',
    supportedAlgorithmIDs: [alg],
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  const created = JSON.parse(cli(binary, ['authenticator', 'create', '--store', store,
    '--origin', ORIGIN, '--attestation', format], JSON.stringify(options)));
  const registration = await verifyRegistrationResponse({
    response: created,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
    supportedAlgorithmIDs: [alg],
  });
  if (!registration.verified) throw new Error('registration not verified');
  if (registration.registrationInfo.fmt !== format) {
    throw new Error(`fmt ${registration.registrationInfo.fmt}`);
  }
  const credential = registration.registrationInfo.credential;

  let counter = credential.counter;
  for (let round = 0; round < 3; ++round) {
    const request = await generateAuthenticationOptions({
      rpID: RP_ID,
      allowCredentials: [{ id: credential.id }],
      userVerification: 'required',
    });
    const assertion = JSON.parse(cli(binary, ['authenticator', 'get', '--store', store,
      '--origin', ORIGIN], JSON.stringify(request)));
    const tamper = round === 2;
    if (tamper) {
      // The verifier is not a rubber stamp: a flipped signature bit is refused.
      const signature = Buffer.from(assertion.response.signature, 'base64url');
      signature[signature.length >> 1] ^= 0x01;
      assertion.response.signature = signature.toString('base64url');
    }
    let verified = false;
    let newCounter = -1;
    try {
      const result = await verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: request.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        credential: { ...credential, counter },
        requireUserVerification: true,
      });
      verified = result.verified;
      newCounter = result.authenticationInfo.newCounter;
    } catch (error) {
      if (!tamper) throw error;
    }
    if (tamper) {
      if (verified) throw new Error('a tampered signature verified');
      continue;
    }
    if (!verified) throw new Error('authentication not verified');
    if (newCounter <= counter) throw new Error(`counter ${newCounter} did not rise above ${counter}`);
    counter = newCounter;
  }
}

async function main() {
  const [binary, workdir] = process.argv.slice(2);
  if (!binary || !workdir) {
    console.error('usage: node verify_simplewebauthn.js PASSKEY_CLI WORKDIR');
    return 2;
  }
  fs.mkdirSync(workdir, { recursive: true });
  const version = JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules',
    '@simplewebauthn', 'server', 'package.json'), 'utf8')).version;
  console.log(`@simplewebauthn/server ${version}`);
  let failures = 0;
  for (const format of FORMATS) {
    for (const algName of Object.keys(ALGORITHMS)) {
      const reason = excluded(format, algName);
      if (reason) {
        console.log(`skip ${format} ${algName}: ${reason}`);
        continue;
      }
      try {
        await check(binary, workdir, format, algName);
        console.log(`ok   ${format} ${algName}`);
      } catch (error) {
        ++failures;
        let cause = '';
        for (let c = error.cause; c; c = c.cause) cause += ` (cause: ${c.message ?? c})`;
        console.log(`FAIL ${format} ${algName}: ${error.message}${cause}`);
      }
    }
  }
  return failures === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
