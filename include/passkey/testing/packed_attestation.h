// Test data: packed attestation with an x5c (WebAuthn L3 §8.2, Basic/AttCA),
// and compound attestation (§8.9). NOT for production.
#ifndef PASSKEY_TESTING_PACKED_ATTESTATION_H_
#define PASSKEY_TESTING_PACKED_ATTESTATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>
#include <passkey/types.h>

namespace passkey::testing {

// PackedAttestationParams: the attestation key, its certificate and the
// defects to put in them. Defaults give a valid statement.
struct PackedAttestationParams {
  const TestCa* ca = nullptr;  // issues the attestation certificate; required
  CoseAlgorithm key_algorithm = CoseAlgorithm::kEs256;  // attestation key
  std::string key_seed = "packed-attestation-key";
  CertificateSpec certificate;  // the leaf; its defaults meet §8.2.1
  // aaguid_extension: adds id-fido-gen-ce-aaguid holding these bytes.
  std::optional<Aaguid> aaguid_extension;
  bool aaguid_extension_critical = false;
  // chain: DER certificates appended to x5c after the leaf.
  std::vector<Bytes> chain;
  // alg: the "alg" written (default: key_algorithm).
  std::optional<std::int64_t> alg;
  // edit_signature: applied to "sig" after signing.
  ByteEditor edit_signature;
  // leaf_der: written as x5c[0] instead of the issued certificate.
  std::optional<Bytes> leaf_der;
};

// MakePackedAttestation returns a builder of {alg, sig, x5c} for
// RegistrationParams::attest (set format = "packed").
AttestationBuilder MakePackedAttestation(PackedAttestationParams params);

// CompoundItem: one contained statement of a compound attestation.
struct CompoundItem {
  std::string format;
  AttestationBuilder attest;  // nullptr: the format's empty map ("none")
};

// MakeCompoundAttestation returns a builder of the compound attStmt array
// [{fmt, attStmt}, …] (set format = "compound").
AttestationBuilder MakeCompoundAttestation(std::vector<CompoundItem> items);

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_PACKED_ATTESTATION_H_
