// Sign-in: with a user name or discoverable (usernameless), WebAuthn L3 §7.2.
#include <string>
#include <string_view>
#include <utility>

#include <passkey/passkey.h>

#include "server_flow.h"

namespace quickstart {

passkey::Result<std::string> StartSignIn(Server& server, std::string_view session_id,
                                         const Account* account, passkey::UnixSeconds now) {
  passkey::RequestOptionsParams request;
  request.rp_id = server.rp.ids.front();
  passkey::Bytes identified;  // empty: nobody identified yet (discoverable sign-in)
  if (account != nullptr) {
    passkey::Result<std::vector<passkey::CredentialRecord>> mine =
        CredentialsOf(server, account->user_handle);
    if (!mine.has_value()) {
      return passkey::Unexpected(mine.error());
    }
    for (const passkey::CredentialRecord& record : *mine) {
      request.allow_credentials.push_back({record.id, record.transports});
    }
    identified = account->user_handle;  // the passkey must be one of theirs
  }
  // Without an account, allowCredentials stays empty: the browser offers
  // every passkey it has for this RP ID and the response names the account.
  passkey::Result<passkey::AuthenticationStart> start =
      passkey::MakeAuthenticationCeremony(request, server.rp, now, identified);
  if (!start.has_value()) {
    return passkey::Unexpected(start.error());
  }
  passkey::Result<std::string> state = passkey::SerializeCeremony(start->ceremony);
  if (!state.has_value()) {
    return passkey::Unexpected(state.error());
  }
  passkey::Status stored = server.challenges.Put(passkey::Ceremony::kAuthentication, session_id,
                                                 start->ceremony.challenge, *state, now);
  if (!stored.has_value()) {
    return passkey::Unexpected(stored.error());
  }
  // PublicKeyCredentialRequestOptionsJSON, for navigator.credentials.get().
  return start->options_json;
}

passkey::Result<passkey::Bytes> FinishSignIn(Server& server, std::string_view session_id,
                                             std::string_view response_json,
                                             passkey::UnixSeconds now) {
  passkey::Result<passkey::IssuedChallenge> issued =
      server.challenges.Take(passkey::Ceremony::kAuthentication, session_id, now);
  if (!issued.has_value()) {
    return passkey::Unexpected(issued.error());  // challenge_not_found / challenge_expired
  }
  passkey::Result<passkey::AuthenticationCeremony> ceremony =
      passkey::ParseAuthenticationCeremony(issued->context);
  if (!ceremony.has_value()) {
    return passkey::Unexpected(ceremony.error());
  }
  passkey::Result<passkey::AuthenticationResponse> assertion =
      passkey::ParseAuthenticationResponseJson(response_json);
  if (!assertion.has_value()) {
    return passkey::Unexpected(assertion.error());
  }
  // The stored record is the one whose credential ID is the assertion's rawId.
  auto stored = server.records.find(passkey::Base64UrlEncode(assertion->raw_id));
  if (stored == server.records.end()) {
    return passkey::Unexpected(passkey::ErrorCode::kCredentialNotAllowed, "unknown credential");
  }
  passkey::Result<passkey::CredentialRecord> record =
      passkey::CredentialRecordFromJson(stored->second);
  if (!record.has_value()) {
    return passkey::Unexpected(record.error());
  }
  // The ceremony knows who was identified: with a user name, the passkey must
  // be in allowCredentials (credential_not_allowed) and theirs
  // (user_handle_mismatch); discoverable, the response must carry a
  // userHandle (user_handle_missing) and it must be the record's.
  passkey::Result<passkey::AuthenticationResult> result =
      passkey::VerifyAuthentication(*ceremony, *record, *assertion, now);
  if (!result.has_value()) {
    return passkey::Unexpected(result.error());  // e.g. signature_invalid, sign_count_rollback
  }
  // signCount, backupState, uvInitialized and lastUsedAt (= now), then store it back.
  passkey::UpdateCredentialRecord(*record, *result);
  stored->second = passkey::CredentialRecordToJson(*record);
  return result->user_handle;  // the account now signed in
}

passkey::Status PreparedCache::Add(const passkey::CredentialRecord& record) {
  passkey::Result<passkey::PreparedCredential> prepared =
      passkey::PreparedCredential::Create(record);  // once per credential
  if (!prepared.has_value()) {
    return passkey::Unexpected(prepared.error());  // invalid_public_key, unsupported_algorithm
  }
  cache_.insert_or_assign(record.id, *std::move(prepared));
  return passkey::OkStatus();
}

passkey::Result<passkey::AuthenticationResult> PreparedCache::Verify(
    const passkey::AuthenticationOptions& auth, const passkey::AuthenticationResponse& assertion) {
  auto prepared = cache_.find(assertion.raw_id);
  if (prepared == cache_.end()) {
    return passkey::Unexpected(passkey::ErrorCode::kCredentialNotAllowed, "unknown credential");
  }
  // VerifyAuthentication only reads the PreparedCredential: threads may share
  // one. (This map is not locked: one PreparedCache per thread, or a mutex.)
  passkey::Result<passkey::AuthenticationResult> result =
      passkey::VerifyAuthentication(auth, prepared->second, assertion);
  if (result.has_value()) {
    prepared->second = prepared->second.Updated(*result);  // new signCount etc.
  }
  return result;
}

const passkey::PreparedCredential* PreparedCache::Find(const passkey::Bytes& credential_id) const {
  auto found = cache_.find(credential_id);
  return found == cache_.end() ? nullptr : &found->second;
}

}  // namespace quickstart
