// What the relying party sends to the browser: WebAuthn L3
// PublicKeyCredentialCreationOptionsJSON (§5.4, navigator.credentials.create)
// and PublicKeyCredentialRequestOptionsJSON (§5.5, navigator.credentials.get),
// with a fresh challenge from OpenSSL's CSPRNG, and a store that keeps each
// challenge until the response comes back.
//
// The verify side (what the response must match) is passkey/options.h.
#ifndef PASSKEY_CEREMONY_OPTIONS_H_
#define PASSKEY_CEREMONY_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/options.h>
#include <passkey/result.h>
#include <passkey/types.h>

namespace passkey {

// §5.4.6 ResidentKeyRequirement.
enum class ResidentKeyRequirement { kDiscouraged, kPreferred, kRequired };

// §5.4.7 AttestationConveyancePreference.
enum class AttestationConveyance { kNone, kIndirect, kDirect, kEnterprise };

// §5.8.7 PublicKeyCredentialHint.
enum class CredentialHint { kSecurityKey, kClientDevice, kHybrid };

// ParseResidentKeyRequirement / ParseAttestationConveyance /
// ParseCredentialHint read the spec's string values ("required",
// "enterprise", "security-key", …), the same spellings the options JSON
// carries; kInvalidArgument for anything else.
Result<ResidentKeyRequirement> ParseResidentKeyRequirement(std::string_view name);
Result<AttestationConveyance> ParseAttestationConveyance(std::string_view name);
Result<CredentialHint> ParseCredentialHint(std::string_view name);

// §5.8.3 PublicKeyCredentialDescriptor, for excludeCredentials and
// allowCredentials.
struct CredentialDescriptor {
  Bytes id;  // the credential ID (1..1023 bytes)
  // transports: §5.8.4 AuthenticatorTransport values as stored in the
  // record ("usb", "nfc", "ble", "smart-card", "hybrid", "internal").
  // Unknown values are passed through (the client ignores them).
  std::vector<std::string> transports;
};

// SupportedAlgorithms: every COSE algorithm this build verifies, in the
// order an RP should list them in pubKeyCredParams (most preferred first).
// RS1 only when include_rs1.
std::vector<CoseAlgorithm> SupportedAlgorithms(bool include_rs1 = false);

// RandomBytes: `size` bytes from OpenSSL's CSPRNG (RAND_bytes);
// kInternal when the CSPRNG fails, kInvalidArgument for size 0 or > 1024.
Result<Bytes> RandomBytes(std::size_t size);

// GenerateUserHandle: a new opaque user handle (user.id) of 32 random bytes.
// Never derive a user handle from an e-mail address or a user name (§14.6.1).
Result<Bytes> GenerateUserHandle();

// CreationOptionsParams: the inputs of MakeRegistrationOptions.
struct CreationOptionsParams {
  std::string rp_id;    // required: a valid domain string (rp.id)
  std::string rp_name;  // required (rp.name)
  Bytes user_id;        // required: 1..64 bytes, opaque (GenerateUserHandle)
  std::string user_name;          // required (user.name)
  std::string user_display_name;  // empty = user_name
  // algorithms: pubKeyCredParams in order. Empty = SupportedAlgorithms().
  // Every entry must be supported by this build.
  std::vector<CoseAlgorithm> algorithms;
  // exclude_credentials: the user's existing credentials, so the same
  // authenticator is not registered twice.
  std::vector<CredentialDescriptor> exclude_credentials;
  // authenticatorSelection.
  std::optional<Attachment> authenticator_attachment;
  ResidentKeyRequirement resident_key = ResidentKeyRequirement::kRequired;
  UserVerification user_verification = UserVerification::kRequired;
  std::vector<CredentialHint> hints;
  AttestationConveyance attestation = AttestationConveyance::kNone;
  // attestation_formats: attestationFormats, most preferred first; empty =
  // omitted.
  std::vector<std::string> attestation_formats;
  std::uint32_t timeout_ms = 300000;  // 0 = timeout omitted
  // cred_props: request the credProps extension (reports whether the
  // credential is discoverable).
  bool cred_props = true;
  // challenge_size: bytes of CSPRNG output in the challenge (16..64).
  std::size_t challenge_size = 32;
};

// RequestOptionsParams: the inputs of MakeAuthenticationOptions.
struct RequestOptionsParams {
  std::string rp_id;  // required
  // allow_credentials: empty = discoverable credentials (no username).
  std::vector<CredentialDescriptor> allow_credentials;
  UserVerification user_verification = UserVerification::kRequired;
  std::vector<CredentialHint> hints;
  std::uint32_t timeout_ms = 300000;  // 0 = timeout omitted
  std::size_t challenge_size = 32;
};

// GeneratedOptions: the JSON to send and the challenge to remember.
struct GeneratedOptions {
  Bytes challenge;   // raw challenge bytes (also base64url inside json)
  std::string json;  // the *OptionsJSON object, compact, UTF-8
};

// MakeRegistrationOptions / MakeAuthenticationOptions: kInvalidArgument for
// a missing or invalid field (named in the message); kInternal when the
// CSPRNG fails. Thread-safe. Checked: rp_id is lowercase LDH labels ("xn--"
// A-labels for IDNs), ≤ 253 bytes, not an IP address ("localhost" is fine);
// every string is valid UTF-8 (names ≤ 1 KiB, transports and formats ≤ 64
// bytes); ≤ 256 credential descriptors, ids 1..1023 bytes; no hint,
// algorithm or attestation format twice.
Result<GeneratedOptions> MakeRegistrationOptions(
    const CreationOptionsParams& params);
Result<GeneratedOptions> MakeAuthenticationOptions(
    const RequestOptionsParams& params);

// Ceremony: what a stored challenge may be used for.
enum class Ceremony { kRegistration, kAuthentication };

// IssuedChallenge: what ChallengeStore::Take returns.
struct IssuedChallenge {
  Bytes challenge;
  Ceremony ceremony = Ceremony::kRegistration;
  std::string session_id;
  // context: opaque caller data stored with the challenge (e.g. the user
  // handle being registered, or "step-up"). The caller checks it.
  std::string context;
  UnixSeconds expires_at = 0;
};

// ChallengeStore: single-use challenges bound to a ceremony and a session.
// At most one challenge is outstanding per (ceremony, session_id): a new Put
// replaces the old one. Implementations must be thread-safe.
//
// The store may be shared by several server processes (a database or a
// cache such as Redis); the contract is written for that case:
// * Take is atomic across every process sharing the store: of any number of
//   concurrent Takes of one challenge, at most one returns it (e.g. Redis
//   GETDEL or a Lua script, SQL DELETE ... RETURNING). A challenge is never
//   returned twice, whatever fails.
// * Expiry is decided against `now` (the caller's clock, so all processes
//   need roughly synchronised clocks); a store that also expires entries by
//   itself (a TTL in the backend) may answer kChallengeNotFound instead of
//   kChallengeExpired for an expired challenge. Both mean "refuse".
// * kUnavailable: the backend did not answer or failed (connection refused,
//   timeout, I/O error). Nothing can be concluded: a failed Put may not have
//   stored the challenge, a failed Take may still have consumed it. Never
//   report an unreachable backend as kChallengeNotFound (that would read as
//   a replay) or kInternal. InMemoryChallengeStore never returns it.
class ChallengeStore {
 public:
  virtual ~ChallengeStore() = default;
  // Put remembers `challenge` for (ceremony, session_id) until now + ttl.
  // kInvalidArgument as CheckChallengePut decides (every implementation
  // calls it first); kUnavailable when a remote store cannot be reached.
  virtual Status Put(Ceremony ceremony, std::string_view session_id,
                     const Bytes& challenge, std::string_view context,
                     UnixSeconds now) = 0;
  // Take removes and returns the challenge for (ceremony, session_id):
  // kChallengeNotFound when none is outstanding (never issued, already
  // taken, or issued for the other ceremony); kChallengeExpired when it was
  // issued more than ttl ago (it is removed too). Valid through
  // expires_at inclusive: expired when now > issued + ttl. kUnavailable
  // when a remote store cannot be reached.
  virtual Result<IssuedChallenge> Take(Ceremony ceremony,
                                       std::string_view session_id,
                                       UnixSeconds now) = 0;
};

// CheckChallengePut: the argument checks of ChallengeStore::Put, shared by
// every implementation so that all of them refuse the same input (a remote
// store needs them before anything goes over the wire). kInvalidArgument for
// an unknown ceremony, an empty session_id or challenge, a session_id longer
// than 512 bytes, a challenge longer than 1024 or a context longer than 4096.
// The caps bound what one entry may cost the store.
Status CheckChallengePut(Ceremony ceremony, std::string_view session_id,
                         const Bytes& challenge, std::string_view context);

// ChallengeExpiry: issued + ttl_seconds, the last second a challenge is valid
// (Take refuses it when now > this). Saturates at the largest UnixSeconds
// instead of overflowing (callers control `issued`); a negative ttl counts
// as 0.
UnixSeconds ChallengeExpiry(UnixSeconds issued, UnixSeconds ttl_seconds) noexcept;

// InMemoryChallengeStore: a mutex-guarded map. When max_entries is reached,
// expired entries are dropped first, then the oldest. A negative ttl counts
// as 0 and max_entries 0 as 1.
class InMemoryChallengeStore final : public ChallengeStore {
 public:
  static constexpr UnixSeconds kDefaultTtlSeconds = 600;
  static constexpr std::size_t kDefaultMaxEntries = 100000;

  explicit InMemoryChallengeStore(UnixSeconds ttl_seconds = kDefaultTtlSeconds,
                                  std::size_t max_entries = kDefaultMaxEntries);
  ~InMemoryChallengeStore() override;
  InMemoryChallengeStore(const InMemoryChallengeStore&) = delete;
  InMemoryChallengeStore& operator=(const InMemoryChallengeStore&) = delete;

  Status Put(Ceremony ceremony, std::string_view session_id,
             const Bytes& challenge, std::string_view context,
             UnixSeconds now) override;
  Result<IssuedChallenge> Take(Ceremony ceremony, std::string_view session_id,
                               UnixSeconds now) override;
  // size: outstanding entries, expired ones included until dropped.
  std::size_t size() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace passkey

#endif  // PASSKEY_CEREMONY_OPTIONS_H_
