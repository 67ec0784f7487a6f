// `passkey options registration|authentication`: the printed JSON (parsed
// here), the flag conventions of the CLI contract, usage errors (exit 2),
// and a round trip into `passkey verify-registration`.
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>

#include "cli_runner.h"
#include "test_util.h"

namespace passkey {
namespace {

using nlohmann::json;
using test::RunResult;
using testing::RegistrationParams;
using testing::SoftwareAuthenticator;

class CliOptionsTest : public test::CliRunnerTest {
 protected:
  CliOptionsTest() : CliRunnerTest("passkey_cli_options_test") {}

  // RunJson runs the CLI, expects exit 0 and one JSON object on stdout.
  json RunJson(const std::vector<std::string>& args) {
    const RunResult result = Run(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    EXPECT_FALSE(result.out.empty());
    EXPECT_EQ(result.out.back(), '\n');
    json parsed = json::parse(result.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(parsed.is_object()) << result.out;
    return parsed;
  }

  // ExpectUsage: exit 2, nothing on stdout, a message on stderr.
  void ExpectUsage(const std::vector<std::string>& args, const std::string& message_part) {
    std::string joined;
    for (const std::string& arg : args) joined += arg + " ";
    SCOPED_TRACE(joined);
    const RunResult result = Run(args);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find(message_part), std::string::npos) << result.err;
  }
};

std::vector<std::string> Registration(std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"options",   "registration", "--rp-id",     "example.com",
                                   "--rp-name", "Example",      "--user-name", "alice"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<std::string> Authentication(std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"options", "authentication", "--rp-id", "example.com"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

Bytes Decode(const json& value) {
  EXPECT_TRUE(value.is_string());
  if (!value.is_string()) return {};
  Result<Bytes> decoded = Base64UrlDecode(value.get<std::string>());
  EXPECT_THAT(decoded, IsOk());
  return decoded.has_value() ? *decoded : Bytes{};
}

TEST_F(CliOptionsTest, RegistrationDefaults) {
  const json j = RunJson(Registration());
  EXPECT_EQ(j["rp"], (json{{"id", "example.com"}, {"name", "Example"}}));
  EXPECT_EQ(j["user"]["name"], "alice");
  EXPECT_EQ(j["user"]["displayName"], "alice");
  EXPECT_EQ(Decode(j["user"]["id"]).size(), 32u);  // generated user handle
  EXPECT_EQ(Decode(j["challenge"]).size(), 32u);
  json cred_params = json::array();
  for (const CoseAlgorithm alg : SupportedAlgorithms()) {
    cred_params.push_back({{"type", "public-key"}, {"alg", static_cast<int>(alg)}});
  }
  EXPECT_EQ(j["pubKeyCredParams"], cred_params);
  EXPECT_EQ(j["timeout"], 300000);
  EXPECT_EQ(j["excludeCredentials"], json::array());
  EXPECT_EQ(j["authenticatorSelection"],
            json::parse(R"({"residentKey":"required","requireResidentKey":true,
                            "userVerification":"required"})"));
  EXPECT_EQ(j["hints"], json::array());
  EXPECT_EQ(j["attestation"], "none");
  EXPECT_FALSE(j.contains("attestationFormats"));
  EXPECT_EQ(j["extensions"], json::parse(R"({"credProps":true})"));
}

TEST_F(CliOptionsTest, EachRunHasAFreshChallengeAndUserHandle) {
  const json a = RunJson(Registration());
  const json b = RunJson(Registration());
  EXPECT_NE(a["challenge"], b["challenge"]);
  EXPECT_NE(a["user"]["id"], b["user"]["id"]);
}

TEST_F(CliOptionsTest, RegistrationWithEveryFlag) {
  const json j = RunJson(Registration(
      {"--user-display-name", "Alice A.", "--user-id", "AQIDBA", "--exclude", "-_8B:usb,nfc",
       "--exclude=Qg", "--attachment", "cross-platform", "--resident-key", "preferred",
       "--user-verification", "discouraged", "--hint", "security-key", "--hint=hybrid",
       "--attestation", "direct", "--attestation-format", "packed", "--attestation-format",
       "tpm", "--timeout", "60000", "--alg", "EdDSA", "--alg=-7", "--alg", "RS1"}));
  EXPECT_EQ(j["user"], (json{{"id", "AQIDBA"}, {"name", "alice"}, {"displayName", "Alice A."}}));
  EXPECT_EQ(j["excludeCredentials"],
            json::parse(R"([{"type":"public-key","id":"-_8B","transports":["usb","nfc"]},
                            {"type":"public-key","id":"Qg"}])"));
  EXPECT_EQ(j["authenticatorSelection"],
            json::parse(R"({"authenticatorAttachment":"cross-platform",
                            "residentKey":"preferred","requireResidentKey":false,
                            "userVerification":"discouraged"})"));
  EXPECT_EQ(j["hints"], json::parse(R"(["security-key","hybrid"])"));
  EXPECT_EQ(j["attestation"], "direct");
  EXPECT_EQ(j["attestationFormats"], json::parse(R"(["packed","tpm"])"));
  EXPECT_EQ(j["timeout"], 60000);
  EXPECT_EQ(j["pubKeyCredParams"],
            json::parse(R"([{"type":"public-key","alg":-8},{"type":"public-key","alg":-7},
                            {"type":"public-key","alg":-65535}])"));
}

TEST_F(CliOptionsTest, ValuesMayBeginWithADash) {
  const json j = RunJson({"options", "registration", "--rp-id", "example.com", "--rp-name",
                          "-RP-", "--user-name", "--not-a-flag", "--user-id", "-abc",
                          "--exclude", "-_8B:-usb"});
  EXPECT_EQ(j["rp"]["name"], "-RP-");
  EXPECT_EQ(j["user"]["name"], "--not-a-flag");
  EXPECT_EQ(j["user"]["id"], "-abc");
  EXPECT_EQ(j["excludeCredentials"][0]["id"], "-_8B");
  EXPECT_EQ(j["excludeCredentials"][0]["transports"], json::parse(R"(["-usb"])"));
  const json eq = RunJson({"options", "registration", "--rp-id=example.com", "--rp-name=-x",
                           "--user-name=-y", "--user-id=-abc"});
  EXPECT_EQ(eq["rp"]["name"], "-x");
  EXPECT_EQ(eq["user"]["name"], "-y");
  EXPECT_EQ(eq["user"]["id"], "-abc");
}

TEST_F(CliOptionsTest, NamesAreEscapedAndUtf8) {
  const std::string name = "Zo\xc3\xab \"quoted\" \\ </script>\t\xf0\x9f\x94\x91";
  const json j = RunJson(Registration({"--user-display-name", name}));
  EXPECT_EQ(j["user"]["displayName"], name);
}

TEST_F(CliOptionsTest, AuthenticationDefaults) {
  const json j = RunJson(Authentication());
  std::set<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.insert(it.key());
  EXPECT_EQ(keys, (std::set<std::string>{"challenge", "timeout", "rpId", "allowCredentials",
                                         "userVerification", "hints"}));
  EXPECT_EQ(Decode(j["challenge"]).size(), 32u);
  EXPECT_EQ(j["rpId"], "example.com");
  EXPECT_EQ(j["allowCredentials"], json::array());
  EXPECT_EQ(j["userVerification"], "required");
  EXPECT_EQ(j["timeout"], 300000);
}

TEST_F(CliOptionsTest, AuthenticationWithEveryFlag) {
  const json j = RunJson(Authentication({"--allow", "AQID:internal,hybrid", "--allow=-_8",
                                         "--user-verification", "preferred", "--hint",
                                         "client-device", "--timeout=0"}));
  EXPECT_EQ(j["allowCredentials"],
            json::parse(R"([{"type":"public-key","id":"AQID","transports":["internal","hybrid"]},
                            {"type":"public-key","id":"-_8"}])"));
  EXPECT_EQ(j["userVerification"], "preferred");
  EXPECT_EQ(j["hints"], json::parse(R"(["client-device"])"));
  EXPECT_FALSE(j.contains("timeout"));  // 0 = omitted
}

TEST_F(CliOptionsTest, HelpExitsZero) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"options", "--help"},
        std::vector<std::string>{"options", "registration", "--help"},
        std::vector<std::string>{"options", "authentication", "-h"}}) {
    const RunResult result = Run(args);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_NE(result.out.find("Usage: passkey options"), std::string::npos);
  }
  const RunResult top = Run({"--help"});
  EXPECT_NE(top.out.find("options"), std::string::npos);
}

TEST_F(CliOptionsTest, UsageErrorsExitTwo) {
  ExpectUsage({"options"}, "missing the ceremony");
  ExpectUsage({"options", "login"}, "unknown ceremony");
  ExpectUsage({"options", "registration", "--rp-name", "E", "--user-name", "a"},
              "--rp-id");
  ExpectUsage({"options", "registration", "--rp-id", "example.com", "--user-name", "a"},
              "--rp-name");
  ExpectUsage({"options", "registration", "--rp-id", "example.com", "--rp-name", "E"},
              "--user-name");
  ExpectUsage({"options", "authentication"}, "--rp-id");
  ExpectUsage(Authentication({"--rp-id", "example.org"}), "more than once");
  ExpectUsage(Authentication({"--rp-name", "E"}), "unknown option '--rp-name'");
  ExpectUsage(Authentication({"--exclude", "AQID"}), "unknown option '--exclude'");
  ExpectUsage(Registration({"--allow", "AQID"}), "unknown option '--allow'");
  ExpectUsage(Registration({"extra"}), "unexpected argument");
  ExpectUsage(Registration({"--timeout"}), "needs a value");
  ExpectUsage(Registration({"--user-name="}), "non-empty");
  ExpectUsage(Registration({"--user-id", "AQID="}), "--user-id");
  ExpectUsage(Registration({"--user-id", std::string(87, 'A')}),
              "--user-id must be 1..64 bytes, not 65");
  ExpectUsage(Registration({"--exclude", "not*b64"}), "--exclude");
  ExpectUsage(Registration({"--exclude", "AQID:usb,"}), "empty transport");
  ExpectUsage(Registration({"--exclude", std::string(1366, 'A')}), "1023");  // 1024 bytes
  ExpectUsage(Registration({"--attachment", "roaming"}), "--attachment");
  ExpectUsage(Registration({"--resident-key", "yes"}), "--resident-key");
  ExpectUsage(Registration({"--user-verification", "always"}), "--user-verification");
  ExpectUsage(Authentication({"--user-verification", "never"}), "--user-verification");
  ExpectUsage(Registration({"--hint", "usb"}), "--hint");
  ExpectUsage(Registration({"--hint", "hybrid", "--hint", "hybrid"}),
              "--hint lists \"hybrid\" twice");
  ExpectUsage(Registration({"--attestation", "full"}), "--attestation");
  ExpectUsage(Registration({"--timeout", "-1"}), "--timeout");
  ExpectUsage(Registration({"--timeout", "4294967296"}), "--timeout");
  ExpectUsage(Registration({"--timeout", "10s"}), "--timeout");
  ExpectUsage(Registration({"--alg", "HS256"}), "--alg");
  ExpectUsage(Registration({"--alg", "-999"}), "--alg");
  ExpectUsage(Registration({"--alg", "ES256", "--alg", "-7"}), "twice");
}

TEST_F(CliOptionsTest, InvalidValuesCheckedByTheLibraryExitTwo) {
  for (const char* rp_id : {"Example.com", "127.0.0.1", "example.com.", "https://a.com"}) {
    ExpectUsage({"options", "registration", "--rp-id", rp_id, "--rp-name", "E", "--user-name",
                 "a"},
                "--rp-id '" + std::string(rp_id) + "' is not a valid RP ID");
    ExpectUsage({"options", "authentication", "--rp-id", rp_id},
                "--rp-id '" + std::string(rp_id) + "' is not a valid RP ID");
  }
  ExpectUsage(Registration({"--user-display-name", "bad\xc3("}), "UTF-8");
  ExpectUsage(Registration({"--attestation-format", "packed", "--attestation-format=packed"}),
              "twice");
}

// The printed options drive a real registration: the software
// authenticator answers them and `passkey verify-registration` accepts the
// response with the printed challenge.
TEST_F(CliOptionsTest, PrintedOptionsVerifyEndToEnd) {
  const json j = RunJson(Registration({"--alg", "ES256"}));
  Result<SoftwareAuthenticator> authn =
      SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "cli_options_test");
  ASSERT_THAT(authn, IsOk());
  RegistrationParams params;
  params.rp_id = j["rp"]["id"].get<std::string>();
  params.origin = "https://example.com";
  params.challenge = Decode(j["challenge"]);
  Result<std::string> response = authn->MakeCredentialJson(params);
  ASSERT_THAT(response, IsOk());
  const RunResult verified =
      Run({"verify-registration", "--rp-id", "example.com", "--origin", "https://example.com",
           "--challenge", j["challenge"].get<std::string>(), "--algorithm", "-7"},
          *response);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  // Another run's challenge does not match this response.
  const json other = RunJson(Registration());
  const RunResult mismatch =
      Run({"verify-registration", "--rp-id", "example.com", "--origin", "https://example.com",
           "--challenge", other["challenge"].get<std::string>()},
          *response);
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_NE(mismatch.out.find("challenge_mismatch"), std::string::npos) << mismatch.out;
}

}  // namespace
}  // namespace passkey
