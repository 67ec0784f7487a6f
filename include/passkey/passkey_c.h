/* passkey C API: the relying-party ceremonies for C and any FFI (issue #17).
 *
 * C99. Opaque handles, JSON text in and out (UTF-8, NUL-terminated); the
 * only struct whose layout is part of the ABI is passkey_error.
 *
 * Return convention: every function that can fail returns int 0 on success
 * and 1 on failure. On failure the output pointers are left NULL and, when
 * `err` is not NULL, *err says why (code and message). No exception, abort or
 * crash escapes any function, whatever the input, NULL pointers included.
 *
 * Ownership:
 *  - Every `char**` output receives a string allocated by the library, or
 *    NULL on failure; free it with passkey_string_free. The output pointer
 *    itself must not be NULL (a NULL one fails with "invalid_argument").
 *  - passkey_error: initialise it with PASSKEY_ERROR_INIT (or zero it) before
 *    the first call. A call that takes `err` first frees the message a
 *    previous call left in it, so one passkey_error can be reused across
 *    calls; passkey_error_clear frees it when you are done. `err` may be
 *    NULL when the caller does not want the reason.
 *  - passkey_credential handles are created by passkey_credential_prepare and
 *    freed by passkey_credential_free.
 *
 * Thread safety: every function may be called from any thread at the same
 * time. A passkey_credential is immutable: any number of threads may verify
 * against one handle concurrently; free it only when no call uses it. A
 * passkey_error or output string must not be shared by concurrent calls.
 *
 * Time: `now` members are Unix seconds (a JSON integer). When absent, the
 * verifying functions read the system clock (time()).
 *
 * The verification options JSON (passkey_verify_registration,
 * passkey_verify_authentication, passkey_verify_authentication_prepared) is
 * one object for both ceremonies; its JSON Schema is
 * passkey/passkey_c_options.schema.json. Members (every one optional;
 * base64url without padding):
 *   rpIds            [string]  acceptable RP IDs (at least one needed)
 *   origins          [string]  acceptable clientDataJSON.origin values
 *   topOrigins       [string]  acceptable topOrigin values
 *   allowCrossOrigin bool      accept crossOrigin true
 *   challenge        string    the challenge sent (base64url)
 *   userVerification string    "required" (default) | "preferred" | "discouraged"
 *   allowedAlgorithms [int]    COSE algorithm numbers (default: all but RS1)
 *   expectedTypes    [string]  clientDataJSON.type values
 *   now              int       Unix seconds (default: the system clock)
 *   allowSha1Attestation bool  accept SHA-1 signatures (registration: RS1
 *                    keys, RS1 attestation, SHA-1 certificates;
 *                    authentication: the former name of allowRs1Credentials)
 *   userHandle       string    base64url user.id (both ceremonies)
 *   registration only (type-checked, ignored by authentication):
 *   trustAnchors     [string]  PEM certificates attestation may chain to
 *   crls             [string]  PEM CRLs for attestation paths
 *   requireTrustedAttestation, requireRevocationCheck, androidKeyRequireTee,
 *   allowSafetynetWithoutCtsProfileMatch, dangerSkipSafetynetTimestampCheck
 *                    bool
 *   safetynetTimestampWindowSeconds int
 *   mediation        string    "conditional" | "optional" | "required" | "silent"
 *   authentication only (type-checked, ignored by registration):
 *   appid            string    the FIDO AppID extension input
 *   allowCredentials [string]  base64url credential IDs of allowCredentials
 *   discoverable     bool      the user was not identified before the ceremony
 *   allowSignCountRollback bool
 *   allowRs1Credentials bool   accept a stored RS1 (SHA-1) credential key
 * A member that is not listed, or a listed one of another type or with an
 * invalid value (bad base64url, bad PEM, unknown enum string), fails with
 * "invalid_argument"; so does options text that is not a JSON object.
 *
 * Error codes: the stable snake_case names of the C++ API (ErrorCodeName in
 * passkey/result.h), e.g. "invalid_argument", "malformed_response",
 * "challenge_mismatch", "signature_invalid", "internal_error".
 */
#ifndef PASSKEY_PASSKEY_C_H_
#define PASSKEY_PASSKEY_C_H_

#ifdef __cplusplus
extern "C" {
#endif

/* PASSKEY_C_EXPORT marks the C API's functions: default visibility, so they
 * stay exported from libpasskey.so (whose export list is src/passkey.map)
 * even in a build with -fvisibility=hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define PASSKEY_C_EXPORT __attribute__((visibility("default")))
#else
#define PASSKEY_C_EXPORT
#endif

/* The library version; passkey_version() returns "MAJOR.MINOR.PATCH" of the
 * library actually linked. */
#define PASSKEY_VERSION_MAJOR 0
#define PASSKEY_VERSION_MINOR 1
#define PASSKEY_VERSION_PATCH 0

/* passkey_error: why a call failed.
 *  code:    NUL-terminated stable error code name ("" when there is no
 *           error). Branch on this.
 *  message: NUL-terminated human-readable detail for logs, allocated by the
 *           library (NULL when there is none, or when allocating it failed).
 *           Never branch on it. Freed by passkey_error_clear or by the next
 *           call that receives this passkey_error. */
typedef struct passkey_error {
  char code[64];
  char* message;
} passkey_error;

#define PASSKEY_ERROR_INIT {{0}, 0}

/* passkey_error_clear frees err->message and resets *err to the no-error
 * state. NULL is accepted. */
PASSKEY_C_EXPORT void passkey_error_clear(passkey_error* err);

/* passkey_string_free frees a string returned by this library. NULL is
 * accepted. */
PASSKEY_C_EXPORT void passkey_string_free(char* text);

/* passkey_version returns "MAJOR.MINOR.PATCH" (static storage, never
 * freed). */
PASSKEY_C_EXPORT const char* passkey_version(void);

/* passkey_verify_registration verifies a RegistrationResponseJSON
 * (WebAuthn L3 §7.1) against the options JSON (see above). On success
 * *record_json is the new credential record (the record JSON of README
 * "Credential record"). Errors: "invalid_argument" (NULL argument, bad
 * options), "malformed_response" (response text not a
 * RegistrationResponseJSON), then the code of the first failing check. */
PASSKEY_C_EXPORT int passkey_verify_registration(const char* options_json, const char* response_json,
                                                 char** record_json, passkey_error* err);

/* passkey_verify_authentication verifies an AuthenticationResponseJSON
 * (WebAuthn L3 §7.2) against the stored credential record JSON. On success
 * *result_json is the object the CLI prints:
 *   {"credential": <the updated record>, "signCount": int,
 *    "userVerified": bool, "backupState": bool,
 *    "backupStateChanged": true (only when it changed),
 *    "signCountRollback": true (only with allowSignCountRollback)}
 * Store "credential" in place of the old record. Errors:
 * "invalid_argument" (NULL argument, bad options),
 * "malformed_credential_record" / "unsupported_record_version" (record),
 * "malformed_response", then the code of the first failing check. */
PASSKEY_C_EXPORT int passkey_verify_authentication(const char* options_json, const char* record_json,
                                                   const char* response_json, char** result_json,
                                                   passkey_error* err);

/* passkey_credential: a credential record whose public key was parsed and
 * imported once, for servers verifying many assertions against it. */
typedef struct passkey_credential passkey_credential;

/* passkey_credential_prepare parses `record_json` and imports its key.
 * On success *out is a new handle (free with passkey_credential_free).
 * Errors: "invalid_argument" (NULL argument),
 * "malformed_credential_record", "unsupported_record_version",
 * "invalid_public_key", "unsupported_algorithm". */
PASSKEY_C_EXPORT int passkey_credential_prepare(const char* record_json, passkey_credential** out,
                                                passkey_error* err);

/* passkey_credential_free frees a handle. NULL is accepted. */
PASSKEY_C_EXPORT void passkey_credential_free(passkey_credential* credential);

/* passkey_verify_authentication_prepared: passkey_verify_authentication
 * with a prepared credential (same checks, same order, same result JSON).
 * The handle is not modified: to apply the result, prepare a new handle
 * from result_json's "credential". */
PASSKEY_C_EXPORT int passkey_verify_authentication_prepared(const char* options_json,
                                                            const passkey_credential* credential,
                                                            const char* response_json, char** result_json,
                                                            passkey_error* err);

/* passkey_make_registration_options creates
 * PublicKeyCredentialCreationOptionsJSON with a fresh random challenge.
 * params_json members (rpId, rpName, userName required; JSON Schema
 * passkey/passkey_c_creation_params.schema.json):
 *   rpId, rpName, userName, userDisplayName  string
 *   userId           string   base64url user.id (default: 32 random bytes)
 *   algorithms       [int]    COSE numbers of pubKeyCredParams
 *   excludeCredentials [{"id": base64url, "transports": [string]}]
 *   authenticatorAttachment "platform" | "cross-platform"
 *   residentKey      "required" (default) | "preferred" | "discouraged"
 *   userVerification "required" (default) | "preferred" | "discouraged"
 *   hints            ["security-key" | "client-device" | "hybrid"]
 *   attestation      "none" (default) | "indirect" | "direct" | "enterprise"
 *   attestationFormats [string]
 *   timeout          int      milliseconds (0 = omitted; default 300000)
 *   credProps        bool     (default true)
 *   challengeSize    int      bytes, 16..64 (default 32)
 * On success *out_json is
 *   {"options": <PublicKeyCredentialCreationOptionsJSON>,
 *    "challenge": "<base64url>", "userId": "<base64url>"}
 * (the challenge to remember for the verification's "challenge" member,
 * and the user.id to pass as "userHandle"). Errors: "invalid_argument"
 * (NULL, unknown member, wrong type, invalid value), "internal_error"
 * (random generator failure). */
PASSKEY_C_EXPORT int passkey_make_registration_options(const char* params_json, char** out_json,
                                                       passkey_error* err);

/* passkey_make_authentication_options creates
 * PublicKeyCredentialRequestOptionsJSON. params_json members (rpId
 * required; passkey/passkey_c_request_params.schema.json): rpId,
 * allowCredentials [{"id", "transports"}], userVerification, hints,
 * timeout, challengeSize (as above). On success
 * *out_json is {"options": <…RequestOptionsJSON>, "challenge": "<base64url>"}.
 * Errors: as passkey_make_registration_options. */
PASSKEY_C_EXPORT int passkey_make_authentication_options(const char* params_json, char** out_json,
                                                         passkey_error* err);

/* passkey_aaguid_lookup looks `aaguid` (8-4-4-4-12, either case) up in the
 * catalog compiled into the library. On success *info_json is
 * {"aaguid", "name", "iconLight", "iconDark"} (icons are data: URLs or "").
 * Errors: "invalid_argument" (NULL, not a UUID), "unknown_aaguid". */
PASSKEY_C_EXPORT int passkey_aaguid_lookup(const char* aaguid, char** info_json, passkey_error* err);

/* passkey_mds_verify verifies a FIDO MDS3 BLOB (the JWS text). options_json
 * members (passkey/passkey_c_mds_options.schema.json):
 *   roots            [string]  PEM certificates (required, at least one)
 *   crls             [string]  PEM CRLs for the BLOB's chain
 *   now              int       Unix seconds (default: the system clock)
 *   minNumber        int       the `no` of the last BLOB accepted; a BLOB
 *                              whose `no` is not greater is refused
 *   requireRevocationCheck bool
 * On success *result_json is {"no", "nextUpdate", "entries" (count),
 * "stale", "revocationChecked"} (a BLOB past nextUpdate verifies with
 * "stale": true). Errors: "invalid_argument" (NULL, bad options),
 * "mds_limit_exceeded", "mds_malformed", "certificate_*",
 * "mds_untrusted", "mds_signature_invalid", "mds_rollback". */
PASSKEY_C_EXPORT int passkey_mds_verify(const char* blob, const char* options_json, char** result_json,
                                        passkey_error* err);

#ifdef __cplusplus
}
#endif

#endif /* PASSKEY_PASSKEY_C_H_ */
