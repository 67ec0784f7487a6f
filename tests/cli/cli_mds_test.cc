// Drives the built `passkey` binary (PASSKEY_CLI_PATH) for the AAGUID and
// FIDO MDS3 commands: `aaguid`, `mds verify`, and the --catalog / --mds /
// --mds-root flags of verify-registration and verify-authentication. The
// shared samples (../shared/fido) are read at test time; those tests skip
// when they are absent.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <passkey/passkey.h>
#include <passkey/testing/mds_blob_builder.h>
#include <passkey/testing/packed_attestation.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/test_ca.h>

#include "cli_runner.h"
#include "test_util.h"

namespace passkey {
namespace {

using nlohmann::json;
using test::RunResult;
using testing::AssertionParams;
using testing::MdsBlobSigner;
using testing::MdsPayloadJson;
using testing::MdsTestEntry;
using testing::RegistrationParams;
using testing::SoftwareAuthenticator;
using testing::TestCa;

constexpr char kRpId[] = "example.com";
constexpr char kOrigin[] = "https://example.com";
constexpr char kNow[] = "2026-01-01T00:00:00Z";
constexpr char kAaguidA[] = "0123abcd-4567-89ab-cdef-0123456789ab";
constexpr char kIcon[] = "data:image/png;base64,iVBORw0KGgo=";

class CliMdsTest : public test::CliRunnerTest {
 protected:
  CliMdsTest() : CliRunnerTest("passkey_cli_mds_test") {}

  // ParseOutput: the one JSON line on stdout.
  static json ParseOutput(const RunResult& run) {
    json parsed = json::parse(run.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << run.out;
    return parsed;
  }

  static std::string ErrorCodeOf(const RunResult& run) {
    const json parsed = ParseOutput(run);
    if (!parsed.is_object() || !parsed.contains("error")) return "";
    return parsed["error"].value("code", "");
  }

  // RegistrationFor: a create() call for the test RP with fmt `format`.
  static RegistrationParams RegistrationFor(const Bytes& challenge, std::string format) {
    RegistrationParams params;
    params.rp_id = kRpId;
    params.origin = kOrigin;
    params.challenge = challenge;
    params.format = std::move(format);
    return params;
  }

  // MakeTestMds writes a BLOB signed under a fresh test root (and the root's
  // PEM) into the temporary directory; returns {blob path, root path}.
  std::pair<std::string, std::string> MakeTestMds(const std::vector<MdsTestEntry>& entries) {
    Result<TestCa> root = TestCa::CreateRoot("passkey cli test MDS root");
    EXPECT_TRUE(root.has_value());
    if (!root.has_value()) return {};
    testing::MdsBlobOptions options;
    options.extra_certificates = {};
    Result<MdsBlobSigner> signer = MdsBlobSigner::Create(*root, options);
    EXPECT_TRUE(signer.has_value());
    if (!signer.has_value()) return {};
    Result<std::string> jwt = signer->Sign(MdsPayloadJson(3, "2026-06-01", entries));
    EXPECT_TRUE(jwt.has_value());
    if (!jwt.has_value()) return {};
    return {WriteFile("test.jwt", *jwt + "\n"), WriteFile("test-root.pem", root->certificate_pem())};
  }

};

TEST_F(CliMdsTest, IssueAaguidsResolveWithNoFlags) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"fbfc3007-154e-4ecc-8c0b-6e020557d7bd", "iCloud Keychain"},
      {"ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4", "Google Password Manager"},
      {"bada5566-a7aa-401f-bd96-45619a55120d", "1Password"},
      {"d548826e-79b4-db40-a3d8-11116f7e8349", "Bitwarden"},
  };
  for (const auto& [uuid, name] : expected) {
    const RunResult run = Run({"aaguid", uuid});
    ASSERT_EQ(run.exit_code, 0) << uuid << run.err;
    const json out = ParseOutput(run);
    EXPECT_EQ(out["aaguid"], uuid);
    EXPECT_EQ(out["name"], name);
    EXPECT_EQ(out["iconLight"].get<std::string>().rfind("data:image/svg+xml;base64,", 0), 0u);
    EXPECT_EQ(out["iconDark"].get<std::string>().rfind("data:image/svg+xml;base64,", 0), 0u);
    EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 1);
  }
  // Upper case is the same AAGUID (printed in lower case).
  const RunResult upper = Run({"aaguid", "FBFC3007-154E-4ECC-8C0B-6E020557D7BD"});
  ASSERT_EQ(upper.exit_code, 0);
  EXPECT_EQ(ParseOutput(upper)["aaguid"], "fbfc3007-154e-4ecc-8c0b-6e020557d7bd");
}

TEST_F(CliMdsTest, UnknownAaguidIsExitOne) {
  for (const char* uuid :
       {"01234567-89ab-cdef-0123-456789abcdef", "00000000-0000-0000-0000-000000000000"}) {
    const RunResult run = Run({"aaguid", uuid});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(ErrorCodeOf(run), "unknown_aaguid");
  }
}

TEST_F(CliMdsTest, UsageErrors) {
  EXPECT_EQ(Run({"aaguid"}).exit_code, 2);
  EXPECT_EQ(Run({"aaguid", "not-a-uuid"}).exit_code, 2);
  EXPECT_EQ(Run({"aaguid", kAaguidA, kAaguidA}).exit_code, 2);
  EXPECT_EQ(Run({"aaguid", kAaguidA, "--bogus", "x"}).exit_code, 2);
  EXPECT_EQ(Run({"aaguid", kAaguidA, "--mds", "x.jwt"}).exit_code, 2);
  EXPECT_EQ(Run({"aaguid", kAaguidA, "--catalog"}).exit_code, 2);
  EXPECT_EQ(Run({"aaguid", kAaguidA, "--catalog", dir_ + "/missing.json"}).exit_code, 2);
  EXPECT_EQ(Run({"aaguid", kAaguidA, "--now", "yesterday"}).exit_code, 2);
  EXPECT_EQ(Run({"mds"}).exit_code, 2);
  EXPECT_EQ(Run({"mds", "check"}).exit_code, 2);
  EXPECT_EQ(Run({"mds", "verify"}).exit_code, 2);
  EXPECT_EQ(Run({"mds", "verify", "blob.jwt"}).exit_code, 2);  // no --root
  EXPECT_EQ(Run({"mds", "verify", "blob.jwt", "--root", "r.pem", "--min-number", "-1"}).exit_code,
            2);
  const RunResult help = Run({"aaguid", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--catalog"), std::string::npos);
  EXPECT_EQ(Run({"mds", "--help"}).exit_code, 0);
  EXPECT_EQ(Run({"mds", "verify", "--help"}).exit_code, 0);
  const RunResult top = Run({"--help"});
  EXPECT_NE(top.out.find("mds verify"), std::string::npos);
  EXPECT_NE(top.out.find("aaguid"), std::string::npos);
}

TEST_F(CliMdsTest, CatalogsOverrideEmbeddedInOrderAndMdsOverridesCatalogs) {
  const std::string icloud = "fbfc3007-154e-4ecc-8c0b-6e020557d7bd";
  const std::string first =
      WriteFile("first.json", R"({")" + icloud + R"(": {"name": "First"}, ")" + kAaguidA +
                                  R"(": {"name": "Only first", "icon_light": "data:a", "icon_dark": "data:b"}})");
  const std::string second = WriteFile("second.json", R"({")" + icloud + R"(": {"name": "Second"}})");
  RunResult run = Run({"aaguid", icloud, "--catalog", first, "--catalog=" + second});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ParseOutput(run)["name"], "Second");
  run = Run({"aaguid", kAaguidA, "--catalog", first, "--catalog", second});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ParseOutput(run)["name"], "Only first");
  EXPECT_EQ(ParseOutput(run)["iconLight"], "data:a");
  EXPECT_EQ(ParseOutput(run)["iconDark"], "data:b");

  MdsTestEntry entry;
  entry.aaguid = icloud;
  entry.description = "From MDS";
  entry.icon = kIcon;
  const auto [blob, root] = MakeTestMds({entry});
  run = Run({"aaguid", icloud, "--catalog", second, "--mds", blob, "--mds-root", root, "--now", kNow});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(ParseOutput(run)["name"], "From MDS");
  EXPECT_EQ(ParseOutput(run)["iconLight"], kIcon);
  EXPECT_EQ(ParseOutput(run)["iconDark"], kIcon);
}

TEST_F(CliMdsTest, BadCatalogAndBlobAreExitOneWithTheirCodes) {
  const std::string bad = WriteFile("bad.json", R"({"not-a-uuid": {"name": "x"}})");
  RunResult run = Run({"aaguid", kAaguidA, "--catalog", bad});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(run), "malformed_catalog");
  const std::string empty = WriteFile("empty.json", "{}");
  run = Run({"aaguid", kAaguidA, "--catalog", empty});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(run), "catalog_empty");

  const auto [blob, root] = MakeTestMds({});
  run = Run({"mds", "verify", blob, "--root", root, "--now", kNow});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(ParseOutput(run), json::parse(R"({"no":3,"nextUpdate":"2026-06-01","entries":0,"stale":false,)"
                                           R"("revocationChecked":false})"));
  run = Run({"mds", "verify", blob, "--root", root, "--now", "2026-06-01T00:00:00Z"});
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(ParseOutput(run)["stale"], true);
  run = Run({"mds", "verify", blob, "--root", root, "--now", "2041-01-01T00:00:00Z"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(run), "certificate_expired");
  const std::string garbage = WriteFile("garbage.jwt", "not a jws");
  run = Run({"mds", "verify", garbage, "--root", root, "--now", kNow});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(run), "mds_malformed");
  run = Run({"aaguid", kAaguidA, "--mds", garbage, "--mds-root", root, "--now", kNow});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(run), "mds_malformed");
  // A root that is not a certificate is the caller's setup: usage.
  const std::string not_root = WriteFile("not-root.pem", "hello");
  EXPECT_EQ(Run({"mds", "verify", blob, "--root", not_root, "--now", kNow}).exit_code, 2);
}

TEST_F(CliMdsTest, RegistrationUsesMdsRootsProviderAndStatusPolicy) {
  Result<TestCa> attestation_root = TestCa::CreateRoot("passkey cli test attestation root");
  ASSERT_TRUE(attestation_root.has_value());
  Result<SoftwareAuthenticator> authn =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "cli-mds-test/credential");
  ASSERT_TRUE(authn.has_value());
  const Bytes challenge(32, 0x42);
  RegistrationParams params = RegistrationFor(challenge, "packed");
  params.aaguid = *Aaguid::Parse(kAaguidA);
  testing::PackedAttestationParams packed;
  packed.ca = &*attestation_root;
  params.attest = testing::MakePackedAttestation(packed);
  const Result<std::string> response = authn->MakeCredentialJson(params);
  ASSERT_TRUE(response.has_value());
  const std::string response_path = WriteFile("reg.json", *response);
  const std::vector<std::string> flags = {
      "verify-registration", "--rp-id", kRpId, "--origin", kOrigin,
      "--challenge", Base64UrlEncode(challenge), "--now", kNow, "--response", response_path,
      "--require-trusted-attestation"};

  MdsTestEntry entry;
  entry.aaguid = kAaguidA;
  entry.description = "Test Key";
  entry.icon = kIcon;
  entry.attestation_root_certificates = {attestation_root->certificate_der()};
  {
    const auto [blob, root] = MakeTestMds({entry});
    std::vector<std::string> args = flags;
    args.insert(args.end(), {"--mds", blob, "--mds-root", root});
    const RunResult run = Run(args);
    ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
    const json record = ParseOutput(run);
    EXPECT_EQ(record["attestationTrusted"], true);
    EXPECT_EQ(record["provider"]["name"], "Test Key");
    EXPECT_EQ(record["provider"]["iconLight"], kIcon);

    // Authentication: the provider is looked up again in the merged catalog.
    const std::string record_path = WriteFile("record.json", run.out);
    const std::string catalog =
        WriteFile("cat.json", std::string(R"({")") + kAaguidA + R"(": {"name": "Renamed"}})");
    AssertionParams assertion;
    assertion.rp_id = kRpId;
    assertion.origin = kOrigin;
    assertion.challenge = Bytes(32, 0x43);
    assertion.sign_count = 1;
    const Result<std::string> assertion_json = authn->GetAssertionJson(assertion);
    ASSERT_TRUE(assertion_json.has_value());
    const std::string assertion_path = WriteFile("auth.json", *assertion_json);
    const RunResult auth = Run({"verify-authentication", "--rp-id", kRpId, "--origin", kOrigin,
                                "--challenge", Base64UrlEncode(assertion.challenge), "--now",
                                kNow, "--credential", record_path, "--response", assertion_path,
                                "--catalog", catalog});
    ASSERT_EQ(auth.exit_code, 0) << auth.err << auth.out;
    EXPECT_EQ(ParseOutput(auth)["credential"]["provider"]["name"], "Renamed");
  }
  // Without --mds the attestation root is unknown.
  {
    const RunResult run = Run(flags);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(ErrorCodeOf(run), "attestation_untrusted");
  }
  // A compromised model is rejected.
  entry.status_reports = {{"FIDO_CERTIFIED_L1", "2023-01-01"}, {"USER_VERIFICATION_BYPASS", "2025-01-01"}};
  {
    const auto [blob, root] = MakeTestMds({entry});
    std::vector<std::string> args = flags;
    args.insert(args.end(), {"--mds", blob, "--mds-root", root});
    const RunResult run = Run(args);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(ErrorCodeOf(run), "authenticator_status_compromised");
  }
  // The status policy at --now (mds.h CheckAuthenticatorStatus): a report
  // dated after --now is ignored; only a later FIDO_CERTIFIED* report clears
  // a compromise; on one date the worst report wins whatever the order.
  const struct {
    std::vector<testing::MdsTestStatusReport> reports;
    const char* expected;  // nullptr: registers
  } cases[] = {
      {{{"FIDO_CERTIFIED_L1", "2023-01-01"}, {"REVOKED", "2026-01-02"}}, nullptr},
      {{{"REVOKED", "2024-01-01"}, {"UPDATE_AVAILABLE", "2025-01-01"}},
       "authenticator_status_compromised"},
      {{{"REVOKED", "2024-01-01"}, {"FIDO_CERTIFIED_L2", "2025-01-01"}}, nullptr},
      {{{"REVOKED", "2025-01-01"}, {"FIDO_CERTIFIED_L2", "2025-01-01"}},
       "authenticator_status_compromised"},
      {{{"REVOKED", ""}, {"FIDO_CERTIFIED_L2", "2025-01-01"}}, "authenticator_status_compromised"},
  };
  for (const auto& c : cases) {
    entry.status_reports = c.reports;
    const auto [blob, root] = MakeTestMds({entry});
    std::vector<std::string> args = flags;
    args.insert(args.end(), {"--mds", blob, "--mds-root", root});
    const RunResult run = Run(args);
    if (c.expected == nullptr) {
      EXPECT_EQ(run.exit_code, 0) << run.err << run.out;
    } else {
      EXPECT_EQ(run.exit_code, 1);
      EXPECT_EQ(ErrorCodeOf(run), c.expected);
    }
  }
}

// --- Revocation of the BLOB chain (--crl, --require-revocation-check) --------------

// RevocationMds: a BLOB whose signer (named in a CRL distribution point) is
// issued by the root, and two DER CRLs of the root: one revoking the signer,
// one revoking nothing.
struct RevocationMds {
  std::string blob;
  std::string root;
  std::string revoked_crl;
  std::string clean_crl;
};

TEST_F(CliMdsTest, MdsVerifyAppliesCrlsToTheBlobChain) {
  Result<TestCa> root = TestCa::CreateRoot("passkey cli test MDS root");
  ASSERT_TRUE(root.has_value());
  testing::MdsBlobOptions options;
  options.signer.extensions.push_back(
      testing::CrlDistributionPointsExtension("http://crl.example.com/mds-root.crl"));
  Result<MdsBlobSigner> signer = MdsBlobSigner::Create(*root, options);
  ASSERT_TRUE(signer.has_value());
  Result<std::string> jwt = signer->Sign(MdsPayloadJson(3, "2026-06-01", {}));
  ASSERT_TRUE(jwt.has_value());
  Result<Bytes> revoked = root->IssueCrl({testing::MdsSignerSpec().serial});
  Result<Bytes> clean = root->IssueCrl({});
  ASSERT_TRUE(revoked.has_value() && clean.has_value());
  const RevocationMds mds{WriteFile("test.jwt", *jwt), WriteFile("root.pem", root->certificate_pem()),
                          WriteFile("revoked.crl", std::string(revoked->begin(), revoked->end())),
                          WriteFile("clean.crl", std::string(clean->begin(), clean->end()))};
  const std::vector<std::string> verify = {"mds", "verify", mds.blob, "--root", mds.root,
                                           "--now", kNow};
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = verify;
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  };
  RunResult run = with({"--crl", mds.revoked_crl});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(run), "certificate_revoked");
  run = with({"--crl", mds.clean_crl});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(ParseOutput(run)["revocationChecked"], true);
  run = with({});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(ParseOutput(run)["revocationChecked"], false);
  run = with({"--require-revocation-check"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(run), "certificate_invalid");
  run = with({"--require-revocation-check", "--crl=" + mds.clean_crl});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(ParseOutput(run)["revocationChecked"], true);
  // Usage: a CRL file that does not parse; a value given to the flag.
  EXPECT_EQ(with({"--crl", WriteFile("junk.crl", "not a crl")}).exit_code, 2);
  EXPECT_EQ(with({"--require-revocation-check=yes"}).exit_code, 2);

  // verify-registration --mds: --crl applies to the BLOB chain as well.
  Result<SoftwareAuthenticator> authn =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "cli-mds-test/credential");
  ASSERT_TRUE(authn.has_value());
  const Bytes challenge(32, 0x44);
  const Result<std::string> response =
      authn->MakeCredentialJson(RegistrationFor(challenge, "none"));
  ASSERT_TRUE(response.has_value());
  const std::vector<std::string> registration = {
      "verify-registration", "--rp-id", kRpId, "--origin", kOrigin, "--challenge",
      Base64UrlEncode(challenge), "--now", kNow, "--response", WriteFile("reg.json", *response),
      "--mds", mds.blob, "--mds-root", mds.root};
  const auto register_with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = registration;
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  };
  run = register_with({"--crl", mds.revoked_crl});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(run), "certificate_revoked");
  run = register_with({"--require-revocation-check"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(run), "certificate_invalid");
  run = register_with({"--require-revocation-check", "--crl", mds.clean_crl});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(ParseOutput(run)["revocationChecked"], false);  // "none": no attestation path
}

// --- The shared samples ----------------------------------------------------------

std::optional<std::filesystem::path> SharedFidoDir() {
  const auto vectors = test::SharedVectorsDir();
  if (!vectors.has_value()) return std::nullopt;
  const auto dir = std::filesystem::path(*vectors).parent_path() / "fido";
  if (!std::filesystem::exists(dir / "mds" / "index.json")) return std::nullopt;
  return dir;
}

TEST_F(CliMdsTest, CommunityListViaCatalog) {
  const auto fido = SharedFidoDir();
  if (!fido.has_value()) GTEST_SKIP() << "shared ../shared/fido absent";
  const std::string path = (*fido / "aaguids.json").string();
  const auto text = test::ReadFile(path);
  ASSERT_TRUE(text.has_value());
  const Result<AaguidCatalog> community = AaguidCatalog::FromJson(*text);
  ASSERT_TRUE(community.has_value());
  // Entries the community list has and the built-in catalog does not.
  int checked = 0;
  for (const Aaguid& aaguid : community->aaguids()) {
    if (AaguidCatalog::Embedded().Find(aaguid) != nullptr) continue;
    const std::string uuid = aaguid.ToString();
    const AuthenticatorInfo& info = *community->Find(aaguid);
    const RunResult run = Run({"aaguid", uuid, "--catalog", path});
    ASSERT_EQ(run.exit_code, 0) << uuid << run.err;
    const json out = ParseOutput(run);
    EXPECT_EQ(out["name"], info.name);
    EXPECT_EQ(out["iconLight"], info.icon_light);
    EXPECT_EQ(out["iconDark"], info.icon_dark);
    EXPECT_EQ(Run({"aaguid", uuid}).exit_code, 1) << uuid;
    if (++checked == 3) break;
  }
  EXPECT_EQ(checked, 3);
}

TEST_F(CliMdsTest, SharedSampleBlobsViaMdsVerifyAndAaguid) {
  const auto fido = SharedFidoDir();
  if (!fido.has_value()) GTEST_SKIP() << "shared ../shared/fido absent";
  const auto index_text = test::ReadFile((*fido / "mds" / "index.json").string());
  ASSERT_TRUE(index_text.has_value());
  const json index = json::parse(*index_text);
  for (const auto& [name, spec] : index["blobs"].items()) {
    const std::string blob = (*fido / "mds" / name).string();
    const std::string root = (*fido / "mds" / spec["trustAnchor"].get<std::string>()).string();
    std::string now;
    for (const auto& check : spec["checks"]) {
      if (check["name"] == "valid") now = check["currentTime"];
    }
    ASSERT_FALSE(now.empty());
    RunResult run = Run({"mds", "verify", blob, "--root", root, "--now", now});
    ASSERT_EQ(run.exit_code, 0) << name << run.out << run.err;
    const json out = ParseOutput(run);
    EXPECT_EQ(out["no"], spec["payload"]["no"]);
    EXPECT_EQ(out["nextUpdate"], spec["payload"]["nextUpdate"]);
    EXPECT_EQ(out["entries"], spec["payload"]["entries"]);
    EXPECT_EQ(out["stale"], now >= spec["payload"]["nextUpdate"].get<std::string>());
    run = Run({"mds", "verify", blob, "--root", root, "--now", now, "--min-number",
               std::to_string(spec["payload"]["no"].get<std::uint64_t>())});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(ErrorCodeOf(run), "mds_rollback");
    // The other sample's root does not anchor this BLOB.
    for (const auto& [other_name, other] : index["blobs"].items()) {
      if (other["trustAnchor"] == spec["trustAnchor"]) continue;
      run = Run({"mds", "verify", blob, "--root",
                 (*fido / "mds" / other["trustAnchor"].get<std::string>()).string(), "--now", now});
      EXPECT_EQ(run.exit_code, 1);
      EXPECT_EQ(ErrorCodeOf(run), "mds_untrusted");
    }

    // aaguid --mds: every AAGUID entry's description is its name.
    const auto jwt = test::ReadFile(blob);
    const auto root_pem = test::ReadFile(root);
    ASSERT_TRUE(jwt.has_value() && root_pem.has_value());
    AttestationTrust trust;
    ASSERT_TRUE(trust.AddAnchorsPem(*root_pem).has_value());
    MdsVerifyOptions options;
    options.now = ParseTimestamp(now).value();
    const Result<MdsBlob> parsed = MdsBlob::Verify(*jwt, trust, options);
    ASSERT_TRUE(parsed.has_value());
    const MdsEntry* sample = nullptr;
    for (const MdsEntry& entry : parsed->entries()) {
      if (entry.aaguid.has_value()) sample = &entry;
    }
    ASSERT_NE(sample, nullptr);
    run = Run({"aaguid", sample->aaguid->ToString(), "--mds", blob, "--mds-root", root, "--now",
               now});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_EQ(ParseOutput(run)["name"], sample->description);
    EXPECT_EQ(ParseOutput(run)["iconLight"], sample->icon);
    EXPECT_EQ(Run({"aaguid", sample->aaguid->ToString()}).exit_code, 1);
  }
}

}  // namespace
}  // namespace passkey
