// FIDO MDS3 metadata BLOBs (passkey/mds.h): the sample BLOBs of
// ../shared/fido/mds (read at test time, skipped when absent) and BLOBs our
// own test CA signs for everything else: chain, signature, rollback,
// payload shape, entries, catalog merge order, attestation roots as
// per-AAGUID anchors, and the status policy (alone and in registration).
#include <passkey/mds.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <passkey/passkey.h>
#include <passkey/testing/mds_blob_builder.h>
#include <passkey/testing/packed_attestation.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>

#include "encoding/base64.h"
#include "test_util.h"

namespace passkey {
namespace {

using testing::CrlDistributionPointsExtension;
using testing::MdsBlobOptions;
using testing::MdsBlobSigner;
using testing::MdsPayloadJson;
using testing::MdsTestEntry;
using testing::MdsTestStatusReport;
using testing::TestCa;

constexpr UnixSeconds kNow = 1767225600;  // 2026-01-01T00:00:00Z
constexpr char kAaguidA[] = "0123abcd-4567-89ab-cdef-0123456789ab";
constexpr char kAaguidB[] = "fedcba98-7654-3210-fedc-ba9876543210";
constexpr char kIcon[] = "data:image/png;base64,iVBORw0KGgo=";

Aaguid MustParse(std::string_view text) {
  auto parsed = Aaguid::Parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.has_value() ? *parsed : Aaguid{};
}

UnixSeconds MustTime(const std::string& text) {
  auto parsed = ParseTimestamp(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.has_value() ? *parsed : 0;
}

// --- The shared sample BLOBs --------------------------------------------------

struct SharedMds {
  std::filesystem::path dir;
  nlohmann::json index;
};

std::optional<SharedMds> LoadSharedMds() {
  const auto vectors = test::SharedVectorsDir();
  if (!vectors.has_value()) return std::nullopt;
  const auto dir = std::filesystem::path(*vectors).parent_path() / "fido" / "mds";
  const auto text = test::ReadFile((dir / "index.json").string());
  if (!text.has_value()) return std::nullopt;
  nlohmann::json index = nlohmann::json::parse(*text, nullptr, false);
  if (index.is_discarded()) return std::nullopt;
  return SharedMds{dir, std::move(index)};
}

class SharedMdsBlobTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    shared_ = LoadSharedMds();
    if (!shared_.has_value()) {
      GTEST_SKIP() << "shared MDS samples absent (looked for ../shared/fido/mds/index.json "
                      "next to the shared vectors directory)";
    }
    spec_ = shared_->index["blobs"][GetParam()];
    ASSERT_TRUE(spec_.is_object()) << GetParam();
    const auto jwt = test::ReadFile((shared_->dir / GetParam()).string());
    ASSERT_TRUE(jwt.has_value());
    jwt_ = *jwt;
    for (const auto& check : spec_["checks"]) {
      if (check["name"] == "valid") now_ = MustTime(check["currentTime"].get<std::string>());
    }
    ASSERT_NE(now_, 0);
    const std::string root_name = spec_["trustAnchor"].get<std::string>();
    const auto root = test::ReadFile((shared_->dir / root_name).string());
    ASSERT_TRUE(root.has_value());
    ASSERT_THAT(root_.AddAnchorsPem(*root), IsOk());
    // The wrong root: another sample BLOB's root.
    for (const auto& [name, blob] : shared_->index["blobs"].items()) {
      if (blob["trustAnchor"] != root_name) {
        const auto other = test::ReadFile((shared_->dir / blob["trustAnchor"].get<std::string>()).string());
        ASSERT_TRUE(other.has_value());
        ASSERT_THAT(wrong_root_.AddAnchorsPem(*other), IsOk());
      }
    }
  }

  MdsVerifyOptions Options() const {
    MdsVerifyOptions options;
    options.now = now_;
    return options;
  }

  std::optional<SharedMds> shared_;
  nlohmann::json spec_;
  std::string jwt_;
  UnixSeconds now_ = 0;
  AttestationTrust root_;
  AttestationTrust wrong_root_;
};

TEST_P(SharedMdsBlobTest, VerifiesWithItsRootAtCurrentTime) {
  const Result<MdsBlob> blob = MdsBlob::Verify(jwt_, root_, Options());
  ASSERT_THAT(blob, IsOk());
  const nlohmann::json& payload = spec_["payload"];
  EXPECT_EQ(blob->number(), payload["no"].get<std::uint64_t>());
  EXPECT_EQ(blob->next_update(), payload["nextUpdate"].get<std::string>());
  EXPECT_EQ(blob->entries().size(), payload["entries"].get<std::size_t>());
  const UnixSeconds next_update = MustTime(payload["nextUpdate"].get<std::string>() + "T00:00:00Z");
  EXPECT_EQ(blob->stale(now_), now_ >= next_update);
  // Every AAGUID entry is indexed and carries what the catalog needs.
  std::size_t with_aaguid = 0;
  for (const MdsEntry& entry : blob->entries()) {
    if (!entry.aaguid.has_value()) {
      EXPECT_TRUE(!entry.aaid.empty() || !entry.attestation_certificate_key_identifiers.empty());
      continue;
    }
    ++with_aaguid;
    EXPECT_EQ(blob->Find(*entry.aaguid), &entry);
    EXPECT_FALSE(entry.description.empty());
    EXPECT_EQ(entry.icon.rfind("data:", 0), 0u);
    EXPECT_FALSE(entry.attestation_root_certificates.empty());
    EXPECT_NE(entry.LatestStatusReport(now_), nullptr);
  }
  EXPECT_GT(with_aaguid, 0u);
  EXPECT_EQ(blob->ToCatalog().size(), with_aaguid);
  AttestationTrust anchors;
  EXPECT_THAT(blob->AddAttestationRoots(&anchors), IsOk());
  EXPECT_GE(anchors.anchor_count(), with_aaguid);
}

TEST_P(SharedMdsBlobTest, WrongRootIsUntrusted) {
  EXPECT_THAT(MdsBlob::Verify(jwt_, wrong_root_, Options()), HasError(ErrorCode::kMdsUntrusted));
}

TEST_P(SharedMdsBlobTest, TruncatedSignatureIsMalformed) {
  // The index's mutation: drop the last character (the signature segment is
  // then not valid base64url at all).
  const std::string truncated = jwt_.substr(0, jwt_.find_last_not_of("\r\n"));
  EXPECT_THAT(MdsBlob::Verify(truncated, root_, Options()), HasError(ErrorCode::kMdsMalformed));
}

TEST_P(SharedMdsBlobTest, TamperedSignatureIsInvalid) {
  // Flip one signature bit while keeping the segment valid base64url: the
  // second-to-last character carries six significant bits.
  std::string tampered = jwt_;
  while (tampered.back() == '\n' || tampered.back() == '\r') tampered.pop_back();
  char& c = tampered[tampered.size() - 2];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_THAT(MdsBlob::Verify(tampered, root_, Options()),
              HasError(ErrorCode::kMdsSignatureInvalid));
}

TEST_P(SharedMdsBlobTest, TamperedPayloadFailsSignature) {
  const std::size_t first = jwt_.find('.');
  const std::size_t second = jwt_.find('.', first + 1);
  Result<Bytes> payload = Base64UrlDecode(jwt_.substr(first + 1, second - first - 1));
  ASSERT_THAT(payload, IsOk());
  std::string text(payload->begin(), payload->end());
  const std::string no = "\"no\":";
  const std::size_t at = text.find(no);
  ASSERT_NE(at, std::string::npos);
  text.insert(at + no.size(), "1");  // e.g. "no": 15 -> "no": 115
  const std::string tampered = jwt_.substr(0, first + 1) + Base64UrlEncode(AsBytes(text)) +
                               jwt_.substr(second);
  EXPECT_THAT(MdsBlob::Verify(tampered, root_, Options()),
              HasError(ErrorCode::kMdsSignatureInvalid));
}

TEST_P(SharedMdsBlobTest, OutsideChainValidityIsExpired) {
  const nlohmann::json& window = spec_["chainValidityWindow"];
  MdsVerifyOptions options = Options();
  options.now = MustTime(window[1].get<std::string>()) + 86400;
  EXPECT_THAT(MdsBlob::Verify(jwt_, root_, options), HasError(ErrorCode::kCertificateExpired));
  options.now = MustTime(window[0].get<std::string>()) - 86400;
  EXPECT_THAT(MdsBlob::Verify(jwt_, root_, options), HasError(ErrorCode::kCertificateExpired));
}

TEST_P(SharedMdsBlobTest, RollbackIsRejected) {
  const std::uint64_t no = spec_["payload"]["no"].get<std::uint64_t>();
  MdsVerifyOptions options = Options();
  options.last_number = no;
  EXPECT_THAT(MdsBlob::Verify(jwt_, root_, options), HasError(ErrorCode::kMdsRollback));
  options.last_number = no + 1;
  EXPECT_THAT(MdsBlob::Verify(jwt_, root_, options), HasError(ErrorCode::kMdsRollback));
  options.last_number = no - 1;
  EXPECT_THAT(MdsBlob::Verify(jwt_, root_, options), IsOk());
}

INSTANTIATE_TEST_SUITE_P(Samples, SharedMdsBlobTest,
                         ::testing::Values("example-blob-no15.jwt", "conformance-blob-no42.jwt"),
                         [](const auto& param_info) {
                           return param_info.param.substr(0, param_info.param.find('-'));
                         });

TEST(SharedMdsExampleTest, ExampleBlobIsStaleAndStillVerifies) {
  const auto shared = LoadSharedMds();
  if (!shared.has_value()) GTEST_SKIP() << "shared MDS samples absent";
  const auto jwt = test::ReadFile((shared->dir / "example-blob-no15.jwt").string());
  const auto root = test::ReadFile((shared->dir / "example-mds3-test-root.pem").string());
  ASSERT_TRUE(jwt.has_value() && root.has_value());
  AttestationTrust trust;
  ASSERT_THAT(trust.AddAnchorsPem(*root), IsOk());
  MdsVerifyOptions options;
  options.now = MustTime("2022-01-01T00:00:00Z");
  const Result<MdsBlob> blob = MdsBlob::Verify(*jwt, trust, options);
  ASSERT_THAT(blob, IsOk());
  EXPECT_TRUE(blob->stale(*options.now));
  EXPECT_FALSE(blob->stale(MustTime("2020-03-29T23:59:59Z")));
}

// --- BLOBs signed by our own test CA -----------------------------------------

class MdsBlobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<TestCa> root = TestCa::CreateRoot("passkey test MDS root");
    ASSERT_THAT(root, IsOk());
    root_.emplace(std::move(*root));
    Result<TestCa> intermediate = root_->CreateIntermediate("passkey test MDS CA");
    ASSERT_THAT(intermediate, IsOk());
    intermediate_.emplace(std::move(*intermediate));
    Result<TestCa> attestation_root = TestCa::CreateRoot("passkey test attestation root");
    ASSERT_THAT(attestation_root, IsOk());
    attestation_root_.emplace(std::move(*attestation_root));
    signer_ = Signer({});
    ASSERT_TRUE(signer_.has_value());
    ASSERT_THAT(trust_.AddAnchorDer(root_->certificate_der()), IsOk());
  }

  std::optional<MdsBlobSigner> Signer(MdsBlobOptions options) const {
    if (options.extra_certificates.empty()) {
      options.extra_certificates = {intermediate_->certificate_der()};
    }
    Result<MdsBlobSigner> signer = MdsBlobSigner::Create(*intermediate_, std::move(options));
    EXPECT_THAT(signer, IsOk());
    if (!signer.has_value()) return std::nullopt;
    return std::move(*signer);
  }

  MdsVerifyOptions Options() const {
    MdsVerifyOptions options;
    options.now = kNow;
    return options;
  }

  Result<MdsBlob> VerifyPayload(const std::string& payload) const {
    Result<std::string> jwt = signer_->Sign(payload);
    if (!jwt.has_value()) return Unexpected(jwt.error());
    return MdsBlob::Verify(*jwt, trust_, Options());
  }

  static MdsTestEntry Entry(const std::string& aaguid, const std::string& description) {
    MdsTestEntry entry;
    entry.aaguid = aaguid;
    entry.description = description;
    entry.icon = kIcon;
    return entry;
  }

  // WithStatuses: a BLOB whose entry for kAaguidA has these reports.
  Result<MdsBlob> WithStatuses(std::vector<MdsTestStatusReport> reports) const {
    MdsTestEntry entry = Entry(kAaguidA, "Model A");
    entry.status_reports = std::move(reports);
    return VerifyPayload(MdsPayloadJson(7, "2026-02-01", {entry}));
  }

  std::optional<TestCa> root_;
  std::optional<TestCa> intermediate_;
  std::optional<TestCa> attestation_root_;
  std::optional<MdsBlobSigner> signer_;
  AttestationTrust trust_;
};

TEST_F(MdsBlobTest, VerifiesAndIndexesEntries) {
  MdsTestEntry uaf;
  uaf.aaid = "1234#5678";
  uaf.description = "UAF model";
  const Result<MdsBlob> blob = VerifyPayload(
      MdsPayloadJson(7, "2026-02-01", {Entry(kAaguidA, "Model A"), uaf, Entry(kAaguidB, "B")}));
  ASSERT_THAT(blob, IsOk());
  EXPECT_EQ(blob->number(), 7u);
  EXPECT_EQ(blob->next_update(), "2026-02-01");
  EXPECT_EQ(blob->legal_header(), "passkey test metadata");
  EXPECT_FALSE(blob->stale(kNow));
  EXPECT_TRUE(blob->stale(MustTime("2026-02-01T00:00:00Z")));
  ASSERT_EQ(blob->entries().size(), 3u);
  EXPECT_FALSE(blob->entries()[1].aaguid.has_value());
  EXPECT_EQ(blob->entries()[1].aaid, "1234#5678");
  const MdsEntry* a = blob->Find(MustParse(kAaguidA));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->description, "Model A");
  EXPECT_EQ(a->icon, kIcon);
  ASSERT_EQ(a->status_reports.size(), 1u);
  EXPECT_EQ(a->status_reports[0].status, "FIDO_CERTIFIED_L1");
  EXPECT_EQ(a->status_reports[0].effective_date, "2024-01-01");
  EXPECT_EQ(blob->Find(MustParse("00000000-0000-0000-0000-000000000001")), nullptr);
  // Upper-case AAGUIDs in the payload name the same model.
  const Result<MdsBlob> upper =
      VerifyPayload(MdsPayloadJson(8, "2026-02-01", {Entry("0123ABCD-4567-89AB-CDEF-0123456789AB", "A")}));
  ASSERT_THAT(upper, IsOk());
  EXPECT_NE(upper->Find(MustParse(kAaguidA)), nullptr);
}

TEST_F(MdsBlobTest, RsaAndPssSignersVerify) {
  for (CoseAlgorithm alg : {CoseAlgorithm::kRs256, CoseAlgorithm::kPs256, CoseAlgorithm::kEs384}) {
    MdsBlobOptions options;
    options.key_algorithm = alg;
    const std::optional<MdsBlobSigner> signer = Signer(std::move(options));
    ASSERT_TRUE(signer.has_value());
    const Result<std::string> jwt = signer->Sign(MdsPayloadJson(1, "2026-02-01", {}));
    ASSERT_THAT(jwt, IsOk());
    EXPECT_THAT(MdsBlob::Verify(*jwt, trust_, Options()), IsOk()) << static_cast<int>(alg);
  }
}

TEST_F(MdsBlobTest, WithoutX5cTheRootSigns) {
  // "If that attribute is missing as well, Metadata BLOB signing trust
  // anchor is considered the BLOB signing certificate chain."
  MdsBlobOptions options;
  options.omit_x5c = true;
  const std::optional<MdsBlobSigner> signer = Signer(std::move(options));
  ASSERT_TRUE(signer.has_value());
  const Result<std::string> jwt = signer->Sign(MdsPayloadJson(1, "2026-02-01", {}));
  ASSERT_THAT(jwt, IsOk());
  AttestationTrust signer_as_root;
  ASSERT_THAT(signer_as_root.AddAnchorDer(signer->certificate_der()), IsOk());
  EXPECT_THAT(MdsBlob::Verify(*jwt, signer_as_root, Options()), IsOk());
  // The real root did not sign it.
  EXPECT_THAT(MdsBlob::Verify(*jwt, trust_, Options()),
              HasError(ErrorCode::kMdsSignatureInvalid));
}

TEST_F(MdsBlobTest, ChainAndSignatureFailures) {
  const std::string payload = MdsPayloadJson(1, "2026-02-01", {});
  // Wrong root.
  Result<TestCa> other = TestCa::CreateRoot("passkey test other MDS root");
  ASSERT_THAT(other, IsOk());
  AttestationTrust wrong;
  ASSERT_THAT(wrong.AddAnchorDer(other->certificate_der()), IsOk());
  const Result<std::string> jwt = signer_->Sign(payload);
  ASSERT_THAT(jwt, IsOk());
  EXPECT_THAT(MdsBlob::Verify(*jwt, wrong, Options()), HasError(ErrorCode::kMdsUntrusted));
  // Expired chain (the test certificates end in 2040).
  MdsVerifyOptions late = Options();
  late.now = MustTime("2041-01-01T00:00:00Z");
  EXPECT_THAT(MdsBlob::Verify(*jwt, trust_, late), HasError(ErrorCode::kCertificateExpired));
  // Revoked signer (CRL of the intermediate).
  Result<Bytes> crl = intermediate_->IssueCrl({testing::MdsSignerSpec().serial});
  ASSERT_THAT(crl, IsOk());
  AttestationTrust with_crl;
  ASSERT_THAT(with_crl.AddAnchorDer(root_->certificate_der()), IsOk());
  ASSERT_THAT(with_crl.AddCrlDer(*crl), IsOk());
  EXPECT_THAT(MdsBlob::Verify(*jwt, with_crl, Options()), HasError(ErrorCode::kCertificateRevoked));
  // Tampered signature.
  MdsBlobOptions tampered;
  tampered.tamper_signature = true;
  const std::optional<MdsBlobSigner> bad = Signer(std::move(tampered));
  ASSERT_TRUE(bad.has_value());
  const Result<std::string> bad_jwt = bad->Sign(payload);
  ASSERT_THAT(bad_jwt, IsOk());
  EXPECT_THAT(MdsBlob::Verify(*bad_jwt, trust_, Options()),
              HasError(ErrorCode::kMdsSignatureInvalid));
  // Unsigned ("none") and unknown algorithms.
  MdsBlobOptions none;
  none.jws_alg = "none";
  const Result<std::string> none_jwt = Signer(std::move(none))->Sign(payload);
  ASSERT_THAT(none_jwt, IsOk());
  EXPECT_THAT(MdsBlob::Verify(*none_jwt, trust_, Options()), HasError(ErrorCode::kMdsMalformed));
  MdsBlobOptions unknown;
  unknown.jws_alg = "XX999";
  const Result<std::string> unknown_jwt = Signer(std::move(unknown))->Sign(payload);
  ASSERT_THAT(unknown_jwt, IsOk());
  EXPECT_THAT(MdsBlob::Verify(*unknown_jwt, trust_, Options()),
              HasError(ErrorCode::kUnsupportedAlgorithm));
}

TEST_F(MdsBlobTest, RevocationCheckedOnlyWhenEveryIssuerHasACrl) {
  const Result<std::string> jwt = signer_->Sign(MdsPayloadJson(1, "2026-02-01", {}));
  ASSERT_THAT(jwt, IsOk());
  const Result<MdsBlob> unchecked = MdsBlob::Verify(*jwt, trust_, Options());
  ASSERT_THAT(unchecked, IsOk());
  EXPECT_FALSE(unchecked->revocation_checked());
  const Result<Bytes> signer_crl = intermediate_->IssueCrl({});
  const Result<Bytes> intermediate_crl = root_->IssueCrl({});
  ASSERT_THAT(signer_crl, IsOk());
  ASSERT_THAT(intermediate_crl, IsOk());
  AttestationTrust half;
  ASSERT_THAT(half.AddAnchorDer(root_->certificate_der()), IsOk());
  ASSERT_THAT(half.AddCrlDer(*signer_crl), IsOk());
  const Result<MdsBlob> partly = MdsBlob::Verify(*jwt, half, Options());
  ASSERT_THAT(partly, IsOk());
  EXPECT_FALSE(partly->revocation_checked());
  ASSERT_THAT(half.AddCrlDer(*intermediate_crl), IsOk());
  const Result<MdsBlob> checked = MdsBlob::Verify(*jwt, half, Options());
  ASSERT_THAT(checked, IsOk());
  EXPECT_TRUE(checked->revocation_checked());
}

TEST_F(MdsBlobTest, RequireRevocationCheckNeedsACrlForEveryDistributionPoint) {
  MdsBlobOptions with_cdp;
  with_cdp.signer.extensions.push_back(
      CrlDistributionPointsExtension("http://crl.example.org/mds-intermediate.crl"));
  const std::optional<MdsBlobSigner> signer = Signer(std::move(with_cdp));
  ASSERT_TRUE(signer.has_value());
  const Result<std::string> jwt = signer->Sign(MdsPayloadJson(1, "2026-02-01", {}));
  ASSERT_THAT(jwt, IsOk());
  MdsVerifyOptions strict = Options();
  strict.require_revocation_check = true;
  EXPECT_THAT(MdsBlob::Verify(*jwt, trust_, strict), HasError(ErrorCode::kCertificateInvalid));
  // Without the requirement: verified, revocation not checked.
  const Result<MdsBlob> lax = MdsBlob::Verify(*jwt, trust_, Options());
  ASSERT_THAT(lax, IsOk());
  EXPECT_FALSE(lax->revocation_checked());
  // The intermediate's CRL covers the signer (the intermediate names no
  // distribution point, so it needs none).
  const Result<Bytes> crl = intermediate_->IssueCrl({});
  ASSERT_THAT(crl, IsOk());
  AttestationTrust covered;
  ASSERT_THAT(covered.AddAnchorDer(root_->certificate_der()), IsOk());
  ASSERT_THAT(covered.AddCrlDer(*crl), IsOk());
  EXPECT_THAT(MdsBlob::Verify(*jwt, covered, strict), IsOk());
  // A chain without distribution points passes the requirement as is.
  const Result<std::string> plain = signer_->Sign(MdsPayloadJson(1, "2026-02-01", {}));
  ASSERT_THAT(plain, IsOk());
  EXPECT_THAT(MdsBlob::Verify(*plain, trust_, strict), IsOk());
}

TEST_F(MdsBlobTest, CallerMistakes) {
  const Result<std::string> jwt = signer_->Sign(MdsPayloadJson(1, "2026-02-01", {}));
  ASSERT_THAT(jwt, IsOk());
  EXPECT_THAT(MdsBlob::Verify(*jwt, trust_, MdsVerifyOptions{}),
              HasError(ErrorCode::kInvalidArgument));
  AttestationTrust empty;
  EXPECT_THAT(MdsBlob::Verify(*jwt, empty, Options()), HasError(ErrorCode::kInvalidArgument));
  // A trailing newline (as downloaded) is fine.
  EXPECT_THAT(MdsBlob::Verify(*jwt + "\n", trust_, Options()), IsOk());
}

TEST_F(MdsBlobTest, RollbackNeedsAGreaterNumber) {
  const Result<std::string> jwt = signer_->Sign(MdsPayloadJson(7, "2026-02-01", {}));
  ASSERT_THAT(jwt, IsOk());
  MdsVerifyOptions options = Options();
  options.last_number = 7;
  EXPECT_THAT(MdsBlob::Verify(*jwt, trust_, options), HasError(ErrorCode::kMdsRollback));
  options.last_number = 6;
  EXPECT_THAT(MdsBlob::Verify(*jwt, trust_, options), IsOk());
}

TEST_F(MdsBlobTest, MalformedJwsAndSizeCap) {
  for (const std::string text : {"", "abc", "a.b", "a.b.c.d", "..", "e30.e30.", "e30..AA"}) {
    EXPECT_THAT(MdsBlob::Verify(text, trust_, Options()), HasError(ErrorCode::kMdsMalformed))
        << text;
  }
  const std::string huge(16 * 1024 * 1024 + 1, 'A');
  EXPECT_THAT(MdsBlob::Verify(huge, trust_, Options()), HasError(ErrorCode::kMdsLimitExceeded));
}

TEST_F(MdsBlobTest, MalformedPayloadsHaveExactCodes) {
  const std::string good_entry =
      R"({"aaguid":"0123abcd-4567-89ab-cdef-0123456789ab","statusReports":[]})";
  const std::vector<std::string> bad = {
      R"([])",                                                          // not an object
      R"({"nextUpdate":"2026-02-01","entries":[]})",                    // missing no
      R"({"no":"7","nextUpdate":"2026-02-01","entries":[]})",           // no is a string
      R"({"no":-1,"nextUpdate":"2026-02-01","entries":[]})",            // negative no
      R"({"no":1.5,"nextUpdate":"2026-02-01","entries":[]})",           // fractional no
      R"({"no":7,"entries":[]})",                                       // missing nextUpdate
      R"({"no":7,"nextUpdate":"next week","entries":[]})",              // bad date
      R"({"no":7,"nextUpdate":"2026-02-30","entries":[]})",             // impossible date
      R"({"no":7,"nextUpdate":20260201,"entries":[]})",                 // date not a string
      R"({"no":7,"nextUpdate":"2026-02-01"})",                          // missing entries
      R"({"no":7,"nextUpdate":"2026-02-01","entries":{}})",             // entries not an array
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[1]})",            // entry not an object
      R"({"no":7,"nextUpdate":"2026-02-01","legalHeader":1,"entries":[]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"aaguid":"not-a-uuid","statusReports":[]}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"aaguid":42,"statusReports":[]}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"aaguid":"0123abcd456789abcdef0123456789ab","statusReports":[]}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"aaguid":"0123abcd-4567-89ab-cdef-0123456789ab"}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"aaguid":"0123abcd-4567-89ab-cdef-0123456789ab","statusReports":{}}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"statusReports":[{"effectiveDate":"2024-01-01"}]}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"statusReports":[{"status":1}]}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"statusReports":[{"status":"REVOKED","effectiveDate":"yesterday"}]}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"statusReports":[],"metadataStatement":[]}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"statusReports":[],"metadataStatement":{"description":5}}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"statusReports":[],"metadataStatement":{"icon":"https://example.com/i.png"}}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"statusReports":[],"metadataStatement":{"attestationRootCertificates":"MII="}}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"statusReports":[],"metadataStatement":{"attestationRootCertificates":["not base64!"]}}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"statusReports":[],"metadataStatement":{"attestationRootCertificates":["AAAA"]}}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"statusReports":[],"attestationCertificateKeyIdentifiers":[1]}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[{"aaguid":"0123abcd-4567-89ab-cdef-0123456789ab","statusReports":[],"metadataStatement":{"aaguid":"fedcba98-7654-3210-fedc-ba9876543210"}}]})",
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[)" + good_entry + "," + good_entry + "]}",
      R"({"no":7,"no":8,"nextUpdate":"2026-02-01","entries":[]})",      // duplicate key
      R"({"no":7,"nextUpdate":"2026-02-01","entries":[]} trailing)",
  };
  for (const std::string& payload : bad) {
    EXPECT_THAT(VerifyPayload(payload), HasError(ErrorCode::kMdsMalformed)) << payload;
  }
  // Unknown members are tolerated.
  EXPECT_THAT(VerifyPayload(R"({"no":7,"nextUpdate":"2026-02-01","future":{"x":[1]},"entries":[)" +
                            good_entry + "]}"),
              IsOk());
  // Nesting beyond the cap.
  std::string deep = R"({"no":7,"nextUpdate":"2026-02-01","entries":[],"x":)";
  for (int i = 0; i < 20; ++i) deep += "[";
  for (int i = 0; i < 20; ++i) deep += "]";
  deep += "}";
  EXPECT_THAT(VerifyPayload(deep), HasError(ErrorCode::kMdsMalformed));
}

TEST_F(MdsBlobTest, NumberMustBeAnUnsigned64BitInteger) {
  const auto payload = [](const std::string& no) {
    return R"({"no":)" + no + R"(,"nextUpdate":"2026-02-01","entries":[]})";
  };
  const Result<MdsBlob> zero = VerifyPayload(payload("0"));
  ASSERT_THAT(zero, IsOk());
  EXPECT_EQ(zero->number(), 0u);
  const Result<MdsBlob> max = VerifyPayload(payload("18446744073709551615"));
  ASSERT_THAT(max, IsOk());
  EXPECT_EQ(max->number(), UINT64_MAX);
  for (const char* no : {"18446744073709551616", "-1", "-9223372036854775809", "1e2", "7.0",
                         "7.0000000000000001", "1e400", "\"7\"", "null"}) {
    EXPECT_THAT(VerifyPayload(payload(no)), HasError(ErrorCode::kMdsMalformed)) << no;
  }
}

TEST_F(MdsBlobTest, PayloadDepthIsBounded) {
  // The payload object plus 15 arrays reach the payload cap (16); one more,
  // 65 or a million levels are refused.
  const auto nested = [](std::size_t depth) {
    return R"({"no":7,"nextUpdate":"2026-02-01","entries":[],"x":)" + std::string(depth, '[') +
           std::string(depth, ']') + "}";
  };
  EXPECT_THAT(VerifyPayload(nested(15)), IsOk());
  for (std::size_t depth : {16u, 64u, 1000000u}) {
    EXPECT_THAT(VerifyPayload(nested(depth)), HasError(ErrorCode::kMdsMalformed)) << depth;
  }
}

TEST_F(MdsBlobTest, HeaderDepthIsBounded) {
  // The header is parsed before the signature is checked: within the header
  // cap (4) the bogus signature is what fails; deeper, the header.
  const auto jwt = [](std::size_t depth) {
    const std::string header = R"({"alg":"ES256","x":)" + std::string(depth, '[') +
                               std::string(depth, ']') + "}";
    return Base64UrlEncode(AsBytes(header)) + "." +
           Base64UrlEncode(AsBytes(MdsPayloadJson(7, "2026-02-01", {}))) + "." +
           Base64UrlEncode(Bytes(64, 0x01));
  };
  EXPECT_THAT(MdsBlob::Verify(jwt(3), trust_, Options()),
              HasError(ErrorCode::kMdsSignatureInvalid));
  for (std::size_t depth : {4u, 64u, 1000000u}) {
    EXPECT_THAT(MdsBlob::Verify(jwt(depth), trust_, Options()), HasError(ErrorCode::kMdsMalformed))
        << depth;
  }
}

TEST_F(MdsBlobTest, FifteenMegabyteNestedBlobIsRefused) {
  // A correctly signed 15 MB BLOB whose payload is nothing but nested
  // arrays: refused by the depth scan before nlohmann parses it (time and
  // peak memory are measured by hand through the CLI, not asserted here).
  const std::size_t depth = 15 * 1000 * 1000 / 4 * 3 / 2;  // payload → ~15 MB of base64url
  const Result<std::string> jwt =
      signer_->Sign(std::string(depth, '[') + std::string(depth, ']'));
  ASSERT_THAT(jwt, IsOk());
  ASSERT_GE(jwt->size(), 15u * 1000 * 1000);
  ASSERT_LE(jwt->size(), 16u * 1024 * 1024);
  EXPECT_THAT(MdsBlob::Verify(*jwt, trust_, Options()), HasError(ErrorCode::kMdsMalformed));
}

TEST_F(MdsBlobTest, CatalogMergeOrderIsEmbeddedThenCatalogsThenMds) {
  const std::string icloud = "fbfc3007-154e-4ecc-8c0b-6e020557d7bd";
  const std::string only_catalog = "11111111-2222-3333-4444-555555555555";
  const Result<MdsBlob> blob =
      VerifyPayload(MdsPayloadJson(7, "2026-02-01", {Entry(icloud, "From MDS"), Entry(kAaguidA, "A")}));
  ASSERT_THAT(blob, IsOk());
  const Result<AaguidCatalog> file = AaguidCatalog::FromJson(
      R"({")" + icloud + R"(": {"name": "From catalog"}, ")" + only_catalog +
      R"(": {"name": "Only in catalog"}})");
  ASSERT_THAT(file, IsOk());
  AaguidCatalog merged = AaguidCatalog::Embedded();
  ASSERT_NE(merged.Find(MustParse(icloud)), nullptr);
  EXPECT_EQ(merged.Find(MustParse(icloud))->name, "iCloud Keychain");
  merged.Merge(*file);
  EXPECT_EQ(merged.Find(MustParse(icloud))->name, "From catalog");
  merged.Merge(blob->ToCatalog());
  const AuthenticatorInfo* info = merged.Find(MustParse(icloud));
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->name, "From MDS");
  EXPECT_EQ(info->icon_light, kIcon);
  EXPECT_EQ(info->icon_dark, kIcon);
  ASSERT_NE(merged.Find(MustParse(only_catalog)), nullptr);
  EXPECT_EQ(merged.Find(MustParse(only_catalog))->name, "Only in catalog");
  ASSERT_NE(merged.Find(MustParse(kAaguidA)), nullptr);
  // Add refuses what Find could never return.
  EXPECT_THAT(merged.Add(Aaguid{}, AuthenticatorInfo{"x", "", ""}),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(merged.Add(MustParse(kAaguidB), AuthenticatorInfo{}),
              HasError(ErrorCode::kInvalidArgument));
}

// --- Status policy ---------------------------------------------------------------

class MdsStatusPolicyTest : public MdsBlobTest,
                            public ::testing::WithParamInterface<std::string> {};

TEST_P(MdsStatusPolicyTest, LatestCompromiseIsRejected) {
  const Result<MdsBlob> blob =
      WithStatuses({{"FIDO_CERTIFIED_L1", "2023-01-01"}, {GetParam(), "2024-06-01"}});
  ASSERT_THAT(blob, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*blob, MustParse(kAaguidA), kNow),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
  // Other models are not affected.
  EXPECT_THAT(CheckAuthenticatorStatus(*blob, MustParse(kAaguidB), kNow), IsOk());
}

TEST_P(MdsStatusPolicyTest, LaterCertificationSupersedesCompromise) {
  const Result<MdsBlob> blob =
      WithStatuses({{GetParam(), "2023-01-01"}, {"FIDO_CERTIFIED", "2024-06-01"}});
  ASSERT_THAT(blob, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*blob, MustParse(kAaguidA), kNow), IsOk());
  // The latest is by effectiveDate, not by position.
  const Result<MdsBlob> reordered =
      WithStatuses({{"FIDO_CERTIFIED", "2024-06-01"}, {GetParam(), "2023-01-01"}});
  ASSERT_THAT(reordered, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*reordered, MustParse(kAaguidA), kNow), IsOk());
  const Result<MdsBlob> newer =
      WithStatuses({{GetParam(), "2025-01-01"}, {"FIDO_CERTIFIED", "2024-06-01"}});
  ASSERT_THAT(newer, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*newer, MustParse(kAaguidA), kNow),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
}

INSTANTIATE_TEST_SUITE_P(Statuses, MdsStatusPolicyTest,
                         ::testing::Values("USER_VERIFICATION_BYPASS",
                                           "ATTESTATION_KEY_COMPROMISE",
                                           "USER_KEY_REMOTE_COMPROMISE",
                                           "USER_KEY_PHYSICAL_COMPROMISE", "REVOKED"));

TEST_F(MdsBlobTest, NonCompromiseStatusesPass) {
  for (const char* status : {"NOT_FIDO_CERTIFIED", "SELF_ASSERTION_SUBMITTED", "UPDATE_AVAILABLE",
                             "FIDO_CERTIFIED_L3plus"}) {
    const Result<MdsBlob> blob = WithStatuses({{status, "2024-06-01"}});
    ASSERT_THAT(blob, IsOk());
    EXPECT_THAT(CheckAuthenticatorStatus(*blob, MustParse(kAaguidA), kNow), IsOk()) << status;
  }
  const Result<MdsBlob> none = WithStatuses({});
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*none, MustParse(kAaguidA), kNow), IsOk());
  // An undated report that is not a compromise changes nothing.
  const Result<MdsBlob> undated =
      WithStatuses({{"FIDO_CERTIFIED", ""}, {"UPDATE_AVAILABLE", "2024-06-01"}});
  ASSERT_THAT(undated, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*undated, MustParse(kAaguidA), kNow), IsOk());
}

// The policy rules (mds.h CheckAuthenticatorStatus), one test each, for every
// compromise status. kNow is 2026-01-01T00:00:00Z.

TEST_P(MdsStatusPolicyTest, ReportsDatedAfterNowAreIgnored) {
  const Aaguid a = MustParse(kAaguidA);
  // A compromise that takes effect tomorrow does not count yet; today's does
  // (a date takes effect at 00:00:00Z).
  const Result<MdsBlob> tomorrow =
      WithStatuses({{"FIDO_CERTIFIED_L1", "2023-01-01"}, {GetParam(), "2026-01-02"}});
  ASSERT_THAT(tomorrow, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*tomorrow, a, kNow), IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*tomorrow, a, MustTime("2026-01-02T00:00:00Z")),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
  const Result<MdsBlob> today =
      WithStatuses({{"FIDO_CERTIFIED_L1", "2023-01-01"}, {GetParam(), "2026-01-01"}});
  ASSERT_THAT(today, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*today, a, kNow),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
  // Nor does a certification dated after now clear a compromise in effect.
  const Result<MdsBlob> future_fix =
      WithStatuses({{GetParam(), "2024-06-01"}, {"FIDO_CERTIFIED_L2", "2026-03-01"}});
  ASSERT_THAT(future_fix, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*future_fix, a, kNow),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
  EXPECT_THAT(CheckAuthenticatorStatus(*future_fix, a, MustTime("2026-03-01T00:00:00Z")), IsOk());
  EXPECT_EQ(future_fix->Find(a)->LatestStatusReport(kNow)->status, GetParam());
  EXPECT_EQ(future_fix->Find(a)->LatestStatusReport(MustTime("2026-03-01T00:00:00Z"))->status,
            "FIDO_CERTIFIED_L2");
}

TEST_P(MdsStatusPolicyTest, OnlyALaterCertificationClearsACompromise) {
  const Aaguid a = MustParse(kAaguidA);
  for (const char* later : {"UPDATE_AVAILABLE", "NOT_FIDO_CERTIFIED", "SELF_ASSERTION_SUBMITTED",
                            "REVOKED", "USER_VERIFICATION_BYPASS"}) {
    const Result<MdsBlob> blob = WithStatuses({{GetParam(), "2024-06-01"}, {later, "2025-01-01"}});
    ASSERT_THAT(blob, IsOk());
    EXPECT_THAT(CheckAuthenticatorStatus(*blob, a, kNow),
                HasError(ErrorCode::kAuthenticatorStatusCompromised))
        << later;
    // The latest report is the later one, but the compromise still stands.
    EXPECT_EQ(blob->Find(a)->LatestStatusReport(kNow)->status, later);
  }
  for (const char* later : {"FIDO_CERTIFIED", "FIDO_CERTIFIED_L1", "FIDO_CERTIFIED_L3plus"}) {
    const Result<MdsBlob> blob = WithStatuses(
        {{GetParam(), "2024-06-01"}, {later, "2025-01-01"}, {"UPDATE_AVAILABLE", "2025-06-01"}});
    ASSERT_THAT(blob, IsOk());
    EXPECT_THAT(CheckAuthenticatorStatus(*blob, a, kNow), IsOk()) << later;
  }
  // A certification before the compromise does not clear it; the latest
  // compromise is the one that must be cleared.
  const Result<MdsBlob> again = WithStatuses({{"FIDO_CERTIFIED", "2025-01-01"},
                                              {GetParam(), "2023-01-01"},
                                              {GetParam(), "2025-06-01"}});
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*again, a, kNow),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
}

TEST_P(MdsStatusPolicyTest, OnTheSameDateTheWorstWins) {
  const Aaguid a = MustParse(kAaguidA);
  const std::vector<MdsTestStatusReport> same_day = {{"FIDO_CERTIFIED_L1", "2025-01-01"},
                                                     {GetParam(), "2025-01-01"},
                                                     {"UPDATE_AVAILABLE", "2025-01-01"}};
  // Every order of the three reports.
  std::vector<std::size_t> order = {0, 1, 2};
  do {
    std::vector<MdsTestStatusReport> reports = {{"FIDO_CERTIFIED", "2023-01-01"}};
    for (std::size_t i : order) reports.push_back(same_day[i]);
    const Result<MdsBlob> blob = WithStatuses(reports);
    ASSERT_THAT(blob, IsOk());
    EXPECT_THAT(CheckAuthenticatorStatus(*blob, a, kNow),
                HasError(ErrorCode::kAuthenticatorStatusCompromised));
    EXPECT_EQ(blob->Find(a)->LatestStatusReport(kNow)->status, GetParam());
  } while (std::next_permutation(order.begin(), order.end()));
  // Without the compromise, UPDATE_AVAILABLE is worse than FIDO_CERTIFIED.
  for (const auto& reports : {std::vector<MdsTestStatusReport>{same_day[0], same_day[2]},
                              std::vector<MdsTestStatusReport>{same_day[2], same_day[0]}}) {
    const Result<MdsBlob> blob = WithStatuses(reports);
    ASSERT_THAT(blob, IsOk());
    EXPECT_EQ(blob->Find(a)->LatestStatusReport(kNow)->status, "UPDATE_AVAILABLE");
    EXPECT_THAT(CheckAuthenticatorStatus(*blob, a, kNow), IsOk());
  }
}

TEST_P(MdsStatusPolicyTest, UndatedCompromiseIsNeverCleared) {
  const Result<MdsBlob> blob =
      WithStatuses({{GetParam(), ""}, {"FIDO_CERTIFIED_L2", "2025-01-01"}});
  ASSERT_THAT(blob, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*blob, MustParse(kAaguidA), kNow),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
  // Entries built by hand: an effectiveDate that is not a date is as good
  // as none.
  MdsEntry entry;
  entry.aaguid = MustParse(kAaguidA);
  entry.status_reports = {{GetParam(), "June 2024"}, {"FIDO_CERTIFIED", "2025-01-01"}};
  EXPECT_THAT(CheckAuthenticatorStatus(entry, kNow),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
  entry.status_reports = {{GetParam(), "2024-06-01"}, {"FIDO_CERTIFIED", "2025-01-01"}};
  EXPECT_THAT(CheckAuthenticatorStatus(entry, kNow), IsOk());
  // An undated certification clears nothing.
  entry.status_reports = {{GetParam(), "2024-06-01"}, {"FIDO_CERTIFIED", ""}};
  EXPECT_THAT(CheckAuthenticatorStatus(entry, kNow),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
}

TEST_F(MdsBlobTest, StatusPolicyNeedsNow) {
  const Result<MdsBlob> blob = WithStatuses({{"FIDO_CERTIFIED", "2024-06-01"}});
  ASSERT_THAT(blob, IsOk());
  EXPECT_THAT(CheckAuthenticatorStatus(*blob, MustParse(kAaguidA), std::nullopt),
              HasError(ErrorCode::kInvalidArgument));
  // Also for a model the BLOB does not list: the call is wrong either way.
  EXPECT_THAT(CheckAuthenticatorStatus(*blob, MustParse(kAaguidB), std::nullopt),
              HasError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(CheckAuthenticatorStatus(blob->entries().front(), std::nullopt),
              HasError(ErrorCode::kInvalidArgument));
}

TEST(MdsEntryTest, LatestStatusReportIgnoresFutureAndPrefersDated) {
  MdsEntry entry;
  EXPECT_EQ(entry.LatestStatusReport(kNow), nullptr);
  entry.status_reports = {{"REVOKED", "2026-06-01"}};
  EXPECT_EQ(entry.LatestStatusReport(kNow), nullptr);  // not in effect yet
  entry.status_reports = {{"REVOKED", ""}, {"FIDO_CERTIFIED", "2024-01-01"}};
  ASSERT_NE(entry.LatestStatusReport(kNow), nullptr);
  EXPECT_EQ(entry.LatestStatusReport(kNow)->status, "FIDO_CERTIFIED");
  // ... while the policy still fails on the undated compromise.
  EXPECT_THAT(CheckAuthenticatorStatus(entry, kNow),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
  EXPECT_TRUE(IsCompromiseStatus("USER_KEY_PHYSICAL_COMPROMISE"));
  EXPECT_FALSE(IsCompromiseStatus("REVOKED "));
  EXPECT_FALSE(IsCompromiseStatus("FIDO_CERTIFIED"));
}

// --- In registration: per-AAGUID anchors and the status policy --------------------

class MdsRegistrationTest : public MdsBlobTest {
 protected:
  // Register: a packed registration under attestation_root_ (with
  // `packed_attestation` false: "none", which needs no `now`).
  Result<CredentialRecord> Register(const std::string& aaguid, const RegistrationOptions& options,
                                    bool packed_attestation = true) {
    Result<testing::SoftwareAuthenticator> credential =
        testing::SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "mds-test/credential");
    if (!credential.has_value()) return Unexpected(credential.error());
    testing::PackedAttestationParams packed;
    packed.ca = &*attestation_root_;
    testing::RegistrationParams reg;
    reg.rp_id = "example.org";
    reg.origin = "https://example.org";
    reg.challenge = Bytes(32, 0x5a);
    reg.aaguid = MustParse(aaguid);
    if (packed_attestation) {
      reg.format = "packed";
      reg.attest = testing::MakePackedAttestation(std::move(packed));
    }
    const Result<std::string> json = credential->MakeCredentialJson(reg);
    if (!json.has_value()) return Unexpected(json.error());
    const Result<RegistrationResponse> response = ParseRegistrationResponseJson(*json);
    if (!response.has_value()) return Unexpected(response.error());
    return VerifyRegistration(options, *response);
  }

  RegistrationOptions Options(const AttestationTrust* trust, const MdsBlob* blob) const {
    RegistrationOptions options;
    options.rp.ids = {"example.org"};
    options.rp.origins = {"https://example.org"};
    options.challenge = Bytes(32, 0x5a);
    options.now = kNow;
    options.attestation_trust = trust;
    options.require_trusted_attestation = true;
    options.mds_blob = blob;
    return options;
  }
};

TEST_F(MdsRegistrationTest, AttestationRootsAreAnchorsForTheirAaguidOnly) {
  MdsTestEntry entry = Entry(kAaguidA, "Model A");
  entry.attestation_root_certificates = {attestation_root_->certificate_der()};
  const Result<MdsBlob> blob =
      VerifyPayload(MdsPayloadJson(7, "2026-02-01", {entry, Entry(kAaguidB, "Model B")}));
  ASSERT_THAT(blob, IsOk());
  AttestationTrust anchors;
  ASSERT_THAT(blob->AddAttestationRoots(&anchors), IsOk());
  EXPECT_EQ(anchors.anchor_count(), 1u);
  const Result<CredentialRecord> record = Register(kAaguidA, Options(&anchors, &*blob));
  ASSERT_THAT(record, IsOk());
  EXPECT_TRUE(record->attestation_trusted);
  // The same attestation root does not vouch for another model.
  EXPECT_THAT(Register(kAaguidB, Options(&anchors, &*blob)),
              HasError(ErrorCode::kAttestationUntrusted));
  EXPECT_THAT(blob->AddAttestationRoots(nullptr), HasError(ErrorCode::kInvalidArgument));
}

TEST_F(MdsRegistrationTest, CompromisedModelIsRejectedAtRegistration) {
  MdsTestEntry entry = Entry(kAaguidA, "Model A");
  entry.attestation_root_certificates = {attestation_root_->certificate_der()};
  entry.status_reports = {{"FIDO_CERTIFIED_L1", "2023-01-01"},
                          {"ATTESTATION_KEY_COMPROMISE", "2025-01-01"}};
  const Result<MdsBlob> blob = VerifyPayload(MdsPayloadJson(7, "2026-02-01", {entry}));
  ASSERT_THAT(blob, IsOk());
  AttestationTrust anchors;
  ASSERT_THAT(blob->AddAttestationRoots(&anchors), IsOk());
  EXPECT_THAT(Register(kAaguidA, Options(&anchors, &*blob)),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
  // Without the blob in the options there is no status policy.
  EXPECT_THAT(Register(kAaguidA, Options(&anchors, nullptr)), IsOk());
}

TEST_F(MdsRegistrationTest, StatusPolicyUsesOptionsNowAndFailsClosedWithoutIt) {
  MdsTestEntry entry = Entry(kAaguidA, "Model A");
  entry.status_reports = {{"FIDO_CERTIFIED_L1", "2023-01-01"}, {"REVOKED", "2026-06-01"}};
  const Result<MdsBlob> blob = VerifyPayload(MdsPayloadJson(7, "2026-02-01", {entry}));
  ASSERT_THAT(blob, IsOk());
  RegistrationOptions options = Options(nullptr, &*blob);
  options.require_trusted_attestation = false;
  constexpr bool kNone = false;
  // At kNow the revocation is still in the future; on its date it applies.
  EXPECT_THAT(Register(kAaguidA, options, kNone), IsOk());
  options.now = MustTime("2026-06-01T00:00:00Z");
  EXPECT_THAT(Register(kAaguidA, options, kNone),
              HasError(ErrorCode::kAuthenticatorStatusCompromised));
  // Without now the policy cannot be applied: refused (as every
  // registration without now is, since the record needs its createdAt).
  options.now.reset();
  EXPECT_THAT(Register(kAaguidA, options, kNone), HasError(ErrorCode::kInvalidArgument));
}

// Found by fuzz/mds_blob_fuzzer (regression input
// fuzz/regressions/mds_blob/x5c-leaf-unknown-key-algorithm-internal-error):
// an x5c certificate whose key OpenSSL cannot decode made X509_verify_cert
// fail "internally" (internal_error) instead of certificate_invalid.
TEST_F(MdsBlobTest, X5cCertificateWithUndecodableKeyIsCertificateInvalid) {
  Bytes leaf = signer_->certificate_der();
  // id-ecPublicKey 1.2.840.10045.2.1 → the unassigned 1.2.840.10045.2.5.
  const Bytes oid = {0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
  const auto at = std::search(leaf.begin(), leaf.end(), oid.begin(), oid.end());
  ASSERT_NE(at, leaf.end());
  *(at + static_cast<std::ptrdiff_t>(oid.size()) - 1) = 0x05;
  const std::string header = R"({"alg":"ES256","x5c":[")" + internal::Base64Encode(leaf) +
                             R"(",")" + internal::Base64Encode(intermediate_->certificate_der()) +
                             R"("]})";
  const std::string jwt = Base64UrlEncode(AsBytes(header)) + "." +
                          Base64UrlEncode(AsBytes(MdsPayloadJson(7, "2026-02-01", {}))) + "." +
                          Base64UrlEncode(Bytes(64, 0x01));
  EXPECT_THAT(MdsBlob::Verify(jwt, trust_, Options()), HasError(ErrorCode::kCertificateInvalid));
}

}  // namespace
}  // namespace passkey
