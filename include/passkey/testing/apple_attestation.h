// Test-data builder for the apple attestation statement format (WebAuthn L3
// §8.8): a credCert for the credential key carrying the nonce extension
// 1.2.840.113635.100.8.2, issued by a TestCa. NOT for production.
#ifndef PASSKEY_TESTING_APPLE_ATTESTATION_H_
#define PASSKEY_TESTING_APPLE_ATTESTATION_H_

#include <cstdint>
#include <optional>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>

namespace passkey::testing {

// AppleAttestationParams: one apple statement. The defaults give a
// statement that verifies (and chains to `issuer`).
struct AppleAttestationParams {
  // issuer: signs credCert (required; must outlive the builder).
  const TestCa* issuer = nullptr;
  // intermediates: DER certificates written after credCert in x5c.
  std::vector<Bytes> intermediates;
  // leaf: subject, validity, serial, hash of credCert. Its extensions are
  // written before the nonce extension.
  CertificateSpec leaf;

  // nonce: the certified nonce (default SHA-256(authData ‖ clientDataHash)).
  std::optional<Bytes> nonce;
  // omit_nonce_extension: credCert has no nonce extension.
  bool omit_nonce_extension = false;
  // nonce_extension_value: verbatim DER for the extension's value instead of
  // SEQUENCE { [1] EXPLICIT OCTET STRING nonce } (malformed extensions).
  std::optional<Bytes> nonce_extension_value;
  // leaf_key: the key certified by credCert. nullptr (default): the
  // credential itself. Must outlive the builder.
  const SoftwareAuthenticator* leaf_key = nullptr;
  // alg_member: also writes "alg" in attStmt, as iOS 14 / macOS 11 did
  // (not in the §8.8 syntax; the verifier tolerates an integer alg).
  std::optional<std::int64_t> alg_member;
  // extra_member: also writes "sig": h'00' in attStmt (not in the syntax).
  bool extra_member = false;
};

// EncodeAppleNonceExtension returns SEQUENCE { [1] EXPLICIT OCTET STRING
// nonce } in DER.
Bytes EncodeAppleNonceExtension(ByteView nonce);

// MakeAppleAttestation returns a builder for RegistrationParams::attest (use
// with format "apple"). The builder fails with kInvalidArgument when issuer
// is null, or with the TestCa's error.
AttestationBuilder MakeAppleAttestation(AppleAttestationParams params);

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_APPLE_ATTESTATION_H_
