// Drives the built `passkey` binary (PASSKEY_CLI_PATH) and checks the CLI
// contract: exit codes 0/1/2, output shapes, exact error codes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <passkey/passkey.h>
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
using testing::CrlDistributionPointsExtension;
using testing::RegistrationParams;
using testing::MakePackedAttestation;
using testing::PackedAttestationParams;
using testing::TestCa;
using testing::SoftwareAuthenticator;

constexpr char kRpId[] = "example.com";
constexpr char kOrigin[] = "https://example.com";
constexpr char kNow[] = "2025-01-02T03:04:05Z";

class CliTest : public test::CliRunnerTest {
 protected:
  CliTest() : CliRunnerTest("passkey_cli_test") {}

  // The common flags of a verify-* command for the test RP.
  static std::vector<std::string> RpFlags(const Bytes& challenge) {
    return {"--rp-id", kRpId, "--origin", kOrigin, "--challenge", Base64UrlEncode(challenge),
            "--now",   kNow};
  }

  static std::vector<std::string> Concat(std::vector<std::string> a,
                                         const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  static SoftwareAuthenticator NewAuthenticator() {
    Result<SoftwareAuthenticator> created =
        SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "cli_test");
    if (!created.has_value()) {
      ADD_FAILURE() << "SoftwareAuthenticator::Create: " << created.error().message;
      std::abort();
    }
    return std::move(created).value();
  }

  static std::string RegistrationJson(const SoftwareAuthenticator& authn, const Bytes& challenge,
                                      std::uint32_t sign_count = 0) {
    RegistrationParams params;
    params.rp_id = kRpId;
    params.origin = kOrigin;
    params.challenge = challenge;
    params.sign_count = sign_count;
    Result<std::string> response = authn.MakeCredentialJson(params);
    EXPECT_TRUE(response.has_value());
    return response.has_value() ? *response : std::string();
  }

  static AssertionParams Assertion(const Bytes& challenge, std::uint32_t sign_count) {
    AssertionParams params;
    params.rp_id = kRpId;
    params.origin = kOrigin;
    params.challenge = challenge;
    params.sign_count = sign_count;
    return params;
  }

  // Registers a credential through the CLI and returns the record file path.
  std::string RegisterViaCli(const SoftwareAuthenticator& authn, std::uint32_t sign_count = 0) {
    const Bytes challenge(16, 0x11);
    RunResult r = Run(Concat({"verify-registration"}, RpFlags(challenge)),
                      RegistrationJson(authn, challenge, sign_count));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return WriteFile("record.json", r.out);
  }

};

// ExpectRejected: exit 1 and stdout is exactly {"error": {"code", "message"}}
// with the given code.
void ExpectRejected(const RunResult& r, std::string_view code) {
  EXPECT_EQ(r.exit_code, 1) << "stdout: " << r.out << "\nstderr: " << r.err;
  json doc = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << "stdout is not JSON: " << r.out;
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.size(), 1U) << r.out;
  ASSERT_TRUE(doc.contains("error")) << r.out;
  const json& error = doc["error"];
  ASSERT_TRUE(error.is_object()) << r.out;
  EXPECT_EQ(error.size(), 2U) << r.out;
  ASSERT_TRUE(error.contains("code") && error["code"].is_string()) << r.out;
  ASSERT_TRUE(error.contains("message") && error["message"].is_string()) << r.out;
  EXPECT_EQ(error["code"].get<std::string>(), code) << r.out;
}

void ExpectUsageError(const RunResult& r) {
  EXPECT_EQ(r.exit_code, 2) << "stdout: " << r.out << "\nstderr: " << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_FALSE(r.err.empty());
}

TEST_F(CliTest, HelpExitsZeroOnEveryCommand) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"help"},
                                             {"verify-registration", "--help"},
                                             {"verify-authentication", "--help"},
                                             {"verify-authentication", "-h"},
                                             {"demo", "--help"}}) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.out.find("Usage: passkey"), std::string::npos) << r.out;
  }
}

TEST_F(CliTest, NoCommandIsUsageError) { ExpectUsageError(Run({})); }

TEST_F(CliTest, UnknownCommandIsUsageError) { ExpectUsageError(Run({"verify-everything"})); }

TEST_F(CliTest, UnknownFlagIsUsageError) {
  ExpectUsageError(Run(Concat({"verify-registration", "--frobnicate"}, RpFlags(Bytes(16, 1)))));
  ExpectUsageError(Run(Concat({"verify-registration"}, Concat(RpFlags(Bytes(16, 1)), {"-x"}))));
  ExpectUsageError(Run({"demo", "--frobnicate"}));
}

TEST_F(CliTest, AuthenticationOnlyFlagIsUsageErrorForRegistration) {
  ExpectUsageError(
      Run(Concat({"verify-registration", "--credential", "x"}, RpFlags(Bytes(16, 1)))));
}

TEST_F(CliTest, MissingValueIsUsageError) {
  ExpectUsageError(
      Run({"verify-registration", "--rp-id", kRpId, "--origin", kOrigin, "--challenge"}));
  ExpectUsageError(
      Run(Concat({"verify-registration"}, Concat(RpFlags(Bytes(16, 1)), {"--response"}))));
}

TEST_F(CliTest, MissingRequiredFlagIsUsageError) {
  ExpectUsageError(Run({"verify-registration", "--rp-id", kRpId, "--origin", kOrigin}));
  ExpectUsageError(
      Run({"verify-registration", "--origin", kOrigin, "--challenge", "AAAAAAAAAAAAAAAAAAAAAA"}));
  ExpectUsageError(
      Run({"verify-registration", "--rp-id", kRpId, "--challenge", "AAAAAAAAAAAAAAAAAAAAAA"}));
  // verify-authentication needs --credential.
  ExpectUsageError(Run(Concat({"verify-authentication"}, RpFlags(Bytes(16, 1)))));
}

TEST_F(CliTest, BadOptionValuesAreUsageErrors) {
  const std::vector<std::string> base = {"verify-registration", "--rp-id", kRpId, "--origin",
                                         kOrigin};
  ExpectUsageError(Run(Concat(base, {"--challenge", "AAAA="})));  // padding
  ExpectUsageError(Run(Concat(base, {"--challenge", "AA+/"})));   // alphabet
  ExpectUsageError(Run(Concat(base, {"--challenge="})));          // empty
  ExpectUsageError(Run(Concat(base, {"--challenge", "AAAA", "--challenge", "AAAA"})));
  ExpectUsageError(Run(Concat(base, {"--challenge", "AAAA", "--algorithm", "ES256"})));
  ExpectUsageError(Run(Concat(base, {"--challenge", "AAAA", "--algorithm", "99999999999"})));
  ExpectUsageError(Run(Concat(base, {"--challenge", "AAAA", "--user-verification", "always"})));
  ExpectUsageError(Run(Concat(base, {"--challenge", "AAAA", "--now", "yesterday"})));
  ExpectUsageError(Run(Concat(base, {"--challenge", "AAAA", "--allow-cross-origin=yes"})));
}

TEST_F(CliTest, UnreadableResponseIsUsageError) {
  ExpectUsageError(
      Run(Concat({"verify-registration"},
                 Concat(RpFlags(Bytes(16, 1)), {"--response", dir_ + "/does-not-exist.json"}))));
  // A directory cannot be read as a file either.
  ExpectUsageError(
      Run(Concat({"verify-registration"}, Concat(RpFlags(Bytes(16, 1)), {"--response", dir_}))));
}

TEST_F(CliTest, UnreadableCredentialIsUsageError) {
  ExpectUsageError(Run(Concat({"verify-authentication", "--credential", dir_ + "/missing.json"},
                              RpFlags(Bytes(16, 1)))));
}

TEST_F(CliTest, ChallengeValueMayBeginWithDash) {
  // 0xfb… encodes as "-…" in base64url.
  Bytes challenge(16, 0x42);
  challenge[0] = 0xfb;
  const std::string encoded = Base64UrlEncode(challenge);
  ASSERT_EQ(encoded[0], '-');
  SoftwareAuthenticator authn = NewAuthenticator();
  const std::string response = RegistrationJson(authn, challenge);

  RunResult separate =
      Run({"verify-registration", "--rp-id", kRpId, "--origin", kOrigin, "--challenge", encoded},
          response);
  EXPECT_EQ(separate.exit_code, 0) << separate.out << separate.err;

  RunResult joined = Run({"verify-registration", "--rp-id=" + std::string(kRpId),
                          "--origin=" + std::string(kOrigin), "--challenge=" + encoded},
                         response);
  EXPECT_EQ(joined.exit_code, 0) << joined.out << joined.err;
}

TEST_F(CliTest, MalformedResponseJsonIsRejected) {
  const std::vector<std::string> args = Concat({"verify-registration"}, RpFlags(Bytes(16, 1)));
  ExpectRejected(Run(args, "{not json"), "malformed_response");
  ExpectRejected(Run(args, ""), "malformed_response");
  ExpectRejected(Run(args, "{}"), "malformed_response");
  ExpectRejected(Run(args, "[1, 2, 3]"), "malformed_response");
  ExpectRejected(Run(args, std::string("\xff\xfe\x00garbage", 10)), "malformed_response");
  ExpectRejected(
      Run(Concat({"verify-authentication", "--credential", WriteFile("r.json", R"({"id":"AQ"})")},
                 RpFlags(Bytes(16, 1))),
          "{\"id\": 1}"),
      // The record is read first: a record without publicKey is
      // malformed before the response is looked at.
      "malformed_credential_record");
}

TEST_F(CliTest, DeeplyNestedResponseIsRejectedNotCrashed) {
  const std::vector<std::string> args = Concat({"verify-registration"}, RpFlags(Bytes(16, 1)));
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  ExpectRejected(Run(args, deep), "malformed_response");
}

TEST_F(CliTest, PublicKeyAlgorithmOutsideInt64OrNotAnIntegerIsMalformed) {
  SoftwareAuthenticator authn = NewAuthenticator();
  const Bytes challenge(16, 0x12);
  const std::vector<std::string> args = Concat({"verify-registration"}, RpFlags(challenge));
  const std::string response = RegistrationJson(authn, challenge);
  const std::string member = R"("publicKeyAlgorithm":-7)";
  const std::size_t at = response.find(member);
  ASSERT_NE(at, std::string::npos) << response;
  const auto with = [&](const std::string& token) {
    std::string text = response;
    text.replace(at, member.size(), R"("publicKeyAlgorithm":)" + token);
    return text;
  };
  EXPECT_EQ(Run(args, with("-7")).exit_code, 0);
  // 18446744073709551609 and -7.0000000000000001 are -7 after wrap-around
  // or rounding; neither may pass as ES256.
  for (const char* token : {"18446744073709551609", "9223372036854775808",
                            "-9223372036854775809", "1e400", "-7.0", "-7.0000000000000001",
                            "-7e0", "\"-7\""}) {
    ExpectRejected(Run(args, with(token)), "malformed_response");
  }
}

TEST_F(CliTest, OversizedResponseIsRejected) {
  const std::vector<std::string> args = Concat({"verify-registration"}, RpFlags(Bytes(16, 1)));
  ExpectRejected(Run(args, std::string(2 * 1024 * 1024, ' ')), "malformed_response");
}

TEST_F(CliTest, ValidRegistrationPrintsRecord) {
  SoftwareAuthenticator authn = NewAuthenticator();
  const Bytes challenge(16, 0x11);
  const std::string path = WriteFile("response.json", RegistrationJson(authn, challenge));
  RunResult r =
      Run(Concat({"verify-registration"}, Concat(RpFlags(challenge), {"--response", path})));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json record = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(record.is_object()) << r.out;
  EXPECT_EQ(record.value("id", ""), Base64UrlEncode(authn.credential_id()));
  EXPECT_EQ(record.value("publicKey", ""), Base64UrlEncode(authn.CosePublicKey()));
  EXPECT_EQ(record.value("signCount", -1), 0);
  EXPECT_EQ(record.value("rpId", ""), kRpId);
  EXPECT_EQ(record.value("attestationFormat", ""), "none");
  EXPECT_EQ(record.value("createdAt", ""), kNow);
  // The record printed is exactly what the library reads back.
  EXPECT_THAT(CredentialRecordFromJson(r.out), IsOk());
}

// Packed attestation with an x5c issued by a fresh test root: the trust
// flags decide whether it is trusted, untrusted or rejected.
class CliAttestationTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (IsSkipped()) return;
    Result<TestCa> root = TestCa::CreateRoot("cli test root");
    ASSERT_TRUE(root.has_value());
    root_pem_ = root->certificate_pem();
    root_der_ = root->certificate_der();
    PackedAttestationParams packed;
    packed.ca = &*root;
    packed.certificate.serial = 99;
    RegistrationParams params;
    params.rp_id = kRpId;
    params.origin = kOrigin;
    params.challenge = challenge_;
    params.format = "packed";
    params.attest = MakePackedAttestation(packed);
    SoftwareAuthenticator authn = NewAuthenticator();
    Result<std::string> response = authn.MakeCredentialJson(params);
    ASSERT_TRUE(response.has_value());
    response_ = WriteFile("packed.json", *response);
    Result<Bytes> crl = root->IssueCrl({99});
    ASSERT_TRUE(crl.has_value());
    crl_ = WriteFile("revoked.crl", std::string(crl->begin(), crl->end()));
    Result<Bytes> clean = root->IssueCrl({});
    ASSERT_TRUE(clean.has_value());
    clean_crl_ = WriteFile("clean.crl", std::string(clean->begin(), clean->end()));
    // A second credential whose attestation certificate names a CRL
    // distribution point.
    packed.certificate.serial = 100;
    packed.certificate.extensions.push_back(
        CrlDistributionPointsExtension("http://crl.example.com/cli-test-root.crl"));
    params.attest = MakePackedAttestation(packed);
    Result<std::string> with_cdp = authn.MakeCredentialJson(params);
    ASSERT_TRUE(with_cdp.has_value());
    cdp_response_ = WriteFile("packed-cdp.json", *with_cdp);
  }

  RunResult Verify(const std::vector<std::string>& extra) {
    return Run(Concat({"verify-registration"},
                      Concat(RpFlags(challenge_), Concat({"--response", response_}, extra))));
  }

  Bytes challenge_ = Bytes(16, 0x33);
  std::string root_pem_;
  Bytes root_der_;
  std::string response_;
  std::string crl_;
  std::string clean_crl_;
  std::string cdp_response_;
};

TEST_F(CliAttestationTest, TrustAnchorMakesTheAttestationTrusted) {
  const std::string pem = WriteFile("root.pem", root_pem_);
  RunResult r = Verify({"--trust-anchor", pem, "--require-trusted-attestation"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json record = json::parse(r.out, nullptr, false);
  EXPECT_EQ(record.value("attestationType", ""), "basic");
  EXPECT_EQ(record.value("attestationTrusted", false), true);
  // DER works the same.
  const std::string der = WriteFile("root.der", std::string(root_der_.begin(), root_der_.end()));
  r = Verify({"--trust-anchor=" + der});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out, nullptr, false).value("attestationTrusted", false), true);
}

TEST_F(CliAttestationTest, NoAnchorIsUntrustedAndRejectedWhenRequired) {
  RunResult r = Verify({});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out, nullptr, false).value("attestationTrusted", true), false);
  ExpectRejected(Verify({"--require-trusted-attestation"}), "attestation_untrusted");
}

TEST_F(CliAttestationTest, NowOutsideTheCertificateValidityIsRejected) {
  ExpectRejected(Run(Concat({"verify-registration"},
                            {"--rp-id", kRpId, "--origin", kOrigin, "--challenge",
                             Base64UrlEncode(challenge_), "--now", "2045-01-01T00:00:00Z",
                             "--response", response_})),
                 "certificate_expired");
}

TEST_F(CliAttestationTest, CrlRevokesTheLeaf) {
  const std::string pem = WriteFile("root.pem", root_pem_);
  ExpectRejected(Verify({"--trust-anchor", pem, "--crl", crl_}), "certificate_revoked");
}

TEST_F(CliAttestationTest, RevocationCheckedSaysWhetherACrlCoveredThePath) {
  const std::string pem = WriteFile("root.pem", root_pem_);
  RunResult r = Verify({"--trust-anchor", pem, "--crl", clean_crl_});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out, nullptr, false).value("revocationChecked", false), true);
  r = Verify({"--trust-anchor", pem});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json record = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(record.contains("revocationChecked"));
  EXPECT_EQ(record["revocationChecked"], false);
}

TEST_F(CliAttestationTest, RequireRevocationCheckNeedsACrlForADistributionPoint) {
  const std::string pem = WriteFile("root.pem", root_pem_);
  const auto verify_cdp = [&](std::vector<std::string> extra) {
    return Run(Concat({"verify-registration"},
                      Concat(RpFlags(challenge_), Concat({"--response", cdp_response_}, extra))));
  };
  ExpectRejected(verify_cdp({"--trust-anchor", pem, "--require-revocation-check"}),
                 "certificate_invalid");
  ExpectRejected(verify_cdp({"--require-revocation-check"}), "certificate_invalid");
  RunResult r = verify_cdp({"--trust-anchor", pem, "--require-revocation-check", "--crl",
                            clean_crl_});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out, nullptr, false).value("revocationChecked", false), true);
  // Without the flag the same response is accepted, unchecked.
  r = verify_cdp({"--trust-anchor", pem});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out, nullptr, false).value("revocationChecked", true), false);
  // A certificate without a distribution point needs no CRL.
  r = Verify({"--trust-anchor", pem, "--require-revocation-check"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(CliAttestationTest, BadTrustFilesAreUsageErrors) {
  ExpectUsageError(Verify({"--trust-anchor", dir_ + "/missing.pem"}));
  ExpectUsageError(Verify({"--trust-anchor", WriteFile("junk.pem", "not a certificate")}));
  ExpectUsageError(Verify({"--crl", WriteFile("junk.crl", "not a crl")}));
  // Registration-only flags are usage errors for verify-authentication.
  ExpectUsageError(Run({"verify-authentication", "--require-trusted-attestation"}));
}

TEST_F(CliTest, RegistrationWithWrongChallengeIsRejected) {
  SoftwareAuthenticator authn = NewAuthenticator();
  ExpectRejected(Run(Concat({"verify-registration"}, RpFlags(Bytes(16, 0x22))),
                     RegistrationJson(authn, Bytes(16, 0x11))),
                 "challenge_mismatch");
}

TEST_F(CliTest, RegistrationWithWrongOriginIsRejected) {
  SoftwareAuthenticator authn = NewAuthenticator();
  const Bytes challenge(16, 0x11);
  ExpectRejected(Run({"verify-registration", "--rp-id", kRpId, "--origin", "https://evil.example",
                      "--challenge", Base64UrlEncode(challenge)},
                     RegistrationJson(authn, challenge)),
                 "origin_mismatch");
}

TEST_F(CliTest, AuthenticationPrintsUpdatedRecord) {
  SoftwareAuthenticator authn = NewAuthenticator();
  const std::string record = RegisterViaCli(authn);
  const Bytes challenge(16, 0x33);
  Result<std::string> assertion = authn.GetAssertionJson(Assertion(challenge, 7));
  ASSERT_THAT(assertion, IsOk());
  RunResult r = Run(Concat({"verify-authentication", "--credential", record}, RpFlags(challenge)),
                    *assertion);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json out = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(out.is_object()) << r.out;
  EXPECT_EQ(out.size(), 4U) << r.out;  // no signCountRollback
  ASSERT_TRUE(out.contains("credential") && out["credential"].is_object());
  EXPECT_EQ(out.value("signCount", -1), 7);
  EXPECT_EQ(out.value("userVerified", false), true);
  ASSERT_TRUE(out.contains("backupState") && out["backupState"].is_boolean());
  EXPECT_EQ(out["backupState"].get<bool>(), false);
  const json& credential = out["credential"];
  EXPECT_EQ(credential.value("id", ""), Base64UrlEncode(authn.credential_id()));
  EXPECT_EQ(credential.value("signCount", -1), 7);
  EXPECT_EQ(credential.value("uvInitialized", false), true);
  EXPECT_EQ(credential.value("lastUsedAt", ""), kNow);
}

TEST_F(CliTest, TamperedAssertionIsRejected) {
  SoftwareAuthenticator authn = NewAuthenticator();
  const std::string record = RegisterViaCli(authn);
  const Bytes challenge(16, 0x33);
  AssertionParams params = Assertion(challenge, 1);
  params.edit_signature = [](Bytes& sig) {
    // Flip a bit inside the DER INTEGER s (the last byte), keeping the DER
    // structure intact.
    sig.back() = static_cast<std::uint8_t>(sig.back() ^ 0x01U);
  };
  Result<std::string> assertion = authn.GetAssertionJson(params);
  ASSERT_THAT(assertion, IsOk());
  ExpectRejected(Run(Concat({"verify-authentication", "--credential", record}, RpFlags(challenge)),
                     *assertion),
                 "signature_invalid");
}

TEST_F(CliTest, AuthenticationWithWrongChallengeIsRejected) {
  SoftwareAuthenticator authn = NewAuthenticator();
  const std::string record = RegisterViaCli(authn);
  Result<std::string> assertion = authn.GetAssertionJson(Assertion(Bytes(16, 0x33), 1));
  ASSERT_THAT(assertion, IsOk());
  ExpectRejected(
      Run(Concat({"verify-authentication", "--credential", record}, RpFlags(Bytes(16, 0x44))),
          *assertion),
      "challenge_mismatch");
}

TEST_F(CliTest, SignCountRollbackRejectedUnlessAllowed) {
  SoftwareAuthenticator authn = NewAuthenticator();
  const std::string record = RegisterViaCli(authn, /*sign_count=*/5);
  const Bytes challenge(16, 0x33);
  Result<std::string> assertion = authn.GetAssertionJson(Assertion(challenge, 5));
  ASSERT_THAT(assertion, IsOk());
  const std::vector<std::string> args =
      Concat({"verify-authentication", "--credential", record}, RpFlags(challenge));
  ExpectRejected(Run(args, *assertion), "sign_count_rollback");

  RunResult allowed = Run(Concat(args, {"--allow-sign-count-rollback"}), *assertion);
  ASSERT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  json out = json::parse(allowed.out, nullptr, false);
  ASSERT_TRUE(out.is_object()) << allowed.out;
  EXPECT_EQ(out.value("signCountRollback", false), true);
}

TEST_F(CliTest, MalformedCredentialRecordIsRejected) {
  SoftwareAuthenticator authn = NewAuthenticator();
  const Bytes challenge(16, 0x33);
  Result<std::string> assertion = authn.GetAssertionJson(Assertion(challenge, 1));
  ASSERT_THAT(assertion, IsOk());
  ExpectRejected(
      Run(Concat({"verify-authentication", "--credential", WriteFile("bad.json", "{not json")},
                 RpFlags(challenge)),
          *assertion),
      "malformed_credential_record");
  const std::string v2 = R"({"version": 2, "id": ")" + Base64UrlEncode(authn.credential_id()) +
                         R"(", "publicKey": ")" + Base64UrlEncode(authn.CosePublicKey()) +
                         R"(", "signCount": 0})";
  ExpectRejected(Run(Concat({"verify-authentication", "--credential", WriteFile("v2.json", v2)},
                            RpFlags(challenge)),
                     *assertion),
                 "unsupported_record_version");
  // An algorithm that is ES256 (-7) only after 64-bit wrap-around.
  const std::string wrapped = R"({"id": ")" + Base64UrlEncode(authn.credential_id()) +
                              R"(", "publicKey": ")" + Base64UrlEncode(authn.CosePublicKey()) +
                              R"(", "algorithm": 18446744073709551609})";
  ExpectRejected(
      Run(Concat({"verify-authentication", "--credential", WriteFile("wrapped.json", wrapped)},
                 RpFlags(challenge)),
          *assertion),
      "malformed_credential_record");
}

TEST_F(CliTest, MinimalRecordIsAccepted) {
  SoftwareAuthenticator authn = NewAuthenticator();
  const std::string minimal = R"({"id": ")" + Base64UrlEncode(authn.credential_id()) +
                              R"(", "publicKey": ")" + Base64UrlEncode(authn.CosePublicKey()) +
                              R"("})";
  const Bytes challenge(16, 0x33);
  Result<std::string> assertion = authn.GetAssertionJson(Assertion(challenge, 3));
  ASSERT_THAT(assertion, IsOk());
  RunResult r =
      Run(Concat({"verify-authentication", "--credential", WriteFile("min.json", minimal)},
                 RpFlags(challenge)),
          *assertion);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(CliTest, DemoSucceeds) {
  RunResult r = Run({"demo"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("signature_invalid"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace passkey
