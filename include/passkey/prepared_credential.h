// PreparedCredential: a stored credential whose public key has been imported
// once, for servers that keep credentials in memory and verify many
// assertions against them (WebAuthn L3 §7.2 without the per-call COSE key
// parse and import).
#ifndef PASSKEY_PREPARED_CREDENTIAL_H_
#define PASSKEY_PREPARED_CREDENTIAL_H_

#include <memory>

#include <passkey/authentication.h>
#include <passkey/credential_record.h>
#include <passkey/options.h>
#include <passkey/result.h>
#include <passkey/types.h>

namespace passkey {

// PreparedCredential holds a copy of a CredentialRecord and its public key,
// parsed and validated exactly as VerifyAuthentication(options, record, …)
// would (same COSE_Key rules), imported once.
//
// Thread safety: a PreparedCredential is immutable after Create. Any number
// of threads may verify against the same object (or copies of it) at the
// same time without locking; copies are cheap and share the imported key.
// To apply a verification's result, build a new object with Updated() and
// swap it in (e.g. behind your cache's own synchronisation); the old object
// stays valid for verifications still running on it.
class PreparedCredential {
 public:
  // Create validates and imports record.public_key. Errors: those of the
  // key step of VerifyAuthentication: kInvalidPublicKey (not a well-formed
  // COSE_Key, kty/alg/crv disagree, point not on the curve, …),
  // kUnsupportedAlgorithm (an algorithm this build cannot verify).
  static Result<PreparedCredential> Create(const CredentialRecord& record);

  // record: the record this object was prepared from (as updated by
  // Updated()).
  const CredentialRecord& record() const noexcept;
  // algorithm: the COSE algorithm of the imported key.
  CoseAlgorithm algorithm() const noexcept;

  // Updated returns a PreparedCredential sharing this one's imported key
  // whose record has had UpdateCredentialRecord(record, result) applied
  // (signCount, backupState, uvInitialized, lastUsedAt). `result` must come
  // from a verification against this credential. No key is re-imported.
  PreparedCredential Updated(const AuthenticationResult& result) const;

 private:
  // Opaque, shared, immutable state (record copy and imported key).
  struct State;

  explicit PreparedCredential(std::shared_ptr<const State> state) noexcept;
  std::shared_ptr<const State> state_;

  friend Result<AuthenticationResult> VerifyAuthentication(
      const AuthenticationOptions& options, const PreparedCredential& credential,
      const AuthenticationResponse& response);
};

// VerifyAuthentication runs WebAuthn L3 §7.2 against a prepared credential:
// exactly the checks, in exactly the order, of VerifyAuthentication(options,
// record, response) (both run the same code), with the key imported at
// Create instead of on every call. Safe to call concurrently on one
// PreparedCredential.
Result<AuthenticationResult> VerifyAuthentication(const AuthenticationOptions& options,
                                                  const PreparedCredential& credential,
                                                  const AuthenticationResponse& response);

}  // namespace passkey

#endif  // PASSKEY_PREPARED_CREDENTIAL_H_
