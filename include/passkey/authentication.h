// Authentication: verify an assertion (WebAuthn L3 §7.2).
#ifndef PASSKEY_AUTHENTICATION_H_
#define PASSKEY_AUTHENTICATION_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include <passkey/bytes.h>
#include <passkey/credential_record.h>
#include <passkey/options.h>
#include <passkey/result.h>
#include <passkey/types.h>

namespace passkey {

// AuthenticationResponse: the decoded AuthenticationResponseJSON (L3 §5.1).
struct AuthenticationResponse {
  Bytes raw_id;                         // rawId (equal to id)
  Bytes client_data_json;               // exact bytes
  Bytes authenticator_data;
  Bytes signature;
  std::optional<Bytes> user_handle;     // absent or null → nullopt
  std::optional<Attachment> attachment;
  bool client_extension_appid = false;  // clientExtensionResults.appid
};

// ParseAuthenticationResponseJson decodes AuthenticationResponseJSON text.
// Errors: kMalformedResponse.
Result<AuthenticationResponse> ParseAuthenticationResponseJson(
    std::string_view json);

// AuthenticationResult: what a verified assertion says. Apply it to the
// stored record with UpdateCredentialRecord.
struct AuthenticationResult {
  std::uint32_t sign_count = 0;     // authData.signCount
  bool user_present = false;
  bool user_verified = false;
  bool backup_eligible = false;
  bool backup_state = false;
  // backup_state_changed: BS differs from the stored record's backupState
  // (a credential that became synced, or stopped being backed up). A record
  // with BE=0 cannot get here with BS=1 (backup_flags_invalid).
  bool backup_state_changed = false;
  // sign_count_rollback: the counter did not increase (possible cloned
  // authenticator). Only ever true with allow_sign_count_rollback.
  bool sign_count_rollback = false;
  std::optional<Attachment> attachment;
  std::optional<UnixSeconds> now;   // copied from the options
  // credential_id: the credential that signed (rawId, equal to the record's
  // id), so the caller knows which record to update.
  Bytes credential_id;
  // user_handle: the account signed in to: the response's userHandle when
  // it has one (checked against the record's), otherwise the record's
  // user_handle; empty when neither knows it.
  Bytes user_handle;
};

// VerifyAuthentication runs WebAuthn L3 §7.2 against `record` (the stored
// credential) and returns the result when every check passes, otherwise the
// first failing check's code. `record` is not modified.
Result<AuthenticationResult> VerifyAuthentication(
    const AuthenticationOptions& options, const CredentialRecord& record,
    const AuthenticationResponse& response);

// UpdateCredentialRecord applies §7.2's last step: stores the new signCount
// (unless it rolled back), backupState, uvInitialized (set once UV is seen)
// and lastUsedAt (when the result carries `now`). Returns true when a field
// other than lastUsedAt changed.
bool UpdateCredentialRecord(CredentialRecord& record,
                            const AuthenticationResult& result);

}  // namespace passkey

#endif  // PASSKEY_AUTHENTICATION_H_
