// One valid attestation statement per format, chaining to a given TestCa:
// what the `passkey authenticator` CLI (and any test that just needs "a
// correct <fmt> statement") signs registrations with. NOT for production.
#ifndef PASSKEY_TESTING_STANDARD_ATTESTATION_H_
#define PASSKEY_TESTING_STANDARD_ATTESTATION_H_

#include <string_view>
#include <vector>

#include <passkey/result.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>
#include <passkey/types.h>

namespace passkey::testing {

// StandardAttestationFormats: the formats MakeStandardAttestation builds:
// "none", "packed", "fido-u2f", "tpm", "android-key", "apple".
const std::vector<std::string_view>& StandardAttestationFormats();

// StandardAttestationSupports reports whether a credential of `alg` can be
// attested in `format`: fido-u2f needs an ES256 (P-256) key, tpm an RSA or
// EC2 key (a TPM 2.0 pubArea has no EdDSA), the others take any key the
// SoftwareAuthenticator makes. False for a format not listed above.
bool StandardAttestationSupports(std::string_view format, CoseAlgorithm alg) noexcept;

// MakeStandardAttestation returns the attStmt builder for
// RegistrationParams::attest (set RegistrationParams::format to `format`):
// packed with an x5c (Basic attestation, ES256 attestation key), fido-u2f,
// tpm (ES256 AIK), android-key (credential key certified, TEE-enforced
// purpose SIGN, origin GENERATED; x5c ends with `ca`'s own certificate, as
// Android's chains end with the root) or apple (credCert with the nonce).
// Every certificate is issued directly by `ca`, which must outlive the builder;
// use ca.certificate_pem() as the verifier's trust anchor. "none" returns
// an empty builder (the authenticator writes attStmt {}).
// Errors: kInvalidArgument (unknown format), those of the format builders'
// Create (kInternal).
Result<AttestationBuilder> MakeStandardAttestation(std::string_view format, const TestCa& ca);

}  // namespace passkey::testing

#endif  // PASSKEY_TESTING_STANDARD_ATTESTATION_H_
