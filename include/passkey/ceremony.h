// One ceremony state, from options to verify.
//
// MakeRegistrationCeremony / MakeAuthenticationCeremony make the options JSON
// for the browser (as MakeRegistrationOptions / MakeAuthenticationOptions do)
// and, beside it, a RegistrationCeremony / AuthenticationCeremony: everything
// the verify step must enforce (challenge, RP ID and origins, user
// verification, the algorithms offered, allowCredentials, the user handle,
// mediation, an expiry). The ceremony serialises to a compact string for a
// session or a cache entry, and the VerifyRegistration /
// VerifyAuthentication overloads below take it back, so no policy has to be
// restated (or can be forgotten) between the two requests.
//
// A server-side flow:
//   1. options request: MakeRegistrationCeremony(params, rp, now) → send
//      `options_json` to the browser; keep SerializeCeremony(ceremony) in the
//      session (server-side) under the session's id.
//   2. response: take the string out of the session (so it is used once),
//      ParseRegistrationCeremony, ParseRegistrationResponseJson,
//      VerifyRegistration(ceremony, response, now).
//
// The string is NOT a security token: it is not encrypted or authenticated.
// Keep it server-side (a session store, Redis) keyed by the session, or
// protect it yourself (e.g. an HMAC with a server key) before it leaves the
// server. Whoever can edit it can set the challenge and the policy. Using it
// once is the caller's job too: delete it from the session before verifying
// (a replayed response would otherwise verify again until the expiry).
//
// The options/verify structs (passkey/ceremony_options.h, passkey/options.h)
// stay for callers who want to manage the state themselves; the functions
// here are built on them, so every check of VerifyRegistration /
// VerifyAuthentication applies unchanged.
#ifndef PASSKEY_PASSKEY_CEREMONY_H_
#define PASSKEY_PASSKEY_CEREMONY_H_

#include <string>
#include <string_view>
#include <vector>

#include <passkey/authentication.h>
#include <passkey/bytes.h>
#include <passkey/ceremony_options.h>
#include <passkey/credential_record.h>
#include <passkey/options.h>
#include <passkey/prepared_credential.h>
#include <passkey/registration.h>
#include <passkey/result.h>
#include <passkey/types.h>

namespace passkey {

// kDefaultCeremonyTimeoutSeconds: the lifetime of a ceremony whose params
// have timeout_ms 0 (the JSON then has no timeout member and the client
// picks its own): 600 s, the top of WebAuthn L3 §15.1's recommended range.
inline constexpr UnixSeconds kDefaultCeremonyTimeoutSeconds = 600;

// RegistrationCeremony: what VerifyRegistration(ceremony, …) enforces for
// one navigator.credentials.create() call. Made by MakeRegistrationCeremony
// or ParseRegistrationCeremony; a caller should not need to edit it.
struct RegistrationCeremony {
  // rp: ids is exactly the rp.id the options named; origins, top_origins
  // and allow_cross_origin come from the RelyingParty given when making it.
  RelyingParty rp;
  Bytes challenge;  // the options' challenge (16..64 bytes)
  UserVerification user_verification = UserVerification::kRequired;
  // algorithms: pubKeyCredParams as sent, never empty. The credential key's
  // alg must be one of them (kAlgorithmNotAllowed). Listing RS1 is the RP's
  // opt-in to SHA-1 (RegistrationOptions::allow_sha1_attestation).
  std::vector<CoseAlgorithm> algorithms;
  Bytes user_handle;  // user.id (1..64 bytes); becomes the record's user_handle
  // mediation: how create() was called (CredentialCreationOptions.mediation,
  // which is not part of the publicKey options JSON). kConditional admits a
  // response with UP clear (§7.1).
  Mediation mediation = Mediation::kDefault;
  UnixSeconds created_at = 0;  // the `now` it was made at
  // expires_at: created_at + the options' timeout (rounded up to a second),
  // or + kDefaultCeremonyTimeoutSeconds without one. Verify refuses it
  // when now > expires_at (kChallengeExpired).
  UnixSeconds expires_at = 0;
};

// AuthenticationCeremony: what VerifyAuthentication(ceremony, …) enforces
// for one navigator.credentials.get() call.
//
// §7.2 has no step that depends on how get() was mediated (conditional UI
// or not: UP is required either way), so unlike RegistrationCeremony this
// holds no mediation.
struct AuthenticationCeremony {
  RelyingParty rp;  // ids is exactly the options' rpId
  Bytes challenge;
  UserVerification user_verification = UserVerification::kRequired;
  // allow_credentials: the credential IDs of allowCredentials; not empty =
  // an assertion from any other credential is refused
  // (kCredentialNotAllowed).
  std::vector<Bytes> allow_credentials;
  // user_handle: the user identified before the ceremony (e.g. by user
  // name); empty = not identified. With both this and allow_credentials
  // empty the ceremony is discoverable (usernameless): the response must
  // carry a userHandle (kUserHandleMissing), which must be the record's.
  Bytes user_handle;
  UnixSeconds created_at = 0;
  UnixSeconds expires_at = 0;  // as in RegistrationCeremony
};

// RegistrationStart / AuthenticationStart: what the Make…Ceremony functions
// return. `options_json` goes to the browser (the *OptionsJSON object,
// PublicKeyCredential.parse…OptionsFromJSON's input); `ceremony` stays on
// the server.
struct RegistrationStart {
  std::string options_json;
  RegistrationCeremony ceremony;
};
struct AuthenticationStart {
  std::string options_json;
  AuthenticationCeremony ceremony;
};

// MakeRegistrationCeremony: MakeRegistrationOptions(params) plus the
// ceremony that verifies its response. `rp` gives the origins (and
// top_origins, allow_cross_origin) the response may come from; rp.ids may
// be empty, or must list params.rp_id (the ceremony keeps only that one: the
// browser hashes exactly it into rpIdHash). `now` is the current time;
// `mediation` how create() will be called.
// Errors: those of MakeRegistrationOptions; kInvalidArgument when rp fails
// ValidateRelyingParty (after params.rp_id is put into an empty rp.ids),
// rp.ids does not list params.rp_id, or now is negative.
Result<RegistrationStart> MakeRegistrationCeremony(const CreationOptionsParams& params,
                                                   const RelyingParty& rp, UnixSeconds now,
                                                   Mediation mediation = Mediation::kDefault);

// MakeAuthenticationCeremony: MakeAuthenticationOptions(params) plus its
// ceremony. `identified_user_handle`: the user handle of the account the
// user named before the ceremony (empty for a usernameless sign-in; then
// params.allow_credentials is usually empty too). `rp` and `now` as above.
// Errors: those of MakeAuthenticationOptions; kInvalidArgument as above, or
// for a user handle longer than 64 bytes.
Result<AuthenticationStart> MakeAuthenticationCeremony(const RequestOptionsParams& params,
                                                       const RelyingParty& rp, UnixSeconds now,
                                                       ByteView identified_user_handle = {});

// SerializeCeremony: the compact string form, "pk1." followed by base64url
// (no padding) of a length-prefixed binary encoding (a kind byte, then each
// field). ASCII only, so it fits a server-side session value, a Redis
// string or a database column; ≤ ~350 KiB even with 256 allowCredentials of
// 1023 bytes, typically ~120 bytes. Errors: kInvalidArgument when a field is
// out of the range ParseRegistrationCeremony / ParseAuthenticationCeremony
// accept (so whatever this returns parses back to an equal value).
Result<std::string> SerializeCeremony(const RegistrationCeremony& ceremony);
Result<std::string> SerializeCeremony(const AuthenticationCeremony& ceremony);

// ParseRegistrationCeremony / ParseAuthenticationCeremony read what
// SerializeCeremony wrote, strictly: kInvalidArgument for any other
// version prefix, bad base64url, the other ceremony's kind, a truncated
// field, trailing bytes, or a field out of range (an unknown enum value, a
// boolean other than 0/1, a challenge outside 16..64 bytes, an invalid RP,
// an unsupported or repeated algorithm, expires_at before created_at, …).
Result<RegistrationCeremony> ParseRegistrationCeremony(std::string_view text);
Result<AuthenticationCeremony> ParseAuthenticationCeremony(std::string_view text);

// RegistrationVerifyContext: the per-call inputs of a registration that the
// ceremony does not carry: attestation trust and status policy (see the
// fields of the same names in RegistrationOptions). The pointers must
// outlive the call; they are never serialised.
struct RegistrationVerifyContext {
  const AttestationTrust* attestation_trust = nullptr;
  bool require_trusted_attestation = false;
  bool require_revocation_check = false;
  bool android_key_require_tee = false;
  bool allow_safetynet_without_cts_profile_match = false;
  const AaguidCatalog* aaguid_catalog = nullptr;  // nullptr = Embedded()
  const MdsBlob* mds_blob = nullptr;
};

// AuthenticationVerifyContext: the per-call policy of an authentication the
// ceremony does not carry (see AuthenticationOptions).
struct AuthenticationVerifyContext {
  bool allow_sign_count_rollback = false;
  // allow_rs1_credentials: accept a stored key with alg RS1 (SHA-1), e.g.
  // from an old Windows Hello TPM. Off: kAlgorithmNotAllowed.
  bool allow_rs1_credentials = false;
};

// ToRegistrationOptions / ToAuthenticationOptions: the options struct the
// ceremony stands for at time `now` (what the overloads below verify with),
// for callers who want to adjust a field the ceremony API does not expose.
RegistrationOptions ToRegistrationOptions(const RegistrationCeremony& ceremony, UnixSeconds now,
                                          const RegistrationVerifyContext& context = {});
AuthenticationOptions ToAuthenticationOptions(const AuthenticationCeremony& ceremony,
                                              UnixSeconds now,
                                              const AuthenticationVerifyContext& context = {});

// VerifyRegistration (ceremony form): kChallengeExpired when now >
// ceremony.expires_at; kInvalidArgument when the ceremony is out of range
// (as SerializeCeremony decides); otherwise VerifyRegistration(
// ToRegistrationOptions(ceremony, now, context), response) — every §7.1
// check, with the origins, challenge, UV policy, offered algorithms,
// mediation and user handle of the ceremony. The record's user_handle is
// the ceremony's and its created_at is `now`.
Result<CredentialRecord> VerifyRegistration(const RegistrationCeremony& ceremony,
                                            const RegistrationResponse& response,
                                            UnixSeconds now,
                                            const RegistrationVerifyContext& context = {});

// VerifyAuthentication (ceremony forms): kChallengeExpired when now >
// ceremony.expires_at; kInvalidArgument for an out-of-range ceremony;
// otherwise VerifyAuthentication(ToAuthenticationOptions(ceremony, now,
// context), record, response) — every §7.2 check, allowCredentials and the
// identified user included. The result's `now` is `now` (lastUsedAt).
Result<AuthenticationResult> VerifyAuthentication(const AuthenticationCeremony& ceremony,
                                                  const CredentialRecord& record,
                                                  const AuthenticationResponse& response,
                                                  UnixSeconds now,
                                                  const AuthenticationVerifyContext& context = {});
Result<AuthenticationResult> VerifyAuthentication(const AuthenticationCeremony& ceremony,
                                                  const PreparedCredential& credential,
                                                  const AuthenticationResponse& response,
                                                  UnixSeconds now,
                                                  const AuthenticationVerifyContext& context = {});

}  // namespace passkey

#endif  // PASSKEY_PASSKEY_CEREMONY_H_
