// The C API (passkey/passkey_c.h): JSON in, the C++ API, JSON out. Every
// entry point runs its body inside Guard, so no exception leaves the library.
#include <passkey/passkey_c.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <passkey/passkey.h>

#include "c_api/c_api_options.h"
#include "encoding/json_util.h"

// The handle behind passkey_credential: immutable once made.
struct passkey_credential {
  explicit passkey_credential(passkey::PreparedCredential credential)
      : prepared(std::move(credential)) {}
  const passkey::PreparedCredential prepared;
};

namespace passkey::internal {
namespace {

using nlohmann::json;

#define PASSKEY_C_STRINGIFY2(x) #x
#define PASSKEY_C_STRINGIFY(x) PASSKEY_C_STRINGIFY2(x)
constexpr char kVersion[] = PASSKEY_C_STRINGIFY(PASSKEY_VERSION_MAJOR) "." PASSKEY_C_STRINGIFY(
    PASSKEY_VERSION_MINOR) "." PASSKEY_C_STRINGIFY(PASSKEY_VERSION_PATCH);
#ifdef PASSKEY_PROJECT_VERSION
static_assert(std::string_view(kVersion) == PASSKEY_PROJECT_VERSION,
              "PASSKEY_VERSION_* in passkey_c.h must match project(VERSION) in CMakeLists.txt");
#endif

constexpr int kOk = 0;
constexpr int kFailed = 1;

// Caps on caller-supplied options text (trust anchors make it the largest).
constexpr std::size_t kMaxOptionsBytes = 8 * 1024 * 1024;
// Nesting of the options objects: object → array → object → array at most.
constexpr int kMaxOptionsDepth = 8;
// 9999-12-31T23:59:59Z: the last time ParseTimestamp can read back.
constexpr std::int64_t kMaxUnixSeconds = 253402300799;

// CopyString: a malloc'ed NUL-terminated copy, nullptr when out of memory.
char* CopyString(std::string_view text) noexcept {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) return nullptr;
  if (!text.empty()) std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  return copy;
}

void ResetError(passkey_error* err) noexcept {
  if (err == nullptr) return;
  std::free(err->message);
  err->message = nullptr;
  std::memset(err->code, 0, sizeof(err->code));
}

int Fail(passkey_error* err, ErrorCode code, std::string_view message) noexcept {
  if (err != nullptr) {
    ResetError(err);
    const std::string_view name = ErrorCodeName(code);
    const std::size_t length = std::min(name.size(), sizeof(err->code) - 1);
    std::memcpy(err->code, name.data(), length);
    err->message = CopyString(message);
  }
  return kFailed;
}

int Fail(passkey_error* err, const Error& error) noexcept {
  return Fail(err, error.code, error.message);
}

// Succeed hands `text` to the caller through `out`.
int Succeed(std::string_view text, char** out, passkey_error* err) noexcept {
  char* copy = CopyString(text);
  if (copy == nullptr) return Fail(err, ErrorCode::kInternal, "out of memory");
  *out = copy;
  ResetError(err);
  return kOk;
}

// Guard runs an entry point's body; an exception (allocation failure, or a
// bug) becomes internal_error instead of leaving through the C ABI.
template <class Body>
int Guard(passkey_error* err, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(err, ErrorCode::kInternal, "out of memory");
  } catch (...) {
    return Fail(err, ErrorCode::kInternal, "unexpected exception");
  }
}

Unexpected InvalidArgument(std::string message) {
  return Unexpected(ErrorCode::kInvalidArgument, std::move(message));
}

Unexpected WrongType(std::string_view name, std::string_view type) {
  return InvalidArgument("member '" + std::string(name) + "' must be " + std::string(type));
}

// --- Typed member readers: the value must have exactly the documented type.

Status ReadBool(const json& value, std::string_view name, bool* out) {
  if (!value.is_boolean()) return WrongType(name, "a boolean");
  *out = value.get<bool>();
  return OkStatus();
}

Status ReadString(const json& value, std::string_view name, std::string* out) {
  if (!value.is_string()) return WrongType(name, "a string");
  *out = value.get_ref<const std::string&>();
  return OkStatus();
}

Status ReadStrings(const json& value, std::string_view name, std::vector<std::string>* out) {
  if (!value.is_array()) return WrongType(name, "an array of strings");
  std::vector<std::string> strings;
  for (const json& item : value) {
    if (!item.is_string()) return WrongType(name, "an array of strings");
    strings.push_back(item.get_ref<const std::string&>());
  }
  *out = std::move(strings);
  return OkStatus();
}

Status ReadBase64Url(const json& value, std::string_view name, Bytes* out) {
  if (!value.is_string()) return WrongType(name, "a base64url string");
  Result<Bytes> bytes = Base64UrlDecode(value.get_ref<const std::string&>());
  if (!bytes.has_value()) return WrongType(name, "a base64url string (no padding)");
  *out = std::move(bytes).value();
  return OkStatus();
}

Status ReadBase64UrlArray(const json& value, std::string_view name, std::vector<Bytes>* out) {
  if (!value.is_array()) return WrongType(name, "an array of base64url strings");
  std::vector<Bytes> items;
  for (const json& item : value) {
    Bytes bytes;
    if (Status read = ReadBase64Url(item, name, &bytes); !read.has_value()) return read;
    items.push_back(std::move(bytes));
  }
  *out = std::move(items);
  return OkStatus();
}

Status ReadInt64(const json& value, std::string_view name, std::int64_t min, std::int64_t max,
                 std::int64_t* out) {
  const std::optional<std::int64_t> number = JsonInt64(value);
  if (!number.has_value() || *number < min || *number > max) {
    return WrongType(name, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  *out = *number;
  return OkStatus();
}

Status ReadNow(const json& value, std::string_view name, std::optional<UnixSeconds>* out) {
  std::int64_t now = 0;
  if (Status read = ReadInt64(value, name, 0, kMaxUnixSeconds, &now); !read.has_value()) {
    return read;
  }
  *out = now;
  return OkStatus();
}

Status ReadAlgorithms(const json& value, std::string_view name, std::vector<CoseAlgorithm>* out) {
  if (!value.is_array()) return WrongType(name, "an array of COSE algorithm integers");
  std::vector<CoseAlgorithm> algorithms;
  for (const json& item : value) {
    std::int64_t number = 0;
    if (Status read = ReadInt64(item, name, INT32_MIN, INT32_MAX, &number); !read.has_value()) {
      return read;
    }
    algorithms.push_back(static_cast<CoseAlgorithm>(number));
  }
  *out = std::move(algorithms);
  return OkStatus();
}

Status ReadUserVerification(const json& value, std::string_view name, UserVerification* out) {
  std::string text;
  if (Status read = ReadString(value, name, &text); !read.has_value()) return read;
  const Result<UserVerification> parsed = ParseUserVerification(text);
  if (!parsed.has_value()) return WrongType(name, "\"required\", \"preferred\" or \"discouraged\"");
  *out = *parsed;
  return OkStatus();
}

// MemberSpec: one accepted member of an options object and its reader.
template <class Config>
struct MemberSpec {
  std::string_view name;
  Status (*read)(const json& value, std::string_view name, Config* config);
};

// ParseMembers parses `text` as a JSON object whose members must all be
// listed in `specs`, and reads each into `config`.
template <class Config, std::size_t N>
Status ParseMembers(const char* text, const MemberSpec<Config> (&specs)[N], std::string_view what,
                    Config* config) {
  const std::string_view view(text);
  if (view.size() > kMaxOptionsBytes) return InvalidArgument(std::string(what) + " larger than 8 MiB");
  json object;
  std::string why;
  if (!ParseJsonStrict(view, kMaxOptionsDepth, &object, &why)) {
    return InvalidArgument(std::string(what) + " are not valid JSON: " + why);
  }
  if (!object.is_object()) return InvalidArgument(std::string(what) + " must be a JSON object");
  for (auto member = object.cbegin(); member != object.cend(); ++member) {
    const std::string& key = member.key();
    const auto* spec = std::find_if(std::begin(specs), std::end(specs),
                                    [&key](const MemberSpec<Config>& s) { return s.name == key; });
    if (spec == std::end(specs)) {
      return InvalidArgument("unknown " + std::string(what) + " member '" + key.substr(0, 64) + "'");
    }
    if (Status read = spec->read(member.value(), spec->name, config); !read.has_value()) return read;
  }
  return OkStatus();
}

// --- Verification options (one object for both ceremonies).

struct VerifyConfig {
  RelyingParty rp;
  Bytes challenge;
  UserVerification user_verification = UserVerification::kRequired;
  std::vector<CoseAlgorithm> allowed_algorithms;
  std::vector<std::string> expected_types;
  std::optional<UnixSeconds> now;
  bool allow_sha1_attestation = false;
  Bytes user_handle;
  // Registration.
  AttestationTrust trust;
  bool has_trust = false;
  bool require_trusted_attestation = false;
  bool require_revocation_check = false;
  bool android_key_require_tee = false;
  bool allow_safetynet_without_cts_profile_match = false;
  bool danger_skip_safetynet_timestamp_check = false;
  std::int64_t safetynet_timestamp_window_seconds = RegistrationOptions{}.safetynet_timestamp_window_seconds;
  Mediation mediation = Mediation::kDefault;
  // Authentication.
  std::string appid;
  std::vector<Bytes> allow_credentials;
  bool discoverable = false;
  bool allow_sign_count_rollback = false;
  bool allow_rs1_credentials = false;
};

// AddPems adds each PEM string of `value` as anchors or CRLs.
Status AddPems(const json& value, std::string_view name, bool anchors, VerifyConfig* config) {
  std::vector<std::string> pems;
  if (Status read = ReadStrings(value, name, &pems); !read.has_value()) return read;
  for (const std::string& pem : pems) {
    Status added = anchors ? config->trust.AddAnchorsPem(pem) : config->trust.AddCrlsPem(pem);
    if (!added.has_value()) {
      return InvalidArgument("member '" + std::string(name) + "': " + added.error().message);
    }
  }
  config->has_trust = config->has_trust || !pems.empty();
  return OkStatus();
}

Status ReadMediation(const json& value, std::string_view name, Mediation* out) {
  std::string text;
  if (Status read = ReadString(value, name, &text); !read.has_value()) return read;
  if (text == "conditional") {
    *out = Mediation::kConditional;
  } else if (text == "optional" || text == "required" || text == "silent") {
    *out = Mediation::kDefault;
  } else {
    return WrongType(name, "\"conditional\", \"optional\", \"required\" or \"silent\"");
  }
  return OkStatus();
}

using VerifySpec = MemberSpec<VerifyConfig>;
constexpr VerifySpec kVerifyMembers[] = {
    {"rpIds", [](const json& v, std::string_view n, VerifyConfig* c) { return ReadStrings(v, n, &c->rp.ids); }},
    {"origins", [](const json& v, std::string_view n, VerifyConfig* c) { return ReadStrings(v, n, &c->rp.origins); }},
    {"topOrigins",
     [](const json& v, std::string_view n, VerifyConfig* c) { return ReadStrings(v, n, &c->rp.top_origins); }},
    {"allowCrossOrigin",
     [](const json& v, std::string_view n, VerifyConfig* c) { return ReadBool(v, n, &c->rp.allow_cross_origin); }},
    {"challenge", [](const json& v, std::string_view n, VerifyConfig* c) { return ReadBase64Url(v, n, &c->challenge); }},
    {"userVerification",
     [](const json& v, std::string_view n, VerifyConfig* c) {
       return ReadUserVerification(v, n, &c->user_verification);
     }},
    {"allowedAlgorithms",
     [](const json& v, std::string_view n, VerifyConfig* c) { return ReadAlgorithms(v, n, &c->allowed_algorithms); }},
    {"expectedTypes",
     [](const json& v, std::string_view n, VerifyConfig* c) { return ReadStrings(v, n, &c->expected_types); }},
    {"now", [](const json& v, std::string_view n, VerifyConfig* c) { return ReadNow(v, n, &c->now); }},
    {"allowSha1Attestation",
     [](const json& v, std::string_view n, VerifyConfig* c) { return ReadBool(v, n, &c->allow_sha1_attestation); }},
    {"userHandle", [](const json& v, std::string_view n, VerifyConfig* c) { return ReadBase64Url(v, n, &c->user_handle); }},
    {"trustAnchors", [](const json& v, std::string_view n, VerifyConfig* c) { return AddPems(v, n, true, c); }},
    {"crls", [](const json& v, std::string_view n, VerifyConfig* c) { return AddPems(v, n, false, c); }},
    {"requireTrustedAttestation",
     [](const json& v, std::string_view n, VerifyConfig* c) {
       return ReadBool(v, n, &c->require_trusted_attestation);
     }},
    {"requireRevocationCheck",
     [](const json& v, std::string_view n, VerifyConfig* c) { return ReadBool(v, n, &c->require_revocation_check); }},
    {"androidKeyRequireTee",
     [](const json& v, std::string_view n, VerifyConfig* c) { return ReadBool(v, n, &c->android_key_require_tee); }},
    {"allowSafetynetWithoutCtsProfileMatch",
     [](const json& v, std::string_view n, VerifyConfig* c) {
       return ReadBool(v, n, &c->allow_safetynet_without_cts_profile_match);
     }},
    {"dangerSkipSafetynetTimestampCheck",
     [](const json& v, std::string_view n, VerifyConfig* c) {
       return ReadBool(v, n, &c->danger_skip_safetynet_timestamp_check);
     }},
    {"safetynetTimestampWindowSeconds",
     [](const json& v, std::string_view n, VerifyConfig* c) {
       return ReadInt64(v, n, 0, kMaxUnixSeconds, &c->safetynet_timestamp_window_seconds);
     }},
    {"mediation", [](const json& v, std::string_view n, VerifyConfig* c) { return ReadMediation(v, n, &c->mediation); }},
    {"appid", [](const json& v, std::string_view n, VerifyConfig* c) { return ReadString(v, n, &c->appid); }},
    {"allowCredentials",
     [](const json& v, std::string_view n, VerifyConfig* c) {
       return ReadBase64UrlArray(v, n, &c->allow_credentials);
     }},
    {"discoverable", [](const json& v, std::string_view n, VerifyConfig* c) { return ReadBool(v, n, &c->discoverable); }},
    {"allowSignCountRollback",
     [](const json& v, std::string_view n, VerifyConfig* c) {
       return ReadBool(v, n, &c->allow_sign_count_rollback);
     }},
    {"allowRs1Credentials",
     [](const json& v, std::string_view n, VerifyConfig* c) { return ReadBool(v, n, &c->allow_rs1_credentials); }},
};

UnixSeconds NowOrClock(const std::optional<UnixSeconds>& now) {
  return now.has_value() ? *now : static_cast<UnixSeconds>(std::time(nullptr));
}

// FillCommon sets what both ceremonies' options share.
template <class Options>
void FillCommon(const VerifyConfig& config, Options* options) {
  options->rp = config.rp;
  options->challenge = config.challenge;
  options->user_verification = config.user_verification;
  options->allowed_algorithms = config.allowed_algorithms;
  options->expected_types = config.expected_types;
  options->user_handle = config.user_handle;
  options->now = NowOrClock(config.now);
}

RegistrationOptions MakeRegistrationVerifyOptions(const VerifyConfig& config) {
  RegistrationOptions options;
  FillCommon(config, &options);
  options.allow_sha1_attestation = config.allow_sha1_attestation;
  options.attestation_trust = config.has_trust ? &config.trust : nullptr;
  options.require_trusted_attestation = config.require_trusted_attestation;
  options.require_revocation_check = config.require_revocation_check;
  options.android_key_require_tee = config.android_key_require_tee;
  options.allow_safetynet_without_cts_profile_match = config.allow_safetynet_without_cts_profile_match;
  options.danger_skip_safetynet_timestamp_check = config.danger_skip_safetynet_timestamp_check;
  options.safetynet_timestamp_window_seconds = config.safetynet_timestamp_window_seconds;
  options.mediation = config.mediation;
  return options;
}

AuthenticationOptions MakeAuthenticationVerifyOptions(const VerifyConfig& config) {
  AuthenticationOptions options;
  FillCommon(config, &options);
  // allowSha1Attestation is the member's former name for authentication:
  // still honoured.
  options.allow_rs1_credentials = config.allow_rs1_credentials || config.allow_sha1_attestation;
  options.appid = config.appid;
  options.allow_credentials = config.allow_credentials;
  options.discoverable = config.discoverable;
  options.allow_sign_count_rollback = config.allow_sign_count_rollback;
  return options;
}

// AuthenticationResultJson: the updated record and the result, as the CLI
// prints them. The record's JSON (compact, from CredentialRecordToJson) is
// spliced in as it is, not parsed and dumped again: this is the hot path of
// every binding's sign-in.
Result<std::string> AuthenticationResultJson(CredentialRecord record,
                                             const AuthenticationResult& result) {
  UpdateCredentialRecord(record, result);
  std::string output = "{\"credential\":";
  output += CredentialRecordToJson(record);
  output += ",\"signCount\":";
  output += std::to_string(result.sign_count);
  output += result.user_verified ? ",\"userVerified\":true" : ",\"userVerified\":false";
  output += result.backup_state ? ",\"backupState\":true" : ",\"backupState\":false";
  if (result.backup_state_changed) output += ",\"backupStateChanged\":true";
  if (result.sign_count_rollback) output += ",\"signCountRollback\":true";
  output += '}';
  return output;
}

// --- Options generation parameters.

Status ReadDescriptors(const json& value, std::string_view name,
                       std::vector<CredentialDescriptor>* out) {
  constexpr std::string_view kShape = "an array of {\"id\": base64url, \"transports\": [string]}";
  if (!value.is_array()) return WrongType(name, kShape);
  std::vector<CredentialDescriptor> descriptors;
  for (const json& item : value) {
    if (!item.is_object() || !item.contains("id")) return WrongType(name, kShape);
    CredentialDescriptor descriptor;
    for (const auto& [key, member] : item.items()) {
      Status read = key == "id"           ? ReadBase64Url(member, name, &descriptor.id)
                    : key == "transports" ? ReadStrings(member, name, &descriptor.transports)
                                          : Status(WrongType(name, kShape));
      if (!read.has_value()) return read;
    }
    descriptors.push_back(std::move(descriptor));
  }
  *out = std::move(descriptors);
  return OkStatus();
}

Status ReadHints(const json& value, std::string_view name, std::vector<CredentialHint>* out) {
  std::vector<std::string> names;
  if (Status read = ReadStrings(value, name, &names); !read.has_value()) return read;
  std::vector<CredentialHint> hints;
  for (const std::string& text : names) {
    const Result<CredentialHint> hint = ParseCredentialHint(text);
    if (!hint.has_value()) {
      return WrongType(name, "an array of \"security-key\", \"client-device\" or \"hybrid\"");
    }
    hints.push_back(*hint);
  }
  *out = std::move(hints);
  return OkStatus();
}

template <class Number>
Status ReadUnsigned(const json& value, std::string_view name, Number max, Number* out) {
  std::int64_t number = 0;
  if (Status read = ReadInt64(value, name, 0, static_cast<std::int64_t>(max), &number);
      !read.has_value()) {
    return read;
  }
  *out = static_cast<Number>(number);
  return OkStatus();
}

// The challenge_size bound here only keeps the cast safe; the library
// enforces 16..64.
constexpr std::size_t kMaxChallengeSizeParam = 1024;

struct CreationConfig {
  CreationOptionsParams params;
  bool user_id_given = false;
};

using CreationSpec = MemberSpec<CreationConfig>;
constexpr CreationSpec kCreationMembers[] = {
    {"rpId", [](const json& v, std::string_view n, CreationConfig* c) { return ReadString(v, n, &c->params.rp_id); }},
    {"rpName", [](const json& v, std::string_view n, CreationConfig* c) { return ReadString(v, n, &c->params.rp_name); }},
    {"userId",
     [](const json& v, std::string_view n, CreationConfig* c) {
       c->user_id_given = true;
       return ReadBase64Url(v, n, &c->params.user_id);
     }},
    {"userName", [](const json& v, std::string_view n, CreationConfig* c) { return ReadString(v, n, &c->params.user_name); }},
    {"userDisplayName",
     [](const json& v, std::string_view n, CreationConfig* c) {
       return ReadString(v, n, &c->params.user_display_name);
     }},
    {"algorithms",
     [](const json& v, std::string_view n, CreationConfig* c) { return ReadAlgorithms(v, n, &c->params.algorithms); }},
    {"excludeCredentials",
     [](const json& v, std::string_view n, CreationConfig* c) {
       return ReadDescriptors(v, n, &c->params.exclude_credentials);
     }},
    {"authenticatorAttachment",
     [](const json& v, std::string_view n, CreationConfig* c) -> Status {
       std::string text;
       if (Status read = ReadString(v, n, &text); !read.has_value()) return read;
       const Result<Attachment> attachment = ParseAttachment(text);
       if (!attachment.has_value()) return WrongType(n, "\"platform\" or \"cross-platform\"");
       c->params.authenticator_attachment = *attachment;
       return OkStatus();
     }},
    {"residentKey",
     [](const json& v, std::string_view n, CreationConfig* c) -> Status {
       std::string text;
       if (Status read = ReadString(v, n, &text); !read.has_value()) return read;
       const Result<ResidentKeyRequirement> resident_key = ParseResidentKeyRequirement(text);
       if (!resident_key.has_value()) {
         return WrongType(n, "\"required\", \"preferred\" or \"discouraged\"");
       }
       c->params.resident_key = *resident_key;
       return OkStatus();
     }},
    {"userVerification",
     [](const json& v, std::string_view n, CreationConfig* c) {
       return ReadUserVerification(v, n, &c->params.user_verification);
     }},
    {"hints", [](const json& v, std::string_view n, CreationConfig* c) { return ReadHints(v, n, &c->params.hints); }},
    {"attestation",
     [](const json& v, std::string_view n, CreationConfig* c) -> Status {
       std::string text;
       if (Status read = ReadString(v, n, &text); !read.has_value()) return read;
       const Result<AttestationConveyance> attestation = ParseAttestationConveyance(text);
       if (!attestation.has_value()) {
         return WrongType(n, "\"none\", \"indirect\", \"direct\" or \"enterprise\"");
       }
       c->params.attestation = *attestation;
       return OkStatus();
     }},
    {"attestationFormats",
     [](const json& v, std::string_view n, CreationConfig* c) {
       return ReadStrings(v, n, &c->params.attestation_formats);
     }},
    {"timeout",
     [](const json& v, std::string_view n, CreationConfig* c) {
       return ReadUnsigned<std::uint32_t>(v, n, UINT32_MAX, &c->params.timeout_ms);
     }},
    {"credProps", [](const json& v, std::string_view n, CreationConfig* c) { return ReadBool(v, n, &c->params.cred_props); }},
    {"challengeSize",
     [](const json& v, std::string_view n, CreationConfig* c) {
       return ReadUnsigned<std::size_t>(v, n, kMaxChallengeSizeParam, &c->params.challenge_size);
     }},
};

using RequestSpec = MemberSpec<RequestOptionsParams>;
constexpr RequestSpec kRequestMembers[] = {
    {"rpId", [](const json& v, std::string_view n, RequestOptionsParams* p) { return ReadString(v, n, &p->rp_id); }},
    {"allowCredentials",
     [](const json& v, std::string_view n, RequestOptionsParams* p) {
       return ReadDescriptors(v, n, &p->allow_credentials);
     }},
    {"userVerification",
     [](const json& v, std::string_view n, RequestOptionsParams* p) {
       return ReadUserVerification(v, n, &p->user_verification);
     }},
    {"hints", [](const json& v, std::string_view n, RequestOptionsParams* p) { return ReadHints(v, n, &p->hints); }},
    {"timeout",
     [](const json& v, std::string_view n, RequestOptionsParams* p) {
       return ReadUnsigned<std::uint32_t>(v, n, UINT32_MAX, &p->timeout_ms);
     }},
    {"challengeSize",
     [](const json& v, std::string_view n, RequestOptionsParams* p) {
       return ReadUnsigned<std::size_t>(v, n, kMaxChallengeSizeParam, &p->challenge_size);
     }},
};

// GeneratedJson: {"options": …, "challenge": "…"[, "userId": "…"]}.
// base64url needs no JSON escaping.
std::string GeneratedJson(const GeneratedOptions& generated, const Bytes* user_id) {
  std::string text = "{\"options\":" + generated.json + ",\"challenge\":\"" +
                     Base64UrlEncode(generated.challenge) + "\"";
  if (user_id != nullptr) text += ",\"userId\":\"" + Base64UrlEncode(*user_id) + "\"";
  text += "}";
  return text;
}

// --- MDS verification options.

struct MdsConfig {
  AttestationTrust roots;
  MdsVerifyOptions options;
};

Status AddMdsPems(const json& value, std::string_view name, bool anchors, MdsConfig* config) {
  std::vector<std::string> pems;
  if (Status read = ReadStrings(value, name, &pems); !read.has_value()) return read;
  for (const std::string& pem : pems) {
    Status added = anchors ? config->roots.AddAnchorsPem(pem) : config->roots.AddCrlsPem(pem);
    if (!added.has_value()) {
      return InvalidArgument("member '" + std::string(name) + "': " + added.error().message);
    }
  }
  return OkStatus();
}

using MdsSpec = MemberSpec<MdsConfig>;
constexpr MdsSpec kMdsMembers[] = {
    {"roots", [](const json& v, std::string_view n, MdsConfig* c) { return AddMdsPems(v, n, true, c); }},
    {"crls", [](const json& v, std::string_view n, MdsConfig* c) { return AddMdsPems(v, n, false, c); }},
    {"now", [](const json& v, std::string_view n, MdsConfig* c) { return ReadNow(v, n, &c->options.now); }},
    {"minNumber",
     [](const json& v, std::string_view n, MdsConfig* c) -> Status {
       const std::optional<std::uint64_t> number = JsonUint64(v);
       if (!number.has_value()) return WrongType(n, "a non-negative integer");
       c->options.last_number = *number;
       return OkStatus();
     }},
    {"requireRevocationCheck",
     [](const json& v, std::string_view n, MdsConfig* c) {
       return ReadBool(v, n, &c->options.require_revocation_check);
     }},
};

// Start clears the outputs of an entry point.
template <class Out>
void Start(Out** out, passkey_error* err) noexcept {
  if (out != nullptr) *out = nullptr;
  ResetError(err);
}

int NullArgument(passkey_error* err) noexcept {
  return Fail(err, ErrorCode::kInvalidArgument, "a required argument is NULL");
}

// ParseAuthenticationOptions: the options JSON as AuthenticationOptions
// (which, unlike RegistrationOptions, points to nothing in the config).
Result<AuthenticationOptions> ParseAuthenticationOptions(const char* text) {
  VerifyConfig config;
  if (Status parsed = ParseMembers(text, kVerifyMembers, "options", &config); !parsed.has_value()) {
    return Unexpected(std::move(parsed).error());
  }
  return MakeAuthenticationVerifyOptions(config);
}

// FinishAuthentication hands a verification's result JSON to the caller.
int FinishAuthentication(const Result<AuthenticationResult>& result, const CredentialRecord& record,
                         char** result_json, passkey_error* err) {
  if (!result.has_value()) return Fail(err, result.error());
  Result<std::string> output = AuthenticationResultJson(record, *result);
  if (!output.has_value()) return Fail(err, output.error());
  return Succeed(*output, result_json, err);
}

template <class Config, std::size_t N>
std::vector<std::string_view> MemberNames(const MemberSpec<Config> (&specs)[N]) {
  std::vector<std::string_view> names;
  for (const MemberSpec<Config>& spec : specs) names.push_back(spec.name);
  return names;
}

}  // namespace

std::vector<std::string_view> CApiVerifyOptionMembers() { return MemberNames(kVerifyMembers); }
std::vector<std::string_view> CApiCreationParamMembers() { return MemberNames(kCreationMembers); }
std::vector<std::string_view> CApiRequestParamMembers() { return MemberNames(kRequestMembers); }
std::vector<std::string_view> CApiMdsOptionMembers() { return MemberNames(kMdsMembers); }

}  // namespace passkey::internal

using passkey::internal::Guard;

extern "C" {

void passkey_error_clear(passkey_error* err) { passkey::internal::ResetError(err); }

void passkey_string_free(char* text) { std::free(text); }

const char* passkey_version(void) { return passkey::internal::kVersion; }

int passkey_verify_registration(const char* options_json, const char* response_json,
                                char** record_json, passkey_error* err) {
  namespace in = passkey::internal;
  in::Start(record_json, err);
  return Guard(err, [&]() -> int {
    if (options_json == nullptr || response_json == nullptr || record_json == nullptr) {
      return in::NullArgument(err);
    }
    in::VerifyConfig config;
    if (passkey::Status parsed = in::ParseMembers(options_json, in::kVerifyMembers, "options", &config);
        !parsed.has_value()) {
      return in::Fail(err, parsed.error());
    }
    const passkey::RegistrationOptions options = in::MakeRegistrationVerifyOptions(config);
    passkey::Result<passkey::RegistrationResponse> response =
        passkey::ParseRegistrationResponseJson(response_json);
    if (!response.has_value()) return in::Fail(err, response.error());
    passkey::Result<passkey::CredentialRecord> record = passkey::VerifyRegistration(options, *response);
    if (!record.has_value()) return in::Fail(err, record.error());
    return in::Succeed(passkey::CredentialRecordToJson(*record), record_json, err);
  });
}

int passkey_verify_authentication(const char* options_json, const char* record_json,
                                  const char* response_json, char** result_json,
                                  passkey_error* err) {
  namespace in = passkey::internal;
  in::Start(result_json, err);
  return Guard(err, [&]() -> int {
    if (options_json == nullptr || record_json == nullptr || response_json == nullptr ||
        result_json == nullptr) {
      return in::NullArgument(err);
    }
    // Options, record, response: the order of the errors documented in
    // passkey_c.h.
    passkey::Result<passkey::AuthenticationOptions> options =
        in::ParseAuthenticationOptions(options_json);
    if (!options.has_value()) return in::Fail(err, options.error());
    passkey::Result<passkey::CredentialRecord> record = passkey::CredentialRecordFromJson(record_json);
    if (!record.has_value()) return in::Fail(err, record.error());
    passkey::Result<passkey::AuthenticationResponse> response =
        passkey::ParseAuthenticationResponseJson(response_json);
    if (!response.has_value()) return in::Fail(err, response.error());
    return in::FinishAuthentication(passkey::VerifyAuthentication(*options, *record, *response),
                                    *record, result_json, err);
  });
}

int passkey_credential_prepare(const char* record_json, passkey_credential** out,
                               passkey_error* err) {
  namespace in = passkey::internal;
  in::Start(out, err);
  return Guard(err, [&]() -> int {
    if (record_json == nullptr || out == nullptr) return in::NullArgument(err);
    passkey::Result<passkey::CredentialRecord> record = passkey::CredentialRecordFromJson(record_json);
    if (!record.has_value()) return in::Fail(err, record.error());
    passkey::Result<passkey::PreparedCredential> prepared = passkey::PreparedCredential::Create(*record);
    if (!prepared.has_value()) return in::Fail(err, prepared.error());
    *out = new passkey_credential(std::move(prepared).value());
    return in::kOk;
  });
}

void passkey_credential_free(passkey_credential* credential) { delete credential; }

int passkey_verify_authentication_prepared(const char* options_json,
                                           const passkey_credential* credential,
                                           const char* response_json, char** result_json,
                                           passkey_error* err) {
  namespace in = passkey::internal;
  in::Start(result_json, err);
  return Guard(err, [&]() -> int {
    if (options_json == nullptr || credential == nullptr || response_json == nullptr ||
        result_json == nullptr) {
      return in::NullArgument(err);
    }
    passkey::Result<passkey::AuthenticationOptions> options =
        in::ParseAuthenticationOptions(options_json);
    if (!options.has_value()) return in::Fail(err, options.error());
    passkey::Result<passkey::AuthenticationResponse> response =
        passkey::ParseAuthenticationResponseJson(response_json);
    if (!response.has_value()) return in::Fail(err, response.error());
    return in::FinishAuthentication(
        passkey::VerifyAuthentication(*options, credential->prepared, *response),
        credential->prepared.record(), result_json, err);
  });
}

int passkey_make_registration_options(const char* params_json, char** out_json,
                                      passkey_error* err) {
  namespace in = passkey::internal;
  in::Start(out_json, err);
  return Guard(err, [&]() -> int {
    if (params_json == nullptr || out_json == nullptr) return in::NullArgument(err);
    in::CreationConfig config;
    if (passkey::Status parsed = in::ParseMembers(params_json, in::kCreationMembers, "params", &config);
        !parsed.has_value()) {
      return in::Fail(err, parsed.error());
    }
    if (!config.user_id_given) {
      passkey::Result<passkey::Bytes> user_id = passkey::GenerateUserHandle();
      if (!user_id.has_value()) return in::Fail(err, user_id.error());
      config.params.user_id = std::move(user_id).value();
    }
    passkey::Result<passkey::GeneratedOptions> generated =
        passkey::MakeRegistrationOptions(config.params);
    if (!generated.has_value()) return in::Fail(err, generated.error());
    return in::Succeed(in::GeneratedJson(*generated, &config.params.user_id), out_json, err);
  });
}

int passkey_make_authentication_options(const char* params_json, char** out_json,
                                        passkey_error* err) {
  namespace in = passkey::internal;
  in::Start(out_json, err);
  return Guard(err, [&]() -> int {
    if (params_json == nullptr || out_json == nullptr) return in::NullArgument(err);
    passkey::RequestOptionsParams params;
    if (passkey::Status parsed = in::ParseMembers(params_json, in::kRequestMembers, "params", &params);
        !parsed.has_value()) {
      return in::Fail(err, parsed.error());
    }
    passkey::Result<passkey::GeneratedOptions> generated = passkey::MakeAuthenticationOptions(params);
    if (!generated.has_value()) return in::Fail(err, generated.error());
    return in::Succeed(in::GeneratedJson(*generated, nullptr), out_json, err);
  });
}

int passkey_aaguid_lookup(const char* aaguid, char** info_json, passkey_error* err) {
  namespace in = passkey::internal;
  in::Start(info_json, err);
  return Guard(err, [&]() -> int {
    if (aaguid == nullptr || info_json == nullptr) return in::NullArgument(err);
    passkey::Result<passkey::Aaguid> parsed = passkey::Aaguid::Parse(aaguid);
    if (!parsed.has_value()) return in::Fail(err, parsed.error());
    const passkey::AuthenticatorInfo* info = passkey::AaguidCatalog::Embedded().Find(*parsed);
    if (info == nullptr) {
      return in::Fail(err, passkey::ErrorCode::kUnknownAaguid,
                      "the built-in catalog does not know AAGUID " + parsed->ToString());
    }
    nlohmann::ordered_json output = {{"aaguid", parsed->ToString()},
                                     {"name", info->name},
                                     {"iconLight", info->icon_light},
                                     {"iconDark", info->icon_dark}};
    return in::Succeed(output.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       info_json, err);
  });
}

int passkey_mds_verify(const char* blob, const char* options_json, char** result_json,
                       passkey_error* err) {
  namespace in = passkey::internal;
  in::Start(result_json, err);
  return Guard(err, [&]() -> int {
    if (blob == nullptr || options_json == nullptr || result_json == nullptr) {
      return in::NullArgument(err);
    }
    in::MdsConfig config;
    if (passkey::Status parsed = in::ParseMembers(options_json, in::kMdsMembers, "MDS options", &config);
        !parsed.has_value()) {
      return in::Fail(err, parsed.error());
    }
    const passkey::UnixSeconds now = in::NowOrClock(config.options.now);
    config.options.now = now;
    passkey::Result<passkey::MdsBlob> verified = passkey::MdsBlob::Verify(blob, config.roots, config.options);
    if (!verified.has_value()) return in::Fail(err, verified.error());
    nlohmann::ordered_json output = {{"no", verified->number()},
                                     {"nextUpdate", verified->next_update()},
                                     {"entries", verified->entries().size()},
                                     {"stale", verified->stale(now)},
                                     {"revocationChecked", verified->revocation_checked()}};
    return in::Succeed(output.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       result_json, err);
  });
}

}  // extern "C"
