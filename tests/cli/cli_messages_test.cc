// The CLI's messages and I/O edges (issue #20 "CLI messages"): one stderr
// prefix per command, flag names in messages, why a base64url value is not
// strict, the note when a response is read from a terminal, exit 3 when
// stdout cannot be written, and `verify-authentication --credential`
// reading its own output and keeping record members it does not know.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
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
using testing::AssertionParams;
using testing::RegistrationParams;
using testing::SoftwareAuthenticator;

constexpr char kRpId[] = "example.com";
constexpr char kOrigin[] = "https://example.com";
constexpr char kNow[] = "2025-01-02T03:04:05Z";
constexpr char kNoSpace[] = "cannot write to standard output: No space left on device\n";

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The flags of a verify-* command for the test RP and `challenge`.
std::vector<std::string> RpFlags(const Bytes& challenge) {
  return {"--rp-id", kRpId, "--origin", kOrigin, "--challenge", Base64UrlEncode(challenge),
          "--now", kNow};
}

// UsageText: what a usage error prints on stderr.
std::string UsageText(const std::string& prefix, const std::string& message) {
  return prefix + ": " + message + "\nTry '" + prefix + " --help'.\n";
}

class CliMessagesTest : public test::CliRunnerTest {
 protected:
  CliMessagesTest() : CliRunnerTest("passkey_cli_messages_test") {}

  void SetUp() override {
    CliRunnerTest::SetUp();
    if (IsSkipped()) return;
    Result<SoftwareAuthenticator> created =
        SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "cli_messages_test");
    ASSERT_THAT(created, IsOk());
    authn_.emplace(std::move(created).value());
  }

  // ExpectUsage: exit 2, nothing on stdout, and exactly UsageText on stderr.
  void ExpectUsage(const std::vector<std::string>& args, const std::string& prefix,
                   const std::string& message) {
    const RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, UsageText(prefix, message));
  }

  // UsageMessage: exit 2 and the first stderr line (the message).
  std::string UsageMessage(const std::vector<std::string>& args) {
    const RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    return r.err.substr(0, r.err.find('\n'));
  }

  std::string RegistrationJson(const Bytes& challenge) {
    RegistrationParams params;
    params.rp_id = kRpId;
    params.origin = kOrigin;
    params.challenge = challenge;
    Result<std::string> response = authn_->MakeCredentialJson(params);
    EXPECT_THAT(response, IsOk());
    return response.has_value() ? *response : std::string();
  }

  std::string AssertionJson(const Bytes& challenge, std::uint32_t sign_count) {
    AssertionParams params;
    params.rp_id = kRpId;
    params.origin = kOrigin;
    params.challenge = challenge;
    params.sign_count = sign_count;
    Result<std::string> response = authn_->GetAssertionJson(params);
    EXPECT_THAT(response, IsOk());
    return response.has_value() ? *response : std::string();
  }

  // RegisteredRecord: the record verify-registration prints, as JSON.
  json RegisteredRecord() {
    const Bytes challenge(16, 0x11);
    const RunResult r =
        Run(Concat({"verify-registration"}, RpFlags(challenge)), RegistrationJson(challenge));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return json::parse(r.out, nullptr, false);
  }

  // SignIn runs verify-authentication with the record file `credential` and
  // an assertion with `sign_count`.
  RunResult SignIn(const std::string& credential, std::uint32_t sign_count,
                   const std::vector<std::string>& extra = {}) {
    const Bytes challenge(16, 0x22);
    return Run(Concat(Concat({"verify-authentication", "--credential", credential},
                             RpFlags(challenge)),
                      extra),
               AssertionJson(challenge, sign_count));
  }

  std::optional<SoftwareAuthenticator> authn_;
};

// ExpectRejected: exit 1 with exactly this code and message on stdout.
void ExpectRejected(const RunResult& r, const std::string& code, const std::string& message) {
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out, nullptr, false),
            (json{{"error", {{"code", code}, {"message", message}}}}))
      << r.out;
}

TEST_F(CliMessagesTest, EveryUsageErrorStartsWithItsCommand) {
  ExpectUsage({"options", "registration", "--rp-id", kRpId, "--user-name", "a"},
              "passkey options registration", "missing required option --rp-name");
  ExpectUsage({"options", "authentication"}, "passkey options authentication",
              "missing required option --rp-id");
  ExpectUsage({"options", "login"}, "passkey options",
              "unknown ceremony 'login' (registration or authentication)");
  ExpectUsage({"verify-registration", "--frobnicate"}, "passkey verify-registration",
              "unknown option '--frobnicate'");
  ExpectUsage({"verify-authentication", "--rp-id", kRpId, "--origin", kOrigin, "--challenge",
               "AAAA"},
              "passkey verify-authentication", "missing required option --credential");
  ExpectUsage({"aaguid"}, "passkey aaguid", "missing the AAGUID");
  ExpectUsage({"mds", "verify", "blob.jwt"}, "passkey mds verify",
              "missing required option --root");
  ExpectUsage({"mds", "check"}, "passkey mds", "unknown subcommand 'check'");
  ExpectUsage({"authenticator", "get", "--store", dir_ + "/keys.json"},
              "passkey authenticator get", "--origin ORIGIN is required");
  ExpectUsage({"authenticator", "ca"}, "passkey authenticator ca", "--store FILE is required");
  ExpectUsage({"demo", "now"}, "passkey demo", "unexpected argument 'now'");
  ExpectUsage({"verify-everything"}, "passkey", "unknown command 'verify-everything'");
}

TEST_F(CliMessagesTest, LibraryMessagesNameTheFlag) {
  const std::vector<std::string> registration = {"options",   "registration", "--rp-id",
                                                 kRpId,       "--rp-name",    "Example",
                                                 "--user-name", "alice"};
  const std::string long_id(1366, 'A');  // 1024 bytes
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"options", "registration", "--rp-id", "Example.com", "--rp-name", "E", "--user-name",
        "a"},
       "passkey options registration: --rp-id 'Example.com' is not a valid RP ID"},
      {{"options", "authentication", "--rp-id", "example.com:8443"},
       "passkey options authentication: --rp-id 'example.com:8443' is not a valid RP ID"},
      {Concat(registration, {"--user-id", std::string(87, 'A')}),
       "passkey options registration: --user-id must be 1..64 bytes, not 65"},
      {Concat(registration, {"--alg", "ES256", "--alg", "-7"}),
       "passkey options registration: --alg lists ES256 twice"},
      {Concat(registration, {"--exclude", "AQ", "--exclude", long_id}),
       "passkey options registration: --exclude #2: id is longer than 1023 bytes"},
      {Concat(registration, {"--attestation-format", "tpm", "--attestation-format", "tpm"}),
       "passkey options registration: --attestation-format lists \"tpm\" twice"},
      {Concat(registration, {"--user-display-name", "bad\xc3("}),
       "passkey options registration: --user-display-name is not valid UTF-8"},
      {{"options", "authentication", "--rp-id", kRpId, "--allow", long_id},
       "passkey options authentication: --allow #1: id is longer than 1023 bytes"},
      {{"verify-registration", "--rp-id", "Example.com", "--origin", kOrigin, "--challenge",
        "AAAA"},
       "passkey verify-registration: --rp-id 'Example.com' is not a valid RP ID"},
      {{"verify-registration", "--rp-id", kRpId, "--origin", "https://example.com/",
        "--challenge", "AAAA"},
       "passkey verify-registration: --origin 'https://example.com/' is not a serialized "
       "origin"},
      {{"verify-authentication", "--rp-id", kRpId, "--origin", kOrigin, "--top-origin", "x",
        "--challenge", "AAAA", "--credential", "r.json"},
       "passkey verify-authentication: --top-origin 'x' is not a serialized origin"},
  };
  for (const auto& [args, start] : cases) {
    SCOPED_TRACE(start);
    const std::string message = UsageMessage(args);
    EXPECT_EQ(message.substr(0, start.size()), start) << message;
    // The library's names for the values never reach the user.
    for (const char* name : {"rp_id", "user_id", "algorithms", "exclude_credentials",
                             "allow_credentials", "user_display_name", "attestation_formats",
                             "RP ID '", " origin '"}) {
      EXPECT_EQ(message.find(name), std::string::npos) << name << " in: " << message;
    }
  }
}

TEST_F(CliMessagesTest, Base64UrlValuesSayWhyTheyAreNotStrict) {
  const std::string prefix = "passkey options authentication";
  const std::vector<std::string> base = {"options", "authentication", "--rp-id", kRpId};
  // "AB": 12 bits for one byte; the 4 left over are 0001.
  ExpectUsage(Concat(base, {"--allow", "AB"}), prefix,
              "--allow 'AB' is not strict base64url: non-zero trailing bits: the last "
              "character 'B' carries 4 bits after the last byte, which must be 0 (the same "
              "bytes end in 'A')");
  ExpectUsage(Concat(base, {"--allow", "AAB:usb"}), prefix,
              "--allow 'AAB' is not strict base64url: non-zero trailing bits: the last "
              "character 'B' carries 2 bits after the last byte, which must be 0 (the same "
              "bytes end in 'A')");
  ExpectUsage(Concat(base, {"--allow", "AQ=="}), prefix,
              "--allow 'AQ==' is not strict base64url: '=' padding at position 3 (strict "
              "base64url has none: drop it)");
  ExpectUsage(Concat(base, {"--allow", "A+8"}), prefix,
              "--allow 'A+8' is not strict base64url: '+' at position 2 is standard base64, "
              "not base64url (which uses '-' for '+' and '_' for '/')");
  ExpectUsage(Concat(base, {"--allow", "A*"}), prefix,
              "--allow 'A*' is not strict base64url: '*' at position 2 is not a base64url "
              "character (A-Z a-z 0-9 - _)");
  ExpectUsage(Concat(base, {"--allow", "AAAAA"}), prefix,
              "--allow 'AAAAA' is not strict base64url: its length, 5 characters, is one more "
              "than a multiple of 4, which no byte string encodes");
  // The spelling the message suggests is the strict one.
  const RunResult fixed = Run(Concat(base, {"--allow", "AA"}));
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;

  // Every base64url flag explains the same way.
  const std::string why =
      " 'AB' is not strict base64url: non-zero trailing bits: the last character 'B'";
  const std::vector<std::string> registration = {"options",   "registration", "--rp-id",
                                                 kRpId,       "--rp-name",    "E",
                                                 "--user-name", "a"};
  for (const auto& [args, flag] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {Concat(registration, {"--user-id", "AB"}), "--user-id"},
           {Concat(registration, {"--exclude", "AB"}), "--exclude"},
           {{"verify-registration", "--rp-id", kRpId, "--origin", kOrigin, "--challenge", "AB"},
            "--challenge"},
           {Concat({"verify-registration", "--user-handle", "AB"}, RpFlags(Bytes(16, 1))),
            "--user-handle"},
           {Concat({"verify-authentication", "--credential", "r.json", "--allow-credential",
                    "AB"},
                   RpFlags(Bytes(16, 1))),
            "--allow-credential"}}) {
    const std::string message = UsageMessage(args);
    EXPECT_NE(message.find(": " + flag + why), std::string::npos) << message;
  }
}

TEST_F(CliMessagesTest, ResponseFromATerminalSaysItWaits) {
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) {
    GTEST_SKIP() << "no pseudo-terminal can be opened here: posix_openpt: "
                 << std::strerror(errno);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } close_master{master};
  const char* name = grantpt(master) == 0 && unlockpt(master) == 0 ? ptsname(master) : nullptr;
  if (name == nullptr) {
    GTEST_SKIP() << "no pseudo-terminal can be opened here: grantpt/unlockpt/ptsname: "
                 << std::strerror(errno);
  }
  const std::string terminal = name;
  const int slave = ::open(terminal.c_str(), O_RDWR | O_NOCTTY);
  ASSERT_GE(slave, 0) << terminal << ": " << std::strerror(errno);
  const Closer close_slave{slave};
  // No echo: nobody reads the terminal's output side.
  termios mode{};
  ASSERT_EQ(tcgetattr(slave, &mode), 0);
  mode.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ASSERT_EQ(tcsetattr(slave, TCSANOW, &mode), 0);

  const Bytes challenge(16, 0x33);
  const std::string response = RegistrationJson(challenge);
  ASSERT_LT(response.size(), 4000U);  // one canonical-mode line
  const std::string out_path = dir_ + "/stdout";
  const pid_t pid = Spawn(Concat({"verify-registration"}, RpFlags(challenge)), terminal,
                          O_RDWR | O_NOCTTY, out_path);
  ASSERT_GT(pid, 0);
  const std::string note =
      "passkey verify-registration: waiting for the response JSON on standard input (a "
      "terminal): paste it, then press Ctrl-D\n";
  // The note comes before any input: wait for it (up to 30 s), then type
  // the response and end it with Ctrl-D (VEOF at the start of a line).
  std::string before;
  for (int i = 0; i < 600 && before != note; ++i) {
    ::usleep(50 * 1000);
    before = test::Slurp(StderrPath());
  }
  const std::string typed = response + "\n\x04";
  EXPECT_EQ(::write(master, typed.data(), typed.size()), static_cast<ssize_t>(typed.size()));
  const RunResult r = Wait(pid, out_path);
  EXPECT_EQ(before, note);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, note);
  EXPECT_EQ(json::parse(r.out, nullptr, false).value("id", ""),
            Base64UrlEncode(authn_->credential_id()))
      << r.out;

  // Not a terminal: no note.
  const RunResult piped = Run(Concat({"verify-registration"}, RpFlags(challenge)), "{}");
  EXPECT_EQ(piped.exit_code, 1);
  EXPECT_EQ(piped.err, "");
}

TEST_F(CliMessagesTest, StdoutThatCannotBeWrittenExitsThree) {
  const std::string full = "/dev/full";
  if (!std::filesystem::exists(full)) GTEST_SKIP() << "no /dev/full on this system";
  const auto expect_three = [&](const std::vector<std::string>& args, const std::string& input,
                                const std::string& prefix) {
    SCOPED_TRACE(args[0]);
    const RunResult r = RunTo(args, input, full);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(r.err, prefix + ": " + kNoSpace);
  };
  const Bytes challenge(16, 0x44);
  const std::vector<std::string> verify = Concat({"verify-registration"}, RpFlags(challenge));
  expect_three(verify, RegistrationJson(challenge), "passkey verify-registration");
  // A rejection that cannot be printed is 3 too, never 1.
  expect_three(verify, "{}", "passkey verify-registration");
  expect_three({"options", "registration", "--rp-id", kRpId, "--rp-name", "E", "--user-name",
                "a"},
               "", "passkey options registration");
  expect_three({"aaguid", "00000000-0000-0000-0000-000000000000"}, "", "passkey aaguid");
  expect_three({"--help"}, "", "passkey");
  expect_three({"--version"}, "", "passkey");
  expect_three({"verify-authentication", "--help"}, "", "passkey verify-authentication");
  expect_three({"demo"}, "", "passkey demo");

  // The authenticator saves its store before it prints: the credential is
  // kept although the response is lost.
  const RunResult options = Run({"options", "registration", "--rp-id", kRpId, "--rp-name", "E",
                                 "--user-name", "a"});
  ASSERT_EQ(options.exit_code, 0) << options.err;
  const std::string store = dir_ + "/keys.json";
  expect_three({"authenticator", "create", "--store", store, "--origin", kOrigin}, options.out,
               "passkey authenticator create");
  const json saved = json::parse(test::Slurp(store), nullptr, false);
  ASSERT_TRUE(saved.is_object()) << test::Slurp(store);
  EXPECT_EQ(saved.value("credentials", json::array()).size(), 1U) << saved.dump();

  // A usage error writes nothing to stdout: still 2.
  const RunResult usage = RunTo({"options"}, "", full);
  EXPECT_EQ(usage.exit_code, 2);
}

TEST_F(CliMessagesTest, CredentialMayBeAPreviousOutput) {
  const std::string record = WriteFile("record.json", RegisteredRecord().dump());
  const RunResult first = SignIn(record, 5);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string output = WriteFile("output.json", first.out);
  const RunResult second = SignIn(output, 6);
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  const json out = json::parse(second.out, nullptr, false);
  ASSERT_TRUE(out.is_object() && out.contains("credential")) << second.out;
  EXPECT_EQ(out["credential"].value("signCount", 0), 6);
  EXPECT_EQ(out.value("signCount", 0), 6);
  // The counter read from the output (5) is enforced: 5 again is a rollback.
  ExpectRejected(SignIn(output, 5), "sign_count_rollback",
                 "signCount 5 does not exceed the stored 5");

  // The output form is checked as strictly as a record.
  json broken = json::parse(first.out, nullptr, false);
  broken["credential"].erase("publicKey");
  ExpectRejected(SignIn(WriteFile("broken.json", broken.dump()), 6),
                 "malformed_credential_record", "credential record lacks publicKey");
  std::string duplicate = first.out;
  duplicate.replace(duplicate.find("{\"credential\":{") + 15, 0, "\"signCount\":0,");
  ExpectRejected(SignIn(WriteFile("duplicate.json", duplicate), 6),
                 "malformed_credential_record", "credential record: duplicate JSON object key");
}

TEST_F(CliMessagesTest, UnknownRecordMembersSurviveARewrite) {
  json record = RegisteredRecord();
  ASSERT_TRUE(record.is_object());
  const json note = "blue key, desk drawer";
  const json tags = json::parse(R"({"tags": ["work", 2], "since": null})");
  record["x-app-note"] = note;
  record["x-app"] = tags;
  const RunResult first = SignIn(WriteFile("record.json", record.dump()), 1);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const json updated = json::parse(first.out, nullptr, false).value("credential", json());
  EXPECT_EQ(updated.value("x-app-note", json()), note) << first.out;
  EXPECT_EQ(updated.value("x-app", json()), tags);
  EXPECT_EQ(updated.value("signCount", 0), 1);  // known members are the new ones
  EXPECT_EQ(updated.value("lastUsedAt", ""), kNow);
  // Each member once: the record's known members and the two kept ones.
  json expected_keys = record;
  expected_keys["lastUsedAt"] = kNow;
  std::vector<std::string> keys;
  std::vector<std::string> want;
  for (const auto& [key, value] : updated.items()) keys.push_back(key);
  for (const auto& [key, value] : expected_keys.items()) want.push_back(key);
  EXPECT_EQ(keys, want);  // nlohmann::json sorts both
  EXPECT_EQ(first.out.find("\"x-app-note\""), first.out.rfind("\"x-app-note\""));

  // ...and the next rewrite, from the output form, keeps them again.
  const RunResult second = SignIn(WriteFile("output.json", first.out), 2);
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  const json again = json::parse(second.out, nullptr, false).value("credential", json());
  EXPECT_EQ(again.value("x-app-note", json()), note) << second.out;
  EXPECT_EQ(again.value("x-app", json()), tags);
  EXPECT_EQ(again.value("signCount", 0), 2);

  // A minimal record keeps its extra member too, while a known member the
  // update drops stays dropped: no --catalog knows the all-zero AAGUID, so
  // the stored provider goes.
  const json minimal = {{"id", Base64UrlEncode(authn_->credential_id())},
                        {"publicKey", Base64UrlEncode(authn_->CosePublicKey())},
                        {"provider", {{"name", "Old Name"}}},
                        {"x-owner", "alice"}};
  const std::string catalog = WriteFile(
      "catalog.json", R"({"ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4": {"name": "Other"}})");
  const RunResult third =
      SignIn(WriteFile("minimal.json", minimal.dump()), 3, {"--catalog", catalog});
  ASSERT_EQ(third.exit_code, 0) << third.out << third.err;
  const json rewritten = json::parse(third.out, nullptr, false).value("credential", json());
  EXPECT_EQ(rewritten.value("x-owner", ""), "alice") << third.out;
  EXPECT_FALSE(rewritten.contains("provider")) << third.out;
}

}  // namespace
}  // namespace passkey
