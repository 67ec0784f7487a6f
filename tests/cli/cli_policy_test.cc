// The CLI side of issue #16's ceremony items: --allow-credential,
// --discoverable, verify-registration --user-handle and --mediation, and
// RP configuration errors as usage errors (exit 2).
#include <nlohmann/json.hpp>

#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>

#include <string>
#include <vector>

#include "cli_runner.h"
#include "test_util.h"

namespace passkey {
namespace {

using nlohmann::json;
using test::RunResult;
using testing::AssertionParams;
using testing::RegistrationParams;
using testing::SoftwareAuthenticator;

constexpr char kRpId[] = "example.com";
constexpr char kOrigin[] = "https://example.com";
constexpr char kNow[] = "2025-01-02T03:04:05Z";
const Bytes kAlice = {0xa1, 0x1c, 0xe0};

class CliPolicyTest : public test::CliRunnerTest {
 protected:
  CliPolicyTest() : CliRunnerTest("passkey_cli_policy_test") {}

  void SetUp() override {
    CliRunnerTest::SetUp();  // the per-test temporary directory
    if (IsSkipped()) return;
    auto created = SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "cli_policy_test");
    ASSERT_TRUE(created.has_value());
    authn_.emplace(std::move(created).value());
  }

  static std::vector<std::string> Flags(std::vector<std::string> head, const Bytes& challenge,
                                        const std::vector<std::string>& extra = {}) {
    const std::vector<std::string> rp = {"--rp-id", kRpId,   "--origin",
                                         kOrigin,   "--now", kNow,
                                         "--challenge", Base64UrlEncode(challenge)};
    head.insert(head.end(), rp.begin(), rp.end());
    head.insert(head.end(), extra.begin(), extra.end());
    return head;
  }

  std::string Registration(const Bytes& challenge, bool user_present = true) const {
    RegistrationParams params;
    params.rp_id = kRpId;
    params.origin = kOrigin;
    params.challenge = challenge;
    params.flags.user_present = user_present;
    auto made = authn_->MakeCredentialJson(params);
    EXPECT_TRUE(made.has_value());
    return made.has_value() ? *made : std::string();
  }

  std::string Assertion(const Bytes& challenge, std::optional<Bytes> user_handle) const {
    AssertionParams params;
    params.rp_id = kRpId;
    params.origin = kOrigin;
    params.challenge = challenge;
    params.sign_count = 3;
    params.user_handle = std::move(user_handle);
    auto made = authn_->GetAssertionJson(params);
    EXPECT_TRUE(made.has_value());
    return made.has_value() ? *made : std::string();
  }

  // Registers through the CLI with `extra` flags; returns the record path.
  std::string RegisterViaCli(const std::vector<std::string>& extra) {
    const Bytes challenge(16, 0x11);
    RunResult r = Run(Flags({"verify-registration"}, challenge, extra), Registration(challenge));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return WriteFile("record.json", r.out);
  }

  std::optional<SoftwareAuthenticator> authn_;
};

std::string ErrorCodeOf(const RunResult& r) {
  const json doc = json::parse(r.out, nullptr, false);
  if (doc.is_discarded() || !doc.contains("error")) return "(no error: " + r.out + ")";
  return doc["error"].value("code", "");
}

TEST_F(CliPolicyTest, AllowCredentialRejectsAnUnlistedCredential) {
  const std::string record = RegisterViaCli({});
  const Bytes challenge(16, 0x33);
  RunResult r = Run(Flags({"verify-authentication", "--credential", record}, challenge,
                          {"--allow-credential", Base64UrlEncode(Bytes(16, 0x55))}),
                    Assertion(challenge, std::nullopt));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(ErrorCodeOf(r), "credential_not_allowed");
  r = Run(Flags({"verify-authentication", "--credential", record}, challenge,
                {"--allow-credential", Base64UrlEncode(Bytes(16, 0x55)), "--allow-credential",
                 Base64UrlEncode(authn_->credential_id())}),
          Assertion(challenge, std::nullopt));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(CliPolicyTest, RegistrationUserHandleBindsTheRecordToItsOwner) {
  const std::string record = RegisterViaCli({"--user-handle", Base64UrlEncode(kAlice)});
  const json stored = json::parse(*test::ReadFile(record), nullptr, false);
  ASSERT_TRUE(stored.is_object());
  EXPECT_EQ(stored.value("userHandle", ""), Base64UrlEncode(kAlice));
  EXPECT_EQ(stored.value("userPresent", false), true);
  const Bytes challenge(16, 0x33);
  RunResult r = Run(Flags({"verify-authentication", "--credential", record}, challenge),
                    Assertion(challenge, Bytes{0x0b, 0x0b}));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(ErrorCodeOf(r), "user_handle_mismatch");
  r = Run(Flags({"verify-authentication", "--credential", record}, challenge),
          Assertion(challenge, kAlice));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(CliPolicyTest, DiscoverableNeedsAUserHandle) {
  const std::string record = RegisterViaCli({"--user-handle", Base64UrlEncode(kAlice)});
  const Bytes challenge(16, 0x33);
  RunResult r = Run(Flags({"verify-authentication", "--credential", record, "--discoverable"},
                          challenge),
                    Assertion(challenge, std::nullopt));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(ErrorCodeOf(r), "user_handle_missing");
  r = Run(Flags({"verify-authentication", "--credential", record, "--discoverable"}, challenge),
          Assertion(challenge, kAlice));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(CliPolicyTest, ConditionalMediationAcceptsUserNotPresent) {
  const Bytes challenge(16, 0x11);
  RunResult r = Run(Flags({"verify-registration"}, challenge),
                    Registration(challenge, /*user_present=*/false));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(ErrorCodeOf(r), "user_not_present");
  r = Run(Flags({"verify-registration", "--mediation", "conditional"}, challenge),
          Registration(challenge, /*user_present=*/false));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json record = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(record.is_object());
  ASSERT_TRUE(record.contains("userPresent"));
  EXPECT_EQ(record["userPresent"], false);
  r = Run(Flags({"verify-registration", "--mediation", "sometimes"}, challenge),
          Registration(challenge));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

TEST_F(CliPolicyTest, BadRpConfigurationIsAUsageErrorNamingTheValue) {
  const Bytes challenge(16, 0x11);
  const std::string response = Registration(challenge);
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"--rp-id", "https://example.com"},
           {"--rp-id", "example.com."},
           {"--rp-id", "Example.com"},
           {"--origin", "https://example.com/"},
           {"--origin", "https://example.com:443"},
           {"--origin", "https://EXAMPLE.com"},
           {"--top-origin", "https://partner.example/"}}) {
    std::vector<std::string> args = {"verify-registration", "--challenge",
                                     Base64UrlEncode(challenge), "--now", kNow};
    if (flag != "--rp-id") args.insert(args.end(), {"--rp-id", kRpId});
    if (flag != "--origin") args.insert(args.end(), {"--origin", kOrigin});
    args.insert(args.end(), {flag, value});
    RunResult r = Run(args, response);
    EXPECT_EQ(r.exit_code, 2) << flag << " " << value << ": " << r.out << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find(value), std::string::npos) << r.err;
    args[0] = "verify-authentication";
    args.insert(args.end(), {"--credential", WriteFile("record.json", "{}")});
    r = Run(args, response);
    EXPECT_EQ(r.exit_code, 2) << flag << " " << value << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(value), std::string::npos) << r.err;
  }
  RunResult r = Run({"options", "registration", "--rp-id", "example.com:8443", "--rp-name",
                     "Example", "--user-name", "alice"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("example.com:8443"), std::string::npos) << r.err;
  r = Run({"options", "authentication", "--rp-id", "example.com:8443"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("example.com:8443"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace passkey
