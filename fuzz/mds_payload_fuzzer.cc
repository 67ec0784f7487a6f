// FIDO MDS3 metadata BLOB payload (MetadataBLOBPayload JSON), reached the
// way a real BLOB reaches it: the input is signed at run time as an ES256
// JWS by a signer whose certificate (in x5c) a fresh test root issued, and
// MdsBlob::Verify checks signature and chain before it parses the payload.
// (Seeds are plain payload JSON; the root is made once per process.)
// Invariants: with a valid signature and chain the only possible failure is
// mds_malformed; a verified BLOB passes CheckVerifiedMdsBlob.
#include <string>

#include <passkey/attestation_trust.h>
#include <passkey/mds.h>
#include <passkey/testing/mds_blob_builder.h>
#include <passkey/testing/test_ca.h>

#include "fuzz_check.h"
#include "mds_fuzz_util.h"

namespace {

struct Signing {
  passkey::AttestationTrust trust;
  passkey::testing::MdsBlobSigner signer;
};

const Signing& GetSigning() {
  static const Signing* const kSigning = [] {
    auto root = passkey::testing::TestCa::CreateRoot("passkey fuzz MDS payload root");
    FUZZ_CHECK(root.has_value());
    auto signer = passkey::testing::MdsBlobSigner::Create(*root);
    FUZZ_CHECK(signer.has_value());
    auto* signing = new Signing{passkey::AttestationTrust(), std::move(*signer)};
    FUZZ_CHECK(signing->trust.AddAnchorDer(root->certificate_der()).has_value());
    return signing;
  }();
  return *kSigning;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Signing& signing = GetSigning();
  const passkey::Result<std::string> jwt = signing.signer.Sign(passkey::fuzz::AsText(data, size));
  FUZZ_CHECK(jwt.has_value());
  passkey::MdsVerifyOptions options;
  options.now = passkey::fuzz::kMdsFuzzNow;
  const passkey::Result<passkey::MdsBlob> blob =
      passkey::MdsBlob::Verify(*jwt, signing.trust, options);
  if (!blob.has_value()) {
    FUZZ_CHECK(blob.error().code == passkey::ErrorCode::kMdsMalformed);
    return 0;
  }
  passkey::fuzz::CheckVerifiedMdsBlob(*blob, *jwt, signing.trust, /*check_newer=*/false);
  return 0;
}
