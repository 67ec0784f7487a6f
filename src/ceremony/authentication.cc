// WebAuthn Level 3 §7.2 "Verifying an Authentication Assertion", step by
// step, in the spec's order.
#include <passkey/authentication.h>
#include <passkey/prepared_credential.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "ceremony/ceremony.h"
#include "crypto/crypto.h"
#include "encoding/byte_reader.h"
#include "internal/limits.h"
#include "internal/result_macros.h"
#include "webauthn/authenticator_data.h"
#include "webauthn/client_data.h"
#include "webauthn/cose_key.h"

namespace passkey {

using internal::Fail;

struct PreparedCredential::State {
  CredentialRecord record;
  // Shared between a PreparedCredential and the ones Updated() derives.
  std::shared_ptr<const internal::PublicKey> key;
};

namespace {

// AllowRs1: allow_rs1_credentials, or its deprecated former name
// allow_sha1_attestation (honoured for one release).
bool AllowRs1(const AuthenticationOptions& options) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  return options.allow_rs1_credentials || options.allow_sha1_attestation;
#pragma GCC diagnostic pop
}

// VerifyAssertion: §7.2, shared by both VerifyAuthentication overloads.
// `prepared_key` is the record's public key imported beforehand (a
// PreparedCredential), or nullptr to parse and import record.public_key at
// the signature step, where the spec uses it.
Result<AuthenticationResult> VerifyAssertion(const AuthenticationOptions& options,
                                             const CredentialRecord& record,
                                             const internal::PublicKey* prepared_key,
                                             const AuthenticationResponse& response) {
  PASSKEY_RETURN_IF_ERROR(internal::ValidateOptions(options.rp, options.challenge));

  // "If options.allowCredentials is not empty, verify that credential.id
  // identifies one of the public key credentials listed in
  // options.allowCredentials."
  if (!options.allow_credentials.empty() &&
      std::none_of(options.allow_credentials.begin(), options.allow_credentials.end(),
                   [&](const Bytes& id) { return internal::ConstantTimeEquals(id, response.raw_id); })) {
    return Fail(ErrorCode::kCredentialNotAllowed,
                "the credential is not one of the " +
                    std::to_string(options.allow_credentials.size()) +
                    " listed in allowCredentials");
  }

  // "Identify the user being authenticated and let credentialRecord be the
  // credential record for the credential:"
  // A response userHandle of zero bytes is treated as absent (the JSON
  // form's null).
  const bool handle_present =
      response.user_handle.has_value() && !response.user_handle->empty();
  // "If the user was identified before the authentication ceremony was
  // initiated, … verify that the identified user account contains a
  // credential record whose id equals credential.rawId." The caller looked
  // `record` up; it must be the credential that answered, and, when both
  // know the owner, the identified user's.
  if (!internal::ConstantTimeEquals(response.raw_id, record.id)) {
    return Fail(ErrorCode::kCredentialIdMismatch, "rawId is not the stored credential's id");
  }
  if (!options.user_handle.empty() && !record.user_handle.empty() &&
      !internal::ConstantTimeEquals(options.user_handle, record.user_handle)) {
    return Fail(ErrorCode::kUserHandleMismatch,
                "the credential record belongs to another user than the identified one");
  }
  // "If the user was not identified before the authentication ceremony was
  // initiated, verify that response.userHandle is present."
  if (options.discoverable && !handle_present) {
    return Fail(ErrorCode::kUserHandleMissing,
                "the user was not identified before the ceremony and the response has no "
                "userHandle");
  }
  // "If response.userHandle is present, verify that it equals the user
  // handle of the user account" / "Verify that the user account identified
  // by response.userHandle contains a credential record whose id equals
  // credential.rawId": the record's owner, and the identified user's.
  if (handle_present) {
    if (!options.user_handle.empty() &&
        !internal::ConstantTimeEquals(*response.user_handle, options.user_handle)) {
      return Fail(ErrorCode::kUserHandleMismatch, "userHandle is not the identified user's");
    }
    if (!record.user_handle.empty() &&
        !internal::ConstantTimeEquals(*response.user_handle, record.user_handle)) {
      return Fail(ErrorCode::kUserHandleMismatch,
                  "userHandle is not the owner of the credential record");
    }
  }

  // "Let cData, authData and sig denote the value of response's
  // clientDataJSON, authenticatorData, and signature respectively."
  // "Let JSONtext be the result of running UTF-8 decode on the value of
  // cData." / "Let C, the client data claimed as used for the signature, be
  // the result of running an implementation-specific JSON parser on JSONtext."
  PASSKEY_ASSIGN_OR_RETURN(const internal::ClientData client_data,
                           internal::ParseClientData(response.client_data_json));

  // "Verify that the value of C.type is the string webauthn.get." …
  // challenge, origin, crossOrigin, topOrigin (quoted in ceremony.cc).
  PASSKEY_RETURN_IF_ERROR(internal::VerifyClientData(client_data, options.rp, options.challenge,
                                                     options.expected_types, "webauthn.get"));

  PASSKEY_ASSIGN_OR_RETURN(const internal::AuthenticatorData auth_data,
                           internal::ParseAuthenticatorData(response.authenticator_data));

  // "Verify that the rpIdHash in authData is the SHA-256 hash of the RP ID
  // expected by the Relying Party." Note from the spec: "If using the appid
  // extension, this step needs some special logic." — when the client
  // reports the appid extension output true, the authenticator was asked
  // under the AppID, so rpIdHash must be SHA-256(appid) instead.
  if (!options.appid.empty() && response.client_extension_appid) {
    const internal::Sha256Digest appid_hash = internal::Sha256(AsBytes(options.appid));
    if (!internal::ConstantTimeEquals(auth_data.rp_id_hash, appid_hash)) {
      return Fail(ErrorCode::kRpIdMismatch, "rpIdHash is not SHA-256 of the AppID");
    }
  } else if (!record.rp_id.empty()) {
    // The record knows the RP ID it was registered for: rpIdHash must be
    // that one's hash, not just any configured RP ID's, and it must still
    // be a configured one.
    if (std::find(options.rp.ids.begin(), options.rp.ids.end(), record.rp_id) ==
        options.rp.ids.end()) {
      return Fail(ErrorCode::kRpIdMismatch,
                  "the credential was registered for RP ID '" + record.rp_id.substr(0, 64) +
                      "', which is not among the configured RP IDs");
    }
    if (!internal::ConstantTimeEquals(auth_data.rp_id_hash,
                                      internal::Sha256(AsBytes(record.rp_id)))) {
      return Fail(ErrorCode::kRpIdMismatch,
                  "rpIdHash is not SHA-256 of the credential's RP ID (expected '" +
                      record.rp_id.substr(0, 64) + "')");
    }
  } else {
    PASSKEY_RETURN_IF_ERROR(internal::MatchRpIdHash(auth_data, options.rp.ids));
  }

  // "Verify that the UP bit of the flags in authData is set." / "If user
  // verification was determined to be required, verify that the UV bit of
  // the flags in authData is set." / "If the BE bit of the flags in authData
  // is not set, verify that the BS bit is not set."
  PASSKEY_RETURN_IF_ERROR(internal::VerifyUserFlags(auth_data, options.user_verification));

  // "If credentialRecord.backupEligible is set, verify that currentBe is set.
  // If credentialRecord.backupEligible is not set, verify that currentBe is
  // not set." (Skipped only when the stored record does not know BE.)
  if (record.backup_eligible.has_value() && *record.backup_eligible != auth_data.backup_eligible) {
    return Fail(ErrorCode::kBackupEligibilityChanged,
                auth_data.backup_eligible ? "BE is set but the credential was not eligible"
                                          : "BE is clear but the credential was eligible");
  }

  // "Verify that the values of the client extension outputs … are as
  // expected": only appid changes the verdict, handled above.

  // "Let hash be the result of computing a hash over the cData using SHA-256."
  const internal::Sha256Digest client_data_hash = internal::Sha256(response.client_data_json);

  // "Using credentialRecord.publicKey, verify that sig is a valid signature
  // over the binary concatenation of authData and hash."
  // A prepared key was parsed from the same COSE_Key by ImportCoseKey, so
  // its algorithm is the key's alg and the import cannot fail here.
  std::optional<internal::PublicKey> imported;
  if (prepared_key == nullptr) {
    PASSKEY_ASSIGN_OR_RETURN(const internal::CoseKeyMap cose_key,
                             internal::DecodeCoseKey(record.public_key));
    PASSKEY_RETURN_IF_ERROR(internal::VerifyAlgorithmAllowed(
        cose_key.alg, options.allowed_algorithms, AllowRs1(options), "allow_rs1_credentials"));
    // The record's key passed the full check at registration (kStored).
    PASSKEY_ASSIGN_OR_RETURN(imported,
                             internal::ImportCoseKey(cose_key, internal::KeyValidation::kStored));
  } else {
    PASSKEY_RETURN_IF_ERROR(internal::VerifyAlgorithmAllowed(
        static_cast<std::int64_t>(prepared_key->algorithm()), options.allowed_algorithms,
        AllowRs1(options), "allow_rs1_credentials"));
  }
  const internal::PublicKey& key = prepared_key != nullptr ? *prepared_key : *imported;
  Bytes signed_data;
  signed_data.reserve(response.authenticator_data.size() + client_data_hash.size());
  signed_data.assign(response.authenticator_data.begin(), response.authenticator_data.end());
  signed_data.insert(signed_data.end(), client_data_hash.begin(), client_data_hash.end());
  PASSKEY_RETURN_IF_ERROR(key.Verify(signed_data, response.signature));

  AuthenticationResult result;
  result.sign_count = auth_data.sign_count;
  result.user_present = auth_data.user_present;
  result.user_verified = auth_data.user_verified;
  result.backup_eligible = auth_data.backup_eligible;
  result.backup_state = auth_data.backup_state;
  // §6.1.3: "the value of the BS flag may change over time" — report it.
  result.backup_state_changed = auth_data.backup_state != record.backup_state;
  result.attachment = response.attachment;
  result.now = options.now;
  result.credential_id = response.raw_id;
  result.user_handle = handle_present ? *response.user_handle : record.user_handle;

  // "If authData.signCount is nonzero or credentialRecord.signCount is
  // nonzero, then run the following sub-step: If authData.signCount is
  // greater than credentialRecord.signCount: The signature counter is valid.
  // If authData.signCount is less than or equal to credentialRecord.signCount:
  // This is a signal that the authenticator may be cloned … Relying Party
  // policy." passkey's policy: reject, unless allow_sign_count_rollback.
  if ((auth_data.sign_count != 0 || record.sign_count != 0) &&
      auth_data.sign_count <= record.sign_count) {
    if (!options.allow_sign_count_rollback) {
      return Fail(ErrorCode::kSignCountRollback,
                  "signCount " + std::to_string(auth_data.sign_count) +
                      " does not exceed the stored " + std::to_string(record.sign_count));
    }
    result.sign_count_rollback = true;
  }
  return result;
}

}  // namespace

Result<AuthenticationResult> VerifyAuthentication(const AuthenticationOptions& options,
                                                  const CredentialRecord& record,
                                                  const AuthenticationResponse& response) {
  return VerifyAssertion(options, record, nullptr, response);
}

Result<AuthenticationResult> VerifyAuthentication(const AuthenticationOptions& options,
                                                  const PreparedCredential& credential,
                                                  const AuthenticationResponse& response) {
  return VerifyAssertion(options, credential.state_->record, credential.state_->key.get(),
                         response);
}

PreparedCredential::PreparedCredential(std::shared_ptr<const State> state) noexcept
    : state_(std::move(state)) {}

Result<PreparedCredential> PreparedCredential::Create(const CredentialRecord& record) {
  PASSKEY_ASSIGN_OR_RETURN(internal::PublicKey key,
                           internal::ImportCoseKey(record.public_key,
                                                   internal::KeyValidation::kStored));
  return PreparedCredential(std::make_shared<const State>(
      State{record, std::make_shared<const internal::PublicKey>(std::move(key))}));
}

const CredentialRecord& PreparedCredential::record() const noexcept { return state_->record; }

CoseAlgorithm PreparedCredential::algorithm() const noexcept { return state_->key->algorithm(); }

PreparedCredential PreparedCredential::Updated(const AuthenticationResult& result) const {
  // The key is shared, not copied: State is immutable, so the new object
  // may point at the same EVP_PKEY (OpenSSL allows concurrent verifies).
  CredentialRecord record = state_->record;
  UpdateCredentialRecord(record, result);
  return PreparedCredential(std::make_shared<const State>(State{std::move(record), state_->key}));
}

bool UpdateCredentialRecord(CredentialRecord& record, const AuthenticationResult& result) {
  // "If all the above steps are successful, … Update credentialRecord with
  // new state values: Update credentialRecord.signCount to the value of
  // authData.signCount. Update credentialRecord.backupState to the value of
  // currentBs. If credentialRecord.uvInitialized is false, update it to the
  // value of the UV bit in the flags in authData."
  bool changed = false;
  if (!result.sign_count_rollback && record.sign_count != result.sign_count) {
    record.sign_count = result.sign_count;
    changed = true;
  }
  if (record.backup_state != result.backup_state) {
    record.backup_state = result.backup_state;
    changed = true;
  }
  if (!record.backup_eligible.has_value()) {
    record.backup_eligible = result.backup_eligible;
    changed = true;
  }
  if (!record.uv_initialized && result.user_verified) {
    record.uv_initialized = true;
    changed = true;
  }
  if (result.now.has_value()) record.last_used_at = result.now;
  return changed;
}

}  // namespace passkey
