// What the relying party expects: the inputs of both ceremonies besides the
// browser's response.
#ifndef PASSKEY_OPTIONS_H_
#define PASSKEY_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/result.h>
#include <passkey/types.h>

namespace passkey {

class AaguidCatalog;
class AttestationTrust;
class MdsBlob;

// UnixSeconds: a point in time, seconds since 1970-01-01T00:00:00Z. The core
// never reads the clock; callers pass `now` when they want timestamps.
using UnixSeconds = std::int64_t;

// FormatTimestamp: ISO 8601 UTC, "2026-11-23T08:31:08Z".
std::string FormatTimestamp(UnixSeconds time);
// ParseTimestamp accepts "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (fraction
// truncated); kInvalidArgument otherwise.
Result<UnixSeconds> ParseTimestamp(std::string_view text);
// ParseRfc3339Timestamp also accepts a numeric offset and lower-case t/z
// (RFC 3339 §5.6): "YYYY-MM-DDTHH:MM:SS[.fraction](Z|z|±HH:MM)", within
// 1970-01-01T00:00:00Z ... 9999-12-31T23:59:59Z; kInvalidArgument otherwise.
// For times people type (the CLI's --now); records use ParseTimestamp.
Result<UnixSeconds> ParseRfc3339Timestamp(std::string_view text);

// RelyingParty: the identity the response must be bound to.
struct RelyingParty {
  // ids: acceptable RP IDs (at least one). rpIdHash must be SHA-256 of one.
  std::vector<std::string> ids;
  // origins: acceptable clientDataJSON.origin values, compared exactly
  // (scheme://host[:port], or e.g. "android:apk-key-hash:…"). At least one.
  std::vector<std::string> origins;
  // top_origins: acceptable clientDataJSON.topOrigin values. A response with
  // topOrigin is rejected unless allow_cross_origin is set and the value is
  // listed here.
  std::vector<std::string> top_origins;
  // allow_cross_origin: accept crossOrigin=true (credential used inside a
  // cross-origin iframe). Off by default.
  bool allow_cross_origin = false;
};

// ValidateRelyingParty checks the caller's configuration before any response
// is looked at (both ceremonies run it first):
//  - ids: at least one; each a lower-case domain (LDH labels a-z 0-9 '-',
//    IDNs as xn-- A-labels, ≤ 253 bytes, no scheme, port, path or trailing
//    dot, not an IP address) — what the browser hashes into rpIdHash;
//  - origins (at least one) and top_origins: each a serialized origin,
//    "scheme://host[:port]" with a lower-case scheme and host, no path, no
//    trailing slash, no user info, no default port (":443" for https, ":80"
//    for http, which a browser never sends), or "android:apk-key-hash:"
//    followed by base64url.
// Errors: kInvalidArgument, the message naming the bad value.
Status ValidateRelyingParty(const RelyingParty& rp);

// Mediation: PublicKeyCredentialCreationOptions' mediation as far as
// verification cares (WebAuthn L3 §7.1).
enum class Mediation {
  kDefault,      // optional / required / silent: UP must be set
  kConditional,  // conditional create: UP may be clear (§7.1)
};

// RegistrationOptions: inputs of WebAuthn L3 §7.1 besides the response.
struct RegistrationOptions {
  RelyingParty rp;
  // challenge: the raw bytes the RP put in PublicKeyCredentialCreationOptions
  // (at least 16 bytes per the spec's advice; empty is rejected).
  Bytes challenge;
  // user_verification: kRequired (default) demands UV=1; otherwise UV is
  // recorded but not required.
  UserVerification user_verification = UserVerification::kRequired;
  // allowed_algorithms: pubKeyCredParams. Empty = every algorithm this build
  // supports except RS1.
  std::vector<CoseAlgorithm> allowed_algorithms;
  // expected_types: clientDataJSON.type values to accept. Empty = only
  // "webauthn.create".
  std::vector<std::string> expected_types;
  // user_handle: user.id of the creation options (the account the passkey
  // is created for). Stored as the record's user_handle, so later
  // assertions are bound to that account. Empty = not recorded.
  Bytes user_handle;
  // mediation: kConditional when the RP asked for conditional create
  // (mediation: "conditional"); then "If options.mediation is not set to
  // conditional, verify that the UP bit … is set" does not apply, a
  // response with UP clear is accepted and the record's user_present is
  // false. kDefault: UP is required (kUserNotPresent).
  Mediation mediation = Mediation::kDefault;
  // allow_sha1_attestation: accept SHA-1 signatures (RS1 credential keys and
  // attestation statements). Off by default: SHA-1 is broken for collisions.
  // With a non-empty allowed_algorithms, RS1 must also be listed there.
  // It also admits SHA-1 certificate signatures in attestation paths
  // (old TPMs, U2F keys).
  bool allow_sha1_attestation = false;
  // now: the verification time. Stored as the record's createdAt, and the
  // time at which attestation certificates must be valid (and SafetyNet's
  // timestampMs recent). Required: the core never reads the clock, and
  // VerifyRegistration fails with kInvalidArgument when `now` is not set.
  std::optional<UnixSeconds> now;

  // --- Attestation trust (§7.1 "Assess the attestation trustworthiness") ---
  // attestation_trust: anchors and CRLs for x5c paths. nullptr (or no
  // anchors) = no path can be trusted: every attestation with certificates
  // is still verified completely (signatures, certificate requirements,
  // validity at `now`, the x5c links) and reported as untrusted. Must
  // outlive the call.
  const AttestationTrust* attestation_trust = nullptr;
  // require_trusted_attestation: reject with kAttestationUntrusted unless
  // the attestation chains to an anchor of attestation_trust (none and self
  // attestation never do).
  bool require_trusted_attestation = false;
  // android_key_require_tee: android-key credentials must have origin
  // GENERATED and purpose SIGN in the TEE/StrongBox authorization list.
  // Off: either list will do, as §8.4 specifies.
  bool android_key_require_tee = false;
  // allow_safetynet_without_cts_profile_match: accept android-safetynet
  // responses with ctsProfileMatch false (basic integrity only).
  bool allow_safetynet_without_cts_profile_match = false;
  // danger_skip_safetynet_timestamp_check: accept any SafetyNet timestampMs
  // (replayed responses). Only for verifying archived data.
  bool danger_skip_safetynet_timestamp_check = false;
  // safetynet_timestamp_window_seconds: how far timestampMs may lie from
  // `now`, either side.
  std::int64_t safetynet_timestamp_window_seconds = 60;
  // require_revocation_check: reject an attestation path any of whose
  // certificates (below the anchor) names a CRL distribution point
  // (cRLDistributionPoints) that no CRL of attestation_trust covers:
  // kCertificateInvalid (the path is incomplete for this policy, as when a
  // link is missing; the message names the certificate). Off: CRLs are
  // applied when given; the record's revocation_checked says whether every
  // certificate was covered.
  bool require_revocation_check = false;

  // aaguid_catalog: where the record's `provider` comes from. nullptr means
  // AaguidCatalog::Embedded(); pass an empty catalog to record no provider.
  // Must outlive the call.
  const AaguidCatalog* aaguid_catalog = nullptr;

  // mds_blob: a verified FIDO MDS3 BLOB (passkey/mds.h). When set, the
  // registration fails with kAuthenticatorStatusCompromised when the
  // credential's AAGUID has a compromise status in effect at `now`
  // (CheckAuthenticatorStatus); with mds_blob set and no `now`,
  // kInvalidArgument. Its attestation roots are not added to
  // attestation_trust by this; use MdsBlob::AddAttestationRoots. nullptr =
  // no status policy. Must outlive the call.
  const MdsBlob* mds_blob = nullptr;
};

// AuthenticationOptions: inputs of WebAuthn L3 §7.2 besides the response and
// the stored credential record.
// The pragmas keep the compiler-generated constructors and assignments from
// warning about the deprecated member below (GCC reports those at this
// struct); a caller's own use of allow_sha1_attestation still warns.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
struct AuthenticationOptions {
  RelyingParty rp;
  Bytes challenge;
  UserVerification user_verification = UserVerification::kRequired;
  // allowed_algorithms: the stored key's algorithm must be listed (empty =
  // every supported algorithm except RS1).
  std::vector<CoseAlgorithm> allowed_algorithms;
  std::vector<std::string> expected_types;  // empty = only "webauthn.get"
  // allow_rs1_credentials: accept a stored credential whose key is RS1
  // (RSASSA-PKCS1-v1_5 with SHA-1). Off by default: SHA-1 is broken for
  // collisions. With a non-empty allowed_algorithms, RS1 must also be
  // listed there. (An assertion carries no attestation, so this is the only
  // SHA-1 an authentication can meet.)
  bool allow_rs1_credentials = false;
  // allow_sha1_attestation: the former name of allow_rs1_credentials, kept
  // for one release. Either set to true accepts RS1 credentials.
  [[deprecated("use allow_rs1_credentials")]] bool allow_sha1_attestation = false;
  // appid: the FIDO AppID the RP passed in the appid extension. rpIdHash may
  // equal SHA-256(appid) only when the client reports the appid extension
  // output as true.
  std::string appid;
  // allow_credentials: the credential IDs of allowCredentials the RP sent
  // (§7.2 "If options.allowCredentials is not empty, verify that
  // credential.id identifies one of the public key credentials listed").
  // Not empty: an assertion from another credential → kCredentialNotAllowed.
  std::vector<Bytes> allow_credentials;
  // user_handle: when the user was identified before the ceremony, their
  // user handle; a response userHandle must then equal it, and so must the
  // record's user_handle when it has one (kUserHandleMismatch). Empty =
  // unknown.
  Bytes user_handle;
  // discoverable: the user was NOT identified before the ceremony (a
  // usernameless / discoverable-credential sign-in; the caller found the
  // record by the response's userHandle and rawId). §7.2: "verify that
  // response.userHandle is present" → kUserHandleMissing otherwise.
  bool discoverable = false;
  // allow_sign_count_rollback: by default a signCount that does not increase
  // is rejected (sign_count_rollback). When set, the assertion is accepted and
  // AuthenticationResult::sign_count_rollback is true instead.
  bool allow_sign_count_rollback = false;
  // now: becomes lastUsedAt when the caller applies the result.
  std::optional<UnixSeconds> now;
};
#pragma GCC diagnostic pop

}  // namespace passkey

#endif  // PASSKEY_OPTIONS_H_
