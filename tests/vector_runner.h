// Runs WebAuthn RP conformance vectors (schema webauthn-rp-vectors/v1, see
// ../shared/vectors/SCHEMA.md) against the library: the shared vectors and the
// project's own testdata/generated/*.json (same schema plus `expect.code`).
#ifndef PASSKEY_TESTS_VECTOR_RUNNER_H_
#define PASSKEY_TESTS_VECTOR_RUNNER_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace passkey::test {

// VectorOutcome: what running one vector showed. `detail` says why for kFail
// (expected vs actual) and kSkip (the reason the vector is out of scope); for
// kPass it is empty, or names a known deviation (a vector that disagrees with
// the spec, checked against the code the spec leads to).
struct VectorOutcome {
  enum class Kind { kPass, kFail, kSkip } kind;
  std::string detail;
};

// LoadVectors returns the "vectors" array of the file at `path`. A file that
// cannot be read or does not have that shape yields a single vector holding
// `id` and a `loadError` member, which RunVector reports as kFail, so a broken
// file fails loudly instead of shrinking the suite.
std::vector<nlohmann::json> LoadVectors(const std::string& path);

// RunVector verifies one vector's response with VerifyRegistration or
// VerifyAuthentication under the options the vector describes and compares
// the outcome with its `expect`. Registration vectors get currentTime as
// `now`, trustAnchors as an AttestationTrust with require_trusted_attestation,
// and attestationPolicy's knobs. Vectors that need what cannot exist here
// (ML-DSA before OpenSSL 3.5, network CRLs) are kSkip with the reason.
// Malformed vector data is kFail, never a crash.
// UniqueTestName maps a vector id such as "w3c/none-es256/registration" to a
// gtest name ("w3c_none_es256_registration"); a name already in `taken` gets
// "_2", "_3", … The result is added to `taken`.
std::string UniqueTestName(std::string_view id, std::set<std::string>* taken);

VectorOutcome RunVector(const nlohmann::json& vector);

}  // namespace passkey::test

#endif  // PASSKEY_TESTS_VECTOR_RUNNER_H_
