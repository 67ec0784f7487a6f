// A software FIDO2 authenticator plus WebAuthn client, for tests, test-data
// generation and demos. NOT for production: keys live in process memory and
// EC/EdDSA keys are derived from a caller-chosen seed string.
//
// It produces WebAuthn L3 RegistrationResponseJSON / AuthenticationResponseJSON
// text (base64url without padding) exactly as a browser would hand it to a
// relying party, and exposes every building block (client data, authenticator
// data, attestation object) plus hooks so tests can produce deliberately
// defective responses with exactly one defect each.
#ifndef PASSKEY_TESTING_SOFTWARE_AUTHENTICATOR_H_
#define PASSKEY_TESTING_SOFTWARE_AUTHENTICATOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/result.h>
#include <passkey/types.h>

namespace passkey::testing {

// Authenticator data flag bits (WebAuthn L3 §6.1).
inline constexpr std::uint8_t kFlagUp = 0x01;  // user present
inline constexpr std::uint8_t kFlagUv = 0x04;  // user verified
inline constexpr std::uint8_t kFlagBe = 0x08;  // backup eligible
inline constexpr std::uint8_t kFlagBs = 0x10;  // backup state
inline constexpr std::uint8_t kFlagAt = 0x40;  // attested credential data
inline constexpr std::uint8_t kFlagEd = 0x80;  // extension data

// EdCurve: the COSE "crv" of an OKP key (RFC 9053 §7.2).
enum class EdCurve : std::int32_t { kEd25519 = 6, kEd448 = 7 };

// Flags: the user-settable authenticator data flags. AT and ED are derived
// from whether attested credential data / extensions are present.
struct Flags {
  bool user_present = true;     // UP
  bool user_verified = true;    // UV
  bool backup_eligible = false; // BE
  bool backup_state = false;    // BS
};

// FlagsByte returns the flags byte for `flags`, with AT set when
// `attested_data` and ED set when `extensions`.
std::uint8_t FlagsByte(const Flags& flags, bool attested_data,
                       bool extensions) noexcept;

// Sha256 returns SHA-256(data) (e.g. an rpIdHash). Aborts on an OpenSSL
// failure, which only happens when the process is out of memory.
Bytes Sha256(ByteView data);

// ClientDataParams: the members of CollectedClientData (L3 §5.8.1), written
// in this order: type, challenge, origin, crossOrigin, topOrigin,
// tokenBinding.
struct ClientDataParams {
  std::string type;    // "webauthn.create" | "webauthn.get" | anything
  Bytes challenge;     // raw bytes; written as base64url
  std::string origin;
  std::optional<bool> cross_origin = false;  // nullopt: member omitted
  std::optional<std::string> top_origin;     // nullopt: member omitted
  // token_binding_status: when set, adds {"tokenBinding":{"status":…}}.
  std::optional<std::string> token_binding_status;
};

// BuildClientDataJson returns the clientDataJSON text for `params`.
std::string BuildClientDataJson(const ClientDataParams& params);

// AttestedCredentialData: the §6.5.2 structure, with the COSE_Key as bytes.
struct AttestedCredentialData {
  Aaguid aaguid;
  Bytes credential_id;  // its length is written as a big-endian u16
  Bytes cose_key;       // copied verbatim
};

// BuildAuthenticatorData returns rpIdHash ‖ flags ‖ signCount (big-endian)
// ‖ [attested credential data] ‖ [extensions]. The flags byte is written as
// given; it is not reconciled with what follows (that is the caller's job,
// see FlagsByte), so inconsistent data can be built on purpose.
Bytes BuildAuthenticatorData(ByteView rp_id_hash, std::uint8_t flags,
                             std::uint32_t sign_count,
                             const AttestedCredentialData* attested,
                             const Bytes* extensions);

// EncodeAttestationObject returns the CBOR map {"fmt": fmt, "attStmt":
// <att_stmt, a complete CBOR item copied verbatim>, "authData": auth_data}
// in that (CTAP2 canonical) key order.
Bytes EncodeAttestationObject(std::string_view fmt, ByteView att_stmt,
                              ByteView auth_data);

// EmptyCborMap is the one-byte CBOR encoding of {} (the "none" attStmt).
Bytes EmptyCborMap();

// RegistrationParts: a registration response before JSON encoding. Fields
// can be edited before calling RegistrationResponseJson.
struct RegistrationParts {
  Bytes credential_id;
  std::string client_data_json;
  Bytes authenticator_data;  // also inside attestation_object
  Bytes attestation_object;
  std::optional<std::int64_t> public_key_algorithm;  // nullopt: omitted
  Bytes public_key_spki;  // SubjectPublicKeyInfo DER; empty: omitted
  std::vector<std::string> transports;
  std::optional<Attachment> attachment;  // nullopt: omitted
  // id_text / raw_id_text: written verbatim as "id" / "rawId" instead of
  // base64url(credential_id) (for malformed-response data).
  std::optional<std::string> id_text;
  std::optional<std::string> raw_id_text;
};

// RegistrationResponseJson encodes RegistrationResponseJSON (L3 §5.1):
// id, rawId, type "public-key", response {clientDataJSON, attestationObject,
// authenticatorData, publicKeyAlgorithm?, publicKey?, transports},
// authenticatorAttachment?, clientExtensionResults {}.
std::string RegistrationResponseJson(const RegistrationParts& parts);

// AssertionParts: an authentication response before JSON encoding.
struct AssertionParts {
  Bytes credential_id;
  std::string client_data_json;
  Bytes authenticator_data;
  Bytes signature;
  std::optional<Bytes> user_handle;      // nullopt: omitted
  std::optional<Attachment> attachment;  // nullopt: omitted
  std::optional<std::string> id_text;      // see RegistrationParts
  std::optional<std::string> raw_id_text;
};

// AuthenticationResponseJson encodes AuthenticationResponseJSON (L3 §5.1).
std::string AuthenticationResponseJson(const AssertionParts& parts);

// ByteEditor: a hook that edits bytes in place (tamper, truncate, append).
using ByteEditor = std::function<void(Bytes&)>;

class SoftwareAuthenticator;

// AttestationContext: what an attestation statement is made over.
struct AttestationContext {
  ByteView authenticator_data;  // final authData (after edits)
  ByteView client_data_hash;    // SHA-256(clientDataJSON)
  const SoftwareAuthenticator* credential = nullptr;  // key, COSE key, SPKI
};

// AttestationBuilder: returns the complete attStmt CBOR item for a format
// the authenticator does not build itself (packed x5c, fido-u2f, tpm,
// android-key, apple, compound: see <fmt>_attestation.h).
using AttestationBuilder = std::function<Result<Bytes>(const AttestationContext&)>;

// RegistrationParams: one navigator.credentials.create() call. The defaults
// give a well-formed response; every field after `extensions` exists to
// produce negative test data.
struct RegistrationParams {
  std::string rp_id;   // hashed into authData.rpIdHash
  std::string origin;  // clientDataJSON.origin
  Bytes challenge;     // raw challenge bytes
  // format: "none" (attStmt {}), "packed" (self attestation {alg, sig}), or
  // any other name, which is written with an empty attStmt unless `attest`
  // is set.
  std::string format = "none";
  // attest: when set, builds attStmt (format is still written as fmt).
  AttestationBuilder attest;
  Flags flags;
  std::uint32_t sign_count = 0;
  Aaguid aaguid;
  std::optional<Attachment> attachment;
  std::vector<std::string> transports;
  std::optional<bool> cross_origin = false;  // nullopt: member omitted
  std::optional<std::string> top_origin;
  std::optional<std::string> token_binding_status;
  std::optional<std::string> type;  // default "webauthn.create"
  // extensions: a complete CBOR map appended to authData (sets ED).
  std::optional<Bytes> extensions;

  // --- Hooks for negative data ---
  // client_data_json: verbatim clientDataJSON text instead of the built one.
  std::optional<std::string> client_data_json;
  // flags_byte: the exact authData flags byte (AT/ED not derived).
  std::optional<std::uint8_t> flags_byte;
  // cose_key: bytes placed in attested credential data instead of the real
  // key. The JSON then omits publicKey (SPKI), and publicKeyAlgorithm too
  // unless public_key_algorithm is set.
  std::optional<Bytes> cose_key;
  // public_key_algorithm: the response's publicKeyAlgorithm (default: the
  // credential's algorithm, or omitted with cose_key).
  std::optional<std::int64_t> public_key_algorithm;
  // edit_authenticator_data: applied to the built authData before the
  // packed signature is made (so the signature stays valid).
  ByteEditor edit_authenticator_data;
  // packed_alg: the "alg" written in a packed attStmt (default: the
  // credential's algorithm).
  std::optional<std::int64_t> packed_alg;
  // edit_attestation_signature: applied to the packed "sig" after signing.
  ByteEditor edit_attestation_signature;
  // attestation_statement: verbatim CBOR for attStmt instead of the one the
  // format produces.
  std::optional<Bytes> attestation_statement;
  // edit_attestation_object: applied to the encoded attestation object.
  ByteEditor edit_attestation_object;
  std::optional<std::string> id_text;      // see RegistrationParts
  std::optional<std::string> raw_id_text;
};

// AssertionParams: one navigator.credentials.get() call.
struct AssertionParams {
  std::string rp_id;
  std::string origin;
  Bytes challenge;
  Flags flags;
  std::uint32_t sign_count = 0;
  std::optional<Attachment> attachment;
  std::optional<Bytes> user_handle;
  std::optional<bool> cross_origin = false;
  std::optional<std::string> top_origin;
  std::optional<std::string> token_binding_status;
  std::optional<std::string> type;  // default "webauthn.get"
  std::optional<Bytes> extensions;  // CBOR map appended to authData (ED)

  // --- Hooks for negative data (see RegistrationParams) ---
  std::optional<std::string> client_data_json;
  std::optional<std::uint8_t> flags_byte;
  // edit_authenticator_data: applied before signing.
  ByteEditor edit_authenticator_data;
  // edit_signature: applied to the assertion signature after signing.
  ByteEditor edit_signature;
  std::optional<std::string> id_text;
  std::optional<std::string> raw_id_text;
};

// SoftwareAuthenticator: one credential (key pair + credential ID) and the
// operations a FIDO2 authenticator and a browser perform with it.
// Move-only; thread-compatible.
class SoftwareAuthenticator {
 public:
  // Create makes a credential for `alg`. EC (ES256/384/512) and EdDSA keys
  // are derived deterministically from `seed` (kEdDsa means Ed25519, kEd448
  // means Ed448 announced as alg -53). RSA keys (RS*/PS*) cannot be derived
  // with OpenSSL 3.0, so a fresh random 2048-bit key is generated: use
  // CreateFromPem for reproducible RSA credentials. The credential ID is
  // SHA-256("passkey-testing/credential-id/" + seed).
  // Errors: kUnsupportedAlgorithm (alg unknown), kInternal (OpenSSL).
  static Result<SoftwareAuthenticator> Create(CoseAlgorithm alg,
                                              std::string_view seed);

  // CreateEdDsa makes an EdDSA credential announced as alg -8 (kEdDsa) on
  // the given curve: Ed25519 (crv 6) or Ed448 (crv 7).
  static Result<SoftwareAuthenticator> CreateEdDsa(EdCurve curve,
                                                   std::string_view seed);

  // CreateFromPem makes a credential from a PEM private key (PKCS#8 or
  // traditional). The key type must suit `alg` (RSA for RS*/PS*, the
  // matching curve for ES*, Ed25519/Ed448 for kEdDsa, Ed448 for kEd448).
  // The credential ID derives from `seed` as in Create.
  // Errors: kInvalidArgument (bad PEM, key does not suit alg),
  // kUnsupportedAlgorithm, kInternal.
  static Result<SoftwareAuthenticator> CreateFromPem(CoseAlgorithm alg,
                                                     std::string_view pem,
                                                     std::string_view seed);

  // GenerateRsaPrivateKeyPem returns a fresh RSA private key of `bits` bits
  // as PKCS#8 PEM. Errors: kInvalidArgument (bits < 1024), kInternal.
  static Result<std::string> GenerateRsaPrivateKeyPem(int bits);

  SoftwareAuthenticator(SoftwareAuthenticator&&) noexcept;
  SoftwareAuthenticator& operator=(SoftwareAuthenticator&&) noexcept;
  ~SoftwareAuthenticator();

  // algorithm: the COSE algorithm the credential announces.
  CoseAlgorithm algorithm() const noexcept;
  // credential_id: the credential ID written in responses.
  const Bytes& credential_id() const noexcept;
  // set_credential_id replaces the credential ID (e.g. a 1023-byte one).
  void set_credential_id(Bytes id);

  // CosePublicKey returns the COSE_Key (RFC 9052/9053) in CTAP2 canonical
  // key order: EC2 {1:2, 3:alg, -1:crv, -2:x, -3:y}, OKP {1:1, 3:alg,
  // -1:crv, -2:x}, RSA {1:3, 3:alg, -1:n, -2:e}.
  const Bytes& CosePublicKey() const noexcept;
  // PublicKeySpki returns the SubjectPublicKeyInfo DER of the public key.
  const Bytes& PublicKeySpki() const noexcept;
  // PrivateKeyPem returns the private key as PKCS#8 PEM. Errors: kInternal.
  Result<std::string> PrivateKeyPem() const;

  // Sign signs `message` as WebAuthn requires for the credential's alg:
  // ECDSA as a DER Ecdsa-Sig-Value, RSASSA-PKCS1-v1_5, RSASSA-PSS with salt
  // length = hash length, EdDSA raw (pure). ECDSA and PSS signatures are
  // randomized. Errors: kInternal.
  Result<Bytes> Sign(ByteView message) const;

  // MakeCredential builds a registration response for `params` (the
  // authenticator's authenticatorMakeCredential plus the client's work).
  // Errors: kInternal (signing failed).
  Result<RegistrationParts> MakeCredential(
      const RegistrationParams& params) const;
  // MakeCredentialJson is RegistrationResponseJson(MakeCredential(params)).
  Result<std::string> MakeCredentialJson(
      const RegistrationParams& params) const;

  // GetAssertion builds an authentication response: the signature covers
  // authData ‖ SHA-256(clientDataJSON). Errors: kInternal.
  Result<AssertionParts> GetAssertion(const AssertionParams& params) const;
  // GetAssertionJson is AuthenticationResponseJson(GetAssertion(params)).
  Result<std::string> GetAssertionJson(const AssertionParams& params) const;

 private:
  struct Impl;
  explicit SoftwareAuthenticator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_SOFTWARE_AUTHENTICATOR_H_
