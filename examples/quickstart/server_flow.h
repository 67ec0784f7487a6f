// The server side of passkey sign-up and sign-in, as a relying party writes
// it with the passkey library: the README's C++ code is cut from these files
// (tools/readme_snippets.py checks it), and main.cc runs every function here
// against a software authenticator (ctest install_consumer builds this
// directory against the installed package with -Wall -Wextra -Werror).
//
// Each ceremony has two halves, one per HTTP request: Start* makes the
// options JSON for the browser and remembers the challenge; Finish* takes
// the browser's response JSON and verifies it. Errors are passkey::Error
// values with the library's stable codes.
#ifndef PASSKEY_EXAMPLES_QUICKSTART_SERVER_FLOW_H_
#define PASSKEY_EXAMPLES_QUICKSTART_SERVER_FLOW_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <passkey/passkey.h>

namespace quickstart {

// Account: a user of the site. user_handle is WebAuthn's user.id: 32 random
// bytes from passkey::GenerateUserHandle() at sign-up, never the e-mail.
struct Account {
  std::string name;
  passkey::Bytes user_handle;
};

// Server: what the relying party keeps between requests. `records` stands
// for the credentials table of a database: base64url(credential ID) →
// the record JSON of passkey::CredentialRecordToJson.
struct Server {
  passkey::RelyingParty rp;                    // RP IDs and origins
  passkey::InMemoryChallengeStore challenges;  // TTL 600 s, single use
  passkey::AttestationTrust trust;             // ConfigureAttestation, LoadMetadata
  bool require_trusted_attestation = false;
  passkey::AaguidCatalog catalog = passkey::AaguidCatalog::Embedded();
  std::optional<passkey::MdsBlob> mds;  // LoadMetadata
  bool mds_stale = false;
  std::map<std::string, std::string> records;
};

// CredentialsOf: the stored records whose userHandle is `user_handle`.
// Errors: those of passkey::CredentialRecordFromJson.
passkey::Result<std::vector<passkey::CredentialRecord>> CredentialsOf(
    const Server& server, const passkey::Bytes& user_handle);

// StartRegistration (register.cc): the PublicKeyCredentialCreationOptionsJSON
// to send for `account`, its challenge stored for `session_id`. Errors:
// invalid_argument (MakeRegistrationOptions, ChallengeStore::Put),
// unavailable (a remote challenge store).
passkey::Result<std::string> StartRegistration(Server& server, std::string_view session_id,
                                               const Account& account, passkey::UnixSeconds now);

// FinishRegistration (register.cc): verifies the RegistrationResponseJSON
// and stores the new record. Errors: challenge_not_found / challenge_expired
// (ChallengeStore::Take), every code of VerifyRegistration, and
// credential_not_allowed when the credential ID is already registered (a
// check §7.1 leaves to the relying party).
passkey::Result<passkey::CredentialRecord> FinishRegistration(Server& server,
                                                              std::string_view session_id,
                                                              std::string_view response_json,
                                                              passkey::UnixSeconds now);

// StartSignIn (sign_in.cc): the PublicKeyCredentialRequestOptionsJSON to
// send. With an account (the user typed their name), allowCredentials lists
// that account's passkeys; without one (nullptr) it is empty: a discoverable
// (usernameless) sign-in, where the passkey names the account.
passkey::Result<std::string> StartSignIn(Server& server, std::string_view session_id,
                                         const Account* account, passkey::UnixSeconds now);

// FinishSignIn (sign_in.cc): verifies the AuthenticationResponseJSON against
// the record found by its credential ID, stores the updated record and
// returns the user handle of the account now signed in. Errors:
// challenge_not_found / challenge_expired, credential_not_allowed (no stored
// record has this credential ID), every code of VerifyAuthentication.
passkey::Result<passkey::Bytes> FinishSignIn(Server& server, std::string_view session_id,
                                             std::string_view response_json,
                                             passkey::UnixSeconds now);

// PreparedCache (sign_in.cc): a server that keeps credentials in memory
// imports each public key once (passkey::PreparedCredential, immutable, so
// any number of threads may verify against one). Verify looks the
// credential up by the assertion's credential ID, verifies, and replaces
// the cached credential with the updated one. Errors: credential_not_allowed
// (not cached), every code of VerifyAuthentication. Not thread-safe itself
// (a plain map): use one per thread or guard it with a mutex.
class PreparedCache {
 public:
  // Add prepares `record` (invalid_public_key, unsupported_algorithm).
  passkey::Status Add(const passkey::CredentialRecord& record);
  passkey::Result<passkey::AuthenticationResult> Verify(
      const passkey::AuthenticationOptions& auth, const passkey::AuthenticationResponse& assertion);
  // Find: the cached credential, or nullptr.
  const passkey::PreparedCredential* Find(const passkey::Bytes& credential_id) const;

 private:
  std::map<passkey::Bytes, passkey::PreparedCredential> cache_;
};

// ConfigureAttestation (trust.cc): trust attestation certificates chaining
// to `vendor_root_pem` for the authenticator model `vendor_aaguid` only,
// apply the revocation list `crl_pem`, and refuse registrations whose
// attestation is not trusted. Errors: invalid_argument (a PEM that does not
// parse).
passkey::Status ConfigureAttestation(Server& server, std::string_view vendor_root_pem,
                                     const passkey::Aaguid& vendor_aaguid,
                                     std::string_view crl_pem);

// LoadMetadata (trust.cc): verifies a FIDO MDS3 BLOB under `mds_root_pem`,
// then takes provider names from it, trusts its attestation roots (each for
// its AAGUID) and applies its status reports at registration. Errors:
// invalid_argument, mds_* and certificate_* codes of MdsBlob::Verify.
passkey::Status LoadMetadata(Server& server, std::string_view blob_text,
                             std::string_view mds_root_pem, std::uint64_t last_accepted_no,
                             passkey::UnixSeconds now);

}  // namespace quickstart

#endif  // PASSKEY_EXAMPLES_QUICKSTART_SERVER_FLOW_H_
