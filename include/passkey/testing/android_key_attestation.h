// Test-data builder for the android-key attestation statement format
// (WebAuthn L3 §8.4): a leaf certificate for the credential key carrying an
// Android KeyDescription extension (1.3.6.1.4.1.11129.2.1.17), issued by a
// TestCa, and a signature by the credential key. NOT for production.
#ifndef PASSKEY_TESTING_ANDROID_KEY_ATTESTATION_H_
#define PASSKEY_TESTING_ANDROID_KEY_ATTESTATION_H_

#include <cstdint>
#include <optional>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/options.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>

namespace passkey::testing {

// Keymaster / KeyMint values (keymaster_defs.h, KeyMint AIDL).
inline constexpr std::uint64_t kKmPurposeEncrypt = 0;
inline constexpr std::uint64_t kKmPurposeSign = 2;
inline constexpr std::uint64_t kKmPurposeVerify = 3;
inline constexpr std::uint64_t kKmOriginGenerated = 0;
inline constexpr std::uint64_t kKmOriginImported = 2;

// AndroidAuthorizationList: what the builder writes in one
// AuthorizationList, in schema (ascending tag) order. Besides these, every
// list also carries a few members the verifier skips (algorithm [2],
// digest [5], creationDateTime [701] / rootOfTrust [704], …) so parsers walk
// over realistic content.
struct AndroidAuthorizationList {
  std::vector<std::uint64_t> purpose;   // [1] SET OF INTEGER; empty: omitted
  bool all_applications = false;        // [600] NULL
  std::optional<std::uint64_t> origin;  // [702] INTEGER; nullopt: omitted
};

// AndroidKeyAttestationParams: one android-key statement. The defaults give
// a statement that verifies (and chains to `issuer`).
struct AndroidKeyAttestationParams {
  // issuer: signs the leaf (required; must outlive the builder).
  const TestCa* issuer = nullptr;
  // intermediates: DER certificates written after the leaf in x5c.
  std::vector<Bytes> intermediates;
  // leaf: subject, validity, serial, hash of the leaf certificate. Its
  // extensions are written before the KeyDescription.
  CertificateSpec leaf;

  // attestation_challenge: default clientDataHash.
  std::optional<Bytes> attestation_challenge;
  // software_enforced / tee_enforced: the two authorization lists. Default:
  // purpose {SIGN} and origin GENERATED in teeEnforced, nothing in
  // softwareEnforced (besides the filler members).
  AndroidAuthorizationList software_enforced;
  AndroidAuthorizationList tee_enforced = {{kKmPurposeSign}, false, kKmOriginGenerated};
  // omit_key_description: the leaf has no KeyDescription extension.
  bool omit_key_description = false;
  // key_description_trailing_element: an extra INTEGER after teeEnforced
  // inside the KeyDescription SEQUENCE.
  bool key_description_trailing_element = false;

  // leaf_key: the key certified by the leaf and signing the statement.
  // nullptr (default): the credential itself. Must outlive the builder.
  const SoftwareAuthenticator* leaf_key = nullptr;
  // alg: the "alg" written in attStmt (default: the signer's algorithm).
  std::optional<std::int64_t> alg;
  // edit_signature: applied to "sig" after signing.
  ByteEditor edit_signature;
};

// EncodeAndroidKeyDescription returns the KeyDescription DER for `params`
// with `challenge` as attestationChallenge (the extension's value).
Bytes EncodeAndroidKeyDescription(const AndroidKeyAttestationParams& params, ByteView challenge);

// MakeAndroidKeyAttestation returns a builder for RegistrationParams::attest
// (use with format "android-key"). The builder fails with kInvalidArgument
// when issuer is null, or with the TestCa's/signer's error.
AttestationBuilder MakeAndroidKeyAttestation(AndroidKeyAttestationParams params);

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_ANDROID_KEY_ATTESTATION_H_
