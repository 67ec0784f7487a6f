// FIDO MDS3 metadata BLOB (MdsBlob::Verify): the whole JWS text, verified
// against the fixed fuzz root (mds_fuzz_util.h) at a fixed time. Mutations
// mostly exercise the JWS shape, header, x5c decoding and the certificate
// path; mds_payload_fuzzer reaches the payload parser with valid signatures.
// Invariants: a failure carries one of the codes mds.h documents for Verify
// (never invalid_argument: now and a root are given; never mds_rollback: no
// last number is given); a verified BLOB passes CheckVerifiedMdsBlob.
#include <passkey/attestation_trust.h>
#include <passkey/mds.h>

#include "fuzz_check.h"
#include "mds_fuzz_util.h"

namespace {

const passkey::AttestationTrust& Root() {
  static const passkey::AttestationTrust* const kTrust = [] {
    auto* trust = new passkey::AttestationTrust();
    FUZZ_CHECK(trust->AddAnchorsPem(passkey::fuzz::kMdsFuzzRootPem).has_value());
    return trust;
  }();
  return *kTrust;
}

bool IsDocumentedCode(passkey::ErrorCode code) {
  using passkey::ErrorCode;
  switch (code) {
    case ErrorCode::kMdsLimitExceeded:
    case ErrorCode::kMdsMalformed:
    case ErrorCode::kUnsupportedAlgorithm:
    case ErrorCode::kCertificateInvalid:
    case ErrorCode::kCertificateExpired:
    case ErrorCode::kCertificateRevoked:
    case ErrorCode::kAlgorithmNotAllowed:
    case ErrorCode::kMdsUntrusted:
    case ErrorCode::kMdsSignatureInvalid:
      return true;
    default:
      return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view jwt = passkey::fuzz::AsText(data, size);
  passkey::MdsVerifyOptions options;
  options.now = passkey::fuzz::kMdsFuzzNow;
  const passkey::Result<passkey::MdsBlob> blob = passkey::MdsBlob::Verify(jwt, Root(), options);
  if (!blob.has_value()) {
    FUZZ_CHECK(IsDocumentedCode(blob.error().code));
    return 0;
  }
  passkey::fuzz::CheckVerifiedMdsBlob(*blob, jwt, Root(), /*check_newer=*/true);
  return 0;
}
