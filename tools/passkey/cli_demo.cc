#include "cli_demo.h"

#include <cstdint>
#include <ctime>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>

#include "cli.h"

namespace passkey::cli {
namespace {

constexpr std::string_view kDemoHelp =
    R"(Usage: passkey demo

Runs a full WebAuthn round trip against the built-in software authenticator
(an ES256 key in memory; test-only, never for production):
  1. registration: the authenticator creates a passkey (packed self
     attestation) and VerifyRegistration turns it into a credential record;
  2. and 3. two sign-ins: each assertion is verified against the record and
     the record is updated (signCount increases);
  4. a tampered assertion (its signCount changed after signing) must be
     rejected with signature_invalid.
Exit status: 0 when all four outcomes are as expected, 1 otherwise, 3 when
standard output cannot be written.
)";

constexpr std::string_view kRpId = "example.com";
constexpr std::string_view kOrigin = "https://example.com";

// Printer writes the demo's lines to stdout and remembers whether a write
// failed: Exit turns that into kExitOutput.
class Printer {
 public:
  explicit Printer(const CommandIo& io) : io_(io) {}
  void Line(std::string_view text = {}) {
    if (failed_) return;  // the reason is already on stderr
    failed_ = io_.Print(text, kExitOk) != kExitOk;
  }
  int Exit(int code) const { return failed_ ? kExitOutput : code; }
  void Field(std::string_view name, std::string_view value) {
    std::string line = "      ";
    line += name;
    line.append(name.size() < 16 ? 16 - name.size() : 1, ' ');
    line += value;
    Line(line);
  }

 private:
  const CommandIo& io_;
  bool failed_ = false;
};

// Challenge: 32 random bytes, as an RP would issue per ceremony.
Bytes NewChallenge() {
  std::random_device device;
  Bytes challenge(32);
  for (auto& byte : challenge) {
    byte = static_cast<std::uint8_t>(device() & 0xffU);
  }
  return challenge;
}

RelyingParty DemoRelyingParty() {
  RelyingParty rp;
  rp.ids = {std::string(kRpId)};
  rp.origins = {std::string(kOrigin)};
  return rp;
}

const char* Bool(bool value) { return value ? "true" : "false"; }

std::string ErrorText(const Error& error) {
  return std::string(ErrorCodeName(error.code)) + ": " + error.message;
}

}  // namespace

int RunDemo(const std::vector<std::string>& args, const CommandIo& io) {
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") return io.Help(kDemoHelp);
  }
  if (!args.empty()) return io.Usage("unexpected argument '" + args[0] + "'");

  Printer p(io);
  const auto now = static_cast<UnixSeconds>(std::time(nullptr));
  Result<testing::SoftwareAuthenticator> created =
      testing::SoftwareAuthenticator::Create(CoseAlgorithm::kEs256, "passkey demo");
  if (!created.has_value()) {
    p.Line("passkey demo: cannot create the software authenticator: " + ErrorText(created.error()));
    return p.Exit(kExitRejected);
  }
  const testing::SoftwareAuthenticator& authenticator = *created;
  p.Line("passkey demo: relying party \"" + std::string(kRpId) + "\" (origin " +
         std::string(kOrigin) + "), software authenticator with an ES256 key");
  p.Line();

  int failures = 0;

  // 1. Registration.
  p.Line("[1/4] registration (navigator.credentials.create)");
  RegistrationOptions reg_options;
  reg_options.rp = DemoRelyingParty();
  reg_options.challenge = NewChallenge();
  reg_options.allowed_algorithms = {CoseAlgorithm::kEs256};
  reg_options.now = now;
  p.Field("challenge", Base64UrlEncode(reg_options.challenge));

  testing::RegistrationParams reg_params;
  reg_params.rp_id = std::string(kRpId);
  reg_params.origin = std::string(kOrigin);
  reg_params.challenge = reg_options.challenge;
  reg_params.format = "packed";
  reg_params.flags.backup_eligible = true;  // a synced passkey
  reg_params.flags.backup_state = true;
  reg_params.attachment = Attachment::kPlatform;
  reg_params.transports = {"hybrid", "internal"};
  Result<std::string> reg_json = authenticator.MakeCredentialJson(reg_params);
  if (!reg_json.has_value()) {
    p.Line("      FAILED to build the response: " + ErrorText(reg_json.error()));
    return p.Exit(kExitRejected);
  }
  p.Field("response", std::to_string(reg_json->size()) + " bytes of RegistrationResponseJSON");

  Result<RegistrationResponse> reg_response = ParseRegistrationResponseJson(*reg_json);
  if (!reg_response.has_value()) {
    p.Line("      UNEXPECTED: response rejected: " + ErrorText(reg_response.error()));
    return p.Exit(kExitRejected);
  }
  Result<CredentialRecord> registered = VerifyRegistration(reg_options, *reg_response);
  if (!registered.has_value()) {
    p.Line("      UNEXPECTED: registration rejected: " + ErrorText(registered.error()));
    return p.Exit(kExitRejected);
  }
  CredentialRecord record = *registered;
  p.Field("verdict", "verified");
  p.Field("credential id", Base64UrlEncode(record.id));
  p.Field("algorithm", record.algorithm.has_value()
                           ? std::string(CoseAlgorithmName(*record.algorithm))
                           : std::string("(unknown)"));
  p.Field("attestation", record.attestation_format);
  p.Field("aaguid", record.aaguid.ToString());
  std::optional<DeviceType> device_type = DeviceTypeOf(record);
  p.Field("device type", device_type.has_value() ? std::string(DeviceTypeName(*device_type))
                                                 : std::string("(unknown)"));
  p.Field("backup state", Bool(record.backup_state));
  p.Field("signCount", std::to_string(record.sign_count));
  p.Line("      record JSON (what the server stores):");
  {
    const nlohmann::json parsed =
        nlohmann::json::parse(CredentialRecordToJson(record), nullptr, /*allow_exceptions=*/false);
    std::string pretty = parsed.is_discarded()
                             ? CredentialRecordToJson(record)
                             : parsed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string line;
    for (char c : pretty) {
      if (c == '\n') {
        p.Line("      " + line);
        line.clear();
      } else {
        line += c;
      }
    }
    p.Line("      " + line);
  }
  p.Line();

  // 2 and 3. Two authentications with an increasing counter.
  for (std::uint32_t round = 1; round <= 2; ++round) {
    p.Line("[" + std::to_string(round + 1) + "/4] authentication #" + std::to_string(round) +
           " (navigator.credentials.get)");
    AuthenticationOptions auth_options;
    auth_options.rp = DemoRelyingParty();
    auth_options.challenge = NewChallenge();
    auth_options.allowed_algorithms = {CoseAlgorithm::kEs256};
    auth_options.now = now;
    p.Field("challenge", Base64UrlEncode(auth_options.challenge));

    testing::AssertionParams params;
    params.rp_id = std::string(kRpId);
    params.origin = std::string(kOrigin);
    params.challenge = auth_options.challenge;
    params.flags.backup_eligible = true;
    params.flags.backup_state = true;
    params.sign_count = record.sign_count + 1;
    params.attachment = Attachment::kPlatform;
    Result<std::string> json = authenticator.GetAssertionJson(params);
    if (!json.has_value()) {
      p.Line("      FAILED to build the response: " + ErrorText(json.error()));
      return p.Exit(kExitRejected);
    }
    Result<AuthenticationResponse> response = ParseAuthenticationResponseJson(*json);
    if (!response.has_value()) {
      p.Line("      UNEXPECTED: response rejected: " + ErrorText(response.error()));
      ++failures;
      continue;
    }
    Result<AuthenticationResult> result = VerifyAuthentication(auth_options, record, *response);
    if (!result.has_value()) {
      p.Line("      UNEXPECTED: assertion rejected: " + ErrorText(result.error()));
      ++failures;
      continue;
    }
    const std::uint32_t before = record.sign_count;
    UpdateCredentialRecord(record, *result);
    p.Field("verdict", "verified");
    p.Field("signCount", std::to_string(before) + " -> " + std::to_string(record.sign_count));
    p.Field("userVerified", Bool(result->user_verified));
    p.Field("backupState", Bool(result->backup_state));
    if (record.sign_count <= before) {
      p.Line("      UNEXPECTED: the stored signCount did not increase");
      ++failures;
    }
    p.Line();
  }

  // 4. A tampered assertion: signCount raised after signing.
  p.Line("[4/4] tampered assertion (signCount changed after signing)");
  {
    AuthenticationOptions auth_options;
    auth_options.rp = DemoRelyingParty();
    auth_options.challenge = NewChallenge();
    auth_options.allowed_algorithms = {CoseAlgorithm::kEs256};
    auth_options.now = now;

    testing::AssertionParams params;
    params.rp_id = std::string(kRpId);
    params.origin = std::string(kOrigin);
    params.challenge = auth_options.challenge;
    params.flags.backup_eligible = true;
    params.flags.backup_state = true;
    params.sign_count = record.sign_count + 1;
    Result<testing::AssertionParts> parts = authenticator.GetAssertion(params);
    if (!parts.has_value()) {
      p.Line("      FAILED to build the response: " + ErrorText(parts.error()));
      return p.Exit(kExitRejected);
    }
    // authData = rpIdHash (32) ‖ flags (1) ‖ signCount (4, big-endian).
    if (parts->authenticator_data.size() < 37) {
      p.Line("      FAILED: authenticator data too short to tamper with");
      return p.Exit(kExitRejected);
    }
    parts->authenticator_data[36] =
        static_cast<std::uint8_t>(parts->authenticator_data[36] ^ 0x40U);
    p.Field("tampering", "flipped a bit of authData.signCount");
    Result<AuthenticationResponse> response =
        ParseAuthenticationResponseJson(testing::AuthenticationResponseJson(*parts));
    if (!response.has_value()) {
      p.Line("      UNEXPECTED: rejected while parsing: " + ErrorText(response.error()));
      ++failures;
    } else {
      Result<AuthenticationResult> result = VerifyAuthentication(auth_options, record, *response);
      if (result.has_value()) {
        p.Line("      UNEXPECTED: the tampered assertion was accepted");
        ++failures;
      } else if (result.error().code != ErrorCode::kSignatureInvalid) {
        p.Line("      UNEXPECTED: rejected with " + ErrorText(result.error()) +
               " instead of signature_invalid");
        ++failures;
      } else {
        p.Field("verdict", "rejected: signature_invalid (as expected)");
      }
    }
  }
  p.Line();

  if (failures != 0) {
    p.Line("passkey demo: FAILED (" + std::to_string(failures) +
           " step(s) did not behave as expected)");
    return p.Exit(kExitRejected);
  }
  p.Line("passkey demo: ok: registration verified, 2 sign-ins verified (signCount " +
         std::to_string(record.sign_count) + "), tampered assertion rejected");
  return p.Exit(kExitOk);
}

}  // namespace passkey::cli
