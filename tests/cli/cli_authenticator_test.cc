// `passkey authenticator create|get|ca`: responses made from the options
// `passkey options` prints verify with `passkey verify-registration` /
// `verify-authentication` for every attestation format × algorithm, and
// every refusal (of the authenticator, or of the verifier given a
// defective setup) carries its exact code.
#include <sys/stat.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <passkey/passkey.h>
#include <passkey/testing/standard_attestation.h>

#include "cli_runner.h"

namespace passkey {
namespace {

using nlohmann::json;
using test::RunResult;

constexpr char kRpId[] = "example.com";
constexpr char kOrigin[] = "https://example.com";

json Parse(const std::string& text) {
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

// ErrorCodeOf: the "code" of a {"error": {...}} output ("" when absent).
std::string ErrorCodeOf(const RunResult& result) {
  const json parsed = Parse(result.out);
  if (!parsed.is_object() || !parsed.contains("error") || !parsed["error"].is_object() ||
      !parsed["error"].contains("code") || !parsed["error"]["code"].is_string()) {
    return "";
  }
  return parsed["error"]["code"].get<std::string>();
}

class CliAuthenticatorTest : public test::CliRunnerTest {
 protected:
  CliAuthenticatorTest() : CliRunnerTest("passkey_cli_authenticator_test") {}

  void SetUp() override {
    CliRunnerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = dir_ + "/store.json";
  }

  // Options runs `passkey options ...` and returns its JSON text.
  std::string Options(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"options"};
    argv.insert(argv.end(), args.begin(), args.end());
    const RunResult result = Run(argv);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  }

  std::string RegistrationOptions(const std::vector<std::string>& extra = {},
                                  const std::string& user = "alice") {
    std::vector<std::string> args = {"registration", "--rp-id", kRpId,
                                     "--rp-name",    "Example", "--user-name", user};
    args.insert(args.end(), extra.begin(), extra.end());
    return Options(args);
  }

  std::string AuthenticationOptions(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"authentication", "--rp-id", kRpId};
    args.insert(args.end(), extra.begin(), extra.end());
    return Options(args);
  }

  // Authenticator runs `passkey authenticator <sub> --store store_ ...`.
  RunResult Authenticator(const std::string& sub, const std::vector<std::string>& extra,
                          const std::string& options, const std::string& origin = kOrigin) {
    std::vector<std::string> args = {"authenticator", sub, "--store", store_, "--origin", origin};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args, options);
  }

  // CaPath writes the store's attestation CA to a file and returns its path.
  std::string CaPath() {
    const RunResult result = Run({"authenticator", "ca", "--store", store_});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
    return WriteFile("ca.pem", result.out);
  }

  static std::string ChallengeOf(const std::string& options) {
    return Parse(options)["challenge"].get<std::string>();
  }

  RunResult VerifyRegistration(const std::string& options, const std::string& response,
                               const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"verify-registration", "--rp-id",     kRpId,
                                     "--origin",            kOrigin,       "--challenge",
                                     ChallengeOf(options),  "--response", WriteFile("reg.json", response)};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }

  RunResult VerifyAuthentication(const std::string& options, const std::string& record,
                                 const std::string& response,
                                 const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"verify-authentication",
                                     "--rp-id",
                                     kRpId,
                                     "--origin",
                                     kOrigin,
                                     "--challenge",
                                     ChallengeOf(options),
                                     "--credential",
                                     WriteFile("record.json", record),
                                     "--response",
                                     WriteFile("auth.json", response)};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }

  // Register: options → create → verify-registration; returns the record.
  std::string Register(const std::vector<std::string>& option_flags = {},
                       const std::vector<std::string>& create_flags = {},
                       const std::string& user = "alice") {
    const std::string options = RegistrationOptions(option_flags, user);
    const RunResult created = Authenticator("create", create_flags, options);
    EXPECT_EQ(created.exit_code, 0) << created.out << created.err;
    const RunResult verified = VerifyRegistration(options, created.out);
    EXPECT_EQ(verified.exit_code, 0) << verified.out;
    return verified.out;
  }

  // StoredUserHandle: the user handle of the store's first credential.
  json StoredUserHandle() { return Parse(test::Slurp(store_))["credentials"][0]["userHandle"]; }

  std::string store_;
};

// --- Every format × algorithm --------------------------------------------------

struct AlgName {
  CoseAlgorithm alg;
  const char* name;
};
constexpr AlgName kAlgs[] = {{CoseAlgorithm::kEs256, "ES256"}, {CoseAlgorithm::kEdDsa, "EdDSA"},
                             {CoseAlgorithm::kEd448, "Ed448"}, {CoseAlgorithm::kEs384, "ES384"},
                             {CoseAlgorithm::kEs512, "ES512"}, {CoseAlgorithm::kPs256, "PS256"},
                             {CoseAlgorithm::kRs256, "RS256"}, {CoseAlgorithm::kRs512, "RS512"}};

class CliAuthenticatorRoundTripTest
    : public CliAuthenticatorTest,
      public ::testing::WithParamInterface<std::tuple<const char*, AlgName>> {};

TEST_P(CliAuthenticatorRoundTripTest, VerifiesAndCounterRises) {
  const std::string format = std::get<0>(GetParam());
  const AlgName alg = std::get<1>(GetParam());
  if (!testing::StandardAttestationSupports(format, alg.alg)) {
    // The authenticator must refuse rather than make a statement that
    // cannot exist (fido-u2f is P-256 only, a TPM has no EdDSA).
    const std::string options = RegistrationOptions({"--alg", alg.name});
    const RunResult refused = Authenticator("create", {"--attestation", format}, options);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_EQ(ErrorCodeOf(refused), "unsupported_algorithm") << refused.out;
    return;
  }
  // The first supported algorithm is taken: RS1 (not made) comes first.
  const std::string options = RegistrationOptions({"--alg", "RS1", "--alg", alg.name});
  const RunResult created = Authenticator("create", {"--attestation", format}, options);
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  const json response = Parse(created.out);
  ASSERT_TRUE(response.is_object()) << created.out;
  EXPECT_EQ(response["response"]["publicKeyAlgorithm"], static_cast<int>(alg.alg));
  EXPECT_EQ(response["clientExtensionResults"], json::object());
  EXPECT_TRUE(response["response"].contains("publicKey"));
  EXPECT_TRUE(response["response"].contains("authenticatorData"));

  std::vector<std::string> trust = {"--algorithm", std::to_string(static_cast<int>(alg.alg))};
  if (format != "none") {
    trust.insert(trust.end(), {"--trust-anchor", CaPath(), "--require-trusted-attestation"});
  }
  const RunResult registered = VerifyRegistration(options, created.out, trust);
  ASSERT_EQ(registered.exit_code, 0) << registered.out;
  std::string record = registered.out;
  EXPECT_EQ(Parse(record)["attestationFormat"], format);
  EXPECT_EQ(Parse(record)["signCount"], 0);

  for (int expected = 1; expected <= 2; ++expected) {
    const std::string request = AuthenticationOptions({"--allow", Parse(record)["id"]});
    const RunResult got = Authenticator("get", {}, request);
    ASSERT_EQ(got.exit_code, 0) << got.out << got.err;
    const RunResult verified = VerifyAuthentication(request, record, got.out);
    ASSERT_EQ(verified.exit_code, 0) << verified.out;
    const json result = Parse(verified.out);
    EXPECT_EQ(result["signCount"], expected);
    EXPECT_EQ(result["userVerified"], true);
    record = result["credential"].dump();
  }
}

std::string RoundTripName(
    const ::testing::TestParamInfo<std::tuple<const char*, AlgName>>& info) {
  std::string name = std::string(std::get<0>(info.param)) + "_" + std::get<1>(info.param).name;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllFormats, CliAuthenticatorRoundTripTest,
                         ::testing::Combine(::testing::Values("none", "packed", "fido-u2f", "tpm",
                                                              "android-key", "apple"),
                                            ::testing::ValuesIn(kAlgs)),
                         RoundTripName);

// --- Behaviour -----------------------------------------------------------------

TEST_F(CliAuthenticatorTest, StoreIsPrivateAndPersistsTheCounter) {
  const std::string record = Register();
  struct stat info {};
  ASSERT_EQ(::stat(store_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const std::string request = AuthenticationOptions();
  ASSERT_EQ(Authenticator("get", {}, request).exit_code, 0);
  ASSERT_EQ(Authenticator("get", {}, request).exit_code, 0);
  const json store = Parse(test::Slurp(store_));
  ASSERT_EQ(store["credentials"].size(), 1u);
  const json& credential = store["credentials"][0];
  EXPECT_EQ(credential["id"], Parse(record)["id"]);
  EXPECT_EQ(credential["rpId"], kRpId);
  EXPECT_EQ(credential["alg"], -7);
  EXPECT_EQ(credential["signCount"], 2);
  EXPECT_NE(credential["privateKey"].get<std::string>().find("BEGIN PRIVATE KEY"),
            std::string::npos);
  // No temporary file is left beside the store.
  EXPECT_FALSE(std::filesystem::exists(store_ + ".tmp"));
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    files += entry.path().string().find("store.json") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(CliAuthenticatorTest, AcceptsOptionsWrappedInPublicKey) {
  const std::string options = RegistrationOptions();
  const RunResult created =
      Authenticator("create", {}, json{{"publicKey", Parse(options)}}.dump());
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  EXPECT_EQ(VerifyRegistration(options, created.out).exit_code, 0);
}

TEST_F(CliAuthenticatorTest, AllowCredentialsIsHonoured) {
  const std::string alice = Register({}, {}, "alice");
  const std::string bob = Register({}, {}, "bob");
  const std::string bob_id = Parse(bob)["id"];
  const std::string request = AuthenticationOptions({"--allow", bob_id});
  const RunResult got = Authenticator("get", {}, request);
  ASSERT_EQ(got.exit_code, 0) << got.out;
  EXPECT_EQ(Parse(got.out)["id"], bob_id);
  EXPECT_FALSE(Parse(got.out)["response"].contains("userHandle"));
  EXPECT_EQ(VerifyAuthentication(request, bob, got.out, {"--allow-credential", bob_id}).exit_code,
            0);
  // alice's assertion is not what the RP allowed: the verifier says so.
  const std::string alice_request = AuthenticationOptions({"--allow", Parse(alice)["id"]});
  const RunResult alice_got = Authenticator("get", {}, alice_request);
  ASSERT_EQ(alice_got.exit_code, 0);
  const RunResult refused =
      VerifyAuthentication(alice_request, alice, alice_got.out, {"--allow-credential", bob_id});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(refused), "credential_not_allowed") << refused.out;

  const RunResult unknown = Authenticator("get", {}, AuthenticationOptions({"--allow", "AQID"}));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(unknown), "no_credentials") << unknown.out;
}

TEST_F(CliAuthenticatorTest, UserHandleOnRequest) {
  const std::string record = Register();
  const std::string request = AuthenticationOptions({"--allow", Parse(record)["id"]});
  const RunResult got = Authenticator("get", {"--user-handle"}, request);
  ASSERT_EQ(got.exit_code, 0) << got.out;
  EXPECT_EQ(Parse(got.out)["response"]["userHandle"], StoredUserHandle());
}

TEST_F(CliAuthenticatorTest, DiscoverableCredentialCarriesUserHandle) {
  const std::string record = Register();
  const std::string request = AuthenticationOptions();
  const RunResult got = Authenticator("get", {}, request);
  ASSERT_EQ(got.exit_code, 0) << got.out;
  EXPECT_EQ(Parse(got.out)["response"]["userHandle"], StoredUserHandle());
  EXPECT_EQ(VerifyAuthentication(request, record, got.out, {"--discoverable"}).exit_code, 0);
}

TEST_F(CliAuthenticatorTest, NonDiscoverableCredentialNeedsAllowCredentials) {
  const std::string record = Register({"--resident-key", "discouraged"});
  const RunResult discoverable = Authenticator("get", {}, AuthenticationOptions());
  EXPECT_EQ(discoverable.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(discoverable), "no_credentials") << discoverable.out;
  const RunResult allowed =
      Authenticator("get", {}, AuthenticationOptions({"--allow", Parse(record)["id"]}));
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out;
}

TEST_F(CliAuthenticatorTest, ExcludeCredentialsRefusesAStoredCredential) {
  const std::string record = Register();
  const std::string before = test::Slurp(store_);
  const std::string options = RegistrationOptions({"--exclude", Parse(record)["id"]}, "alice2");
  const RunResult refused = Authenticator("create", {}, options);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(refused), "credential_excluded") << refused.out;
  EXPECT_EQ(test::Slurp(store_), before);  // nothing stored
  // A credential ID the store does not hold does not stop the ceremony.
  EXPECT_EQ(Authenticator("create", {}, RegistrationOptions({"--exclude", "AQID"}, "carol")).exit_code,
            0);
}

TEST_F(CliAuthenticatorTest, NoUvAgainstRequiredIsRefused) {
  const RunResult refused = Authenticator("create", {"--no-uv"}, RegistrationOptions());
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(refused), "user_not_verified") << refused.out;
  EXPECT_FALSE(std::filesystem::exists(store_));

  // userVerification preferred: the response says UV=0; an RP that
  // requires UV rejects it, one that prefers it accepts.
  const std::string options = RegistrationOptions({"--user-verification", "preferred"});
  const RunResult created = Authenticator("create", {"--no-uv"}, options);
  ASSERT_EQ(created.exit_code, 0) << created.out;
  const RunResult strict = VerifyRegistration(options, created.out);
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(strict), "user_not_verified") << strict.out;
  const RunResult lenient =
      VerifyRegistration(options, created.out, {"--user-verification", "preferred"});
  ASSERT_EQ(lenient.exit_code, 0) << lenient.out;

  const RunResult get_refused = Authenticator("get", {"--no-uv"}, AuthenticationOptions());
  EXPECT_EQ(get_refused.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(get_refused), "user_not_verified") << get_refused.out;
  const std::string request = AuthenticationOptions({"--user-verification", "preferred"});
  const RunResult got = Authenticator("get", {"--no-uv"}, request);
  ASSERT_EQ(got.exit_code, 0) << got.out;
  const RunResult verified = VerifyAuthentication(request, lenient.out, got.out,
                                                  {"--user-verification", "preferred"});
  ASSERT_EQ(verified.exit_code, 0) << verified.out;
  EXPECT_EQ(Parse(verified.out)["userVerified"], false);
}

TEST_F(CliAuthenticatorTest, BackupFlagsReachTheRecord) {
  const std::string record = Register({}, {"--backup-eligible", "--backup-state"});
  EXPECT_EQ(Parse(record)["backupEligible"], true);
  EXPECT_EQ(Parse(record)["backupState"], true);
  EXPECT_EQ(Parse(record)["deviceType"], "multiDevice");
  const std::string request = AuthenticationOptions();
  const RunResult got = Authenticator("get", {}, request);
  const RunResult verified = VerifyAuthentication(request, record, got.out);
  ASSERT_EQ(verified.exit_code, 0) << verified.out;
  EXPECT_EQ(Parse(verified.out)["backupState"], true);
}

TEST_F(CliAuthenticatorTest, WrongOriginOrRpIdIsRejectedByTheVerifier) {
  // A subdomain page may use the parent domain as RP ID; an RP that only
  // accepts https://example.com rejects the origin.
  const std::string options = RegistrationOptions();
  const RunResult sub = Authenticator("create", {}, options, "https://login.example.com");
  ASSERT_EQ(sub.exit_code, 0) << sub.out;
  const RunResult origin = VerifyRegistration(options, sub.out);
  EXPECT_EQ(origin.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(origin), "origin_mismatch") << origin.out;

  // Options for another RP ID, signed on that RP's page: this RP rejects
  // the rpIdHash.
  const std::string other =
      Options({"registration", "--rp-id", "other.example", "--rp-name", "O", "--user-name", "a"});
  const RunResult created = Authenticator("create", {}, other, "https://other.example");
  ASSERT_EQ(created.exit_code, 0) << created.out;
  const RunResult rp = VerifyRegistration(other, created.out, {"--origin", "https://other.example"});
  EXPECT_EQ(rp.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(rp), "rp_id_mismatch") << rp.out;

  // The client itself refuses an RP ID that is not the page's domain.
  const RunResult foreign = Authenticator("create", {}, options, "https://evil.test");
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(foreign), "rp_id_mismatch") << foreign.out;
  const RunResult suffix = Authenticator("create", {}, options, "https://notexample.com");
  EXPECT_EQ(ErrorCodeOf(suffix), "rp_id_mismatch") << suffix.out;
}

TEST_F(CliAuthenticatorTest, CorruptStoreIsMalformedStore) {
  for (const std::string& content :
       {std::string("not json"), std::string("{\"version\": 2, \"credentials\": []}"),
        std::string("{\"version\": 1}"),
        std::string("{\"version\": 1, \"credentials\": [{\"id\": \"AQID\"}]}")}) {
    SCOPED_TRACE(content);
    WriteFile("store.json", content);
    const RunResult result = Authenticator("get", {}, AuthenticationOptions());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(ErrorCodeOf(result), "malformed_store") << result.out;
    EXPECT_EQ(test::Slurp(store_), content);  // left as it was
  }
  // A key that does not parse is found when it is used.
  std::filesystem::remove(store_);
  Register();
  json store = Parse(test::Slurp(store_));
  store["credentials"][0]["privateKey"] = "-----BEGIN PRIVATE KEY-----\nAAAA\n";
  WriteFile("store.json", store.dump());
  const RunResult result = Authenticator("get", {}, AuthenticationOptions());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(result), "malformed_store") << result.out;
}

TEST_F(CliAuthenticatorTest, OptionsErrors) {
  const RunResult not_json = Authenticator("create", {}, "nope");
  EXPECT_EQ(not_json.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(not_json), "invalid_argument");
  json options = Parse(RegistrationOptions());
  options.erase("challenge");
  EXPECT_EQ(ErrorCodeOf(Authenticator("create", {}, options.dump())), "invalid_argument");
  const RunResult no_alg =
      Authenticator("create", {"--attestation", "fido-u2f"}, RegistrationOptions({"--alg", "EdDSA"}));
  EXPECT_EQ(no_alg.exit_code, 1);
  EXPECT_EQ(ErrorCodeOf(no_alg), "unsupported_algorithm");
  EXPECT_EQ(ErrorCodeOf(Authenticator("get", {}, AuthenticationOptions())), "no_credentials");
}

TEST_F(CliAuthenticatorTest, UsageErrors) {
  const std::vector<std::vector<std::string>> cases = {
      {"authenticator"},
      {"authenticator", "sign"},
      {"authenticator", "create", "--origin", kOrigin},
      {"authenticator", "create", "--store", store_},
      {"authenticator", "create", "--store", store_, "--origin", "http://example.com"},
      {"authenticator", "create", "--store", store_, "--origin", "https://example.com/path"},
      {"authenticator", "create", "--store", store_, "--origin", kOrigin, "--attestation", "x"},
      {"authenticator", "create", "--store", store_, "--origin", kOrigin, "--backup-state"},
      {"authenticator", "get", "--store", store_, "--origin", kOrigin, "--attestation", "tpm"},
      {"authenticator", "create", "--store", "-", "--origin", kOrigin},
      {"authenticator", "create", "--store", dir_, "--origin", kOrigin},  // a directory
  };
  for (const auto& args : cases) {
    std::string joined;
    for (const std::string& arg : args) joined += arg + " ";
    SCOPED_TRACE(joined);
    const RunResult result = Run(args, RegistrationOptions());
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_FALSE(result.err.empty());
  }
}

TEST_F(CliAuthenticatorTest, OptionValuesMayBeginWithADash) {
  // CONTRACT.md 1: `--store -name` and `--store=-name` name a file.
  const std::string options = RegistrationOptions();
  const std::string dashed = dir_ + "/-store.json";
  RunResult created = Run({"authenticator", "create", "--store", dashed, "--origin=" + std::string(kOrigin)},
                          options);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  created = Run({"authenticator", "create", "--store=" + dashed, "--origin", kOrigin},
                RegistrationOptions({}, "bob"));
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(Parse(test::Slurp(dashed))["credentials"].size(), 2u);
}

TEST_F(CliAuthenticatorTest, NewDiscoverableCredentialReplacesTheUsersOld) {
  const std::string user_id = "dXNlcg";
  Register({"--user-id", user_id});
  Register({"--user-id", user_id});
  EXPECT_EQ(Parse(test::Slurp(store_))["credentials"].size(), 1u);
}

}  // namespace
}  // namespace passkey
