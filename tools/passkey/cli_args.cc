#include "cli_args.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace passkey::cli {
namespace {

// Each option of the verify-* commands. Options that take a value accept
// `--name VALUE` (the next word, whatever it starts with) and `--name=VALUE`.
enum class Opt {
  kRpId,
  kOrigin,
  kTopOrigin,
  kAllowCrossOrigin,
  kChallenge,
  kUserVerification,
  kAlgorithm,
  kResponse,
  kExpectedType,
  kAllowSha1Attestation,
  kNow,
  kCredential,
  kAppId,
  kUserHandle,
  kAllowCredential,
  kDiscoverable,
  kMediation,
  kAllowSignCountRollback,
  kTrustAnchor,
  kRequireTrustedAttestation,
  kCrl,
  kRequireRevocationCheck,
  kAndroidKeyRequireTee,
  kAllowSafetyNetWithoutCtsProfileMatch,
  kDangerSkipSafetyNetTimestampCheck,
  kCatalog,
  kMds,
  kMdsRoot,
};

struct OptionSpec {
  std::string_view name;
  Opt opt;
  bool takes_value;
  // Which command accepts it.
  enum class Scope { kBoth, kRegistration, kAuthentication } scope;
};

constexpr OptionSpec kOptions[] = {
    {"--rp-id", Opt::kRpId, true, OptionSpec::Scope::kBoth},
    {"--origin", Opt::kOrigin, true, OptionSpec::Scope::kBoth},
    {"--top-origin", Opt::kTopOrigin, true, OptionSpec::Scope::kBoth},
    {"--allow-cross-origin", Opt::kAllowCrossOrigin, false, OptionSpec::Scope::kBoth},
    {"--challenge", Opt::kChallenge, true, OptionSpec::Scope::kBoth},
    {"--user-verification", Opt::kUserVerification, true, OptionSpec::Scope::kBoth},
    {"--algorithm", Opt::kAlgorithm, true, OptionSpec::Scope::kBoth},
    {"--response", Opt::kResponse, true, OptionSpec::Scope::kBoth},
    {"--expected-type", Opt::kExpectedType, true, OptionSpec::Scope::kBoth},
    {"--allow-sha1-attestation", Opt::kAllowSha1Attestation, false, OptionSpec::Scope::kBoth},
    {"--now", Opt::kNow, true, OptionSpec::Scope::kBoth},
    {"--credential", Opt::kCredential, true, OptionSpec::Scope::kAuthentication},
    {"--appid", Opt::kAppId, true, OptionSpec::Scope::kAuthentication},
    {"--user-handle", Opt::kUserHandle, true, OptionSpec::Scope::kBoth},
    {"--allow-credential", Opt::kAllowCredential, true, OptionSpec::Scope::kAuthentication},
    {"--discoverable", Opt::kDiscoverable, false, OptionSpec::Scope::kAuthentication},
    {"--mediation", Opt::kMediation, true, OptionSpec::Scope::kRegistration},
    {"--allow-sign-count-rollback", Opt::kAllowSignCountRollback, false,
     OptionSpec::Scope::kAuthentication},
    {"--trust-anchor", Opt::kTrustAnchor, true, OptionSpec::Scope::kRegistration},
    {"--require-trusted-attestation", Opt::kRequireTrustedAttestation, false,
     OptionSpec::Scope::kRegistration},
    {"--crl", Opt::kCrl, true, OptionSpec::Scope::kRegistration},
    {"--require-revocation-check", Opt::kRequireRevocationCheck, false,
     OptionSpec::Scope::kRegistration},
    {"--android-key-require-tee", Opt::kAndroidKeyRequireTee, false,
     OptionSpec::Scope::kRegistration},
    {"--allow-safetynet-without-cts-profile-match", Opt::kAllowSafetyNetWithoutCtsProfileMatch,
     false, OptionSpec::Scope::kRegistration},
    {"--danger-skip-safetynet-timestamp-check", Opt::kDangerSkipSafetyNetTimestampCheck, false,
     OptionSpec::Scope::kRegistration},
    {"--catalog", Opt::kCatalog, true, OptionSpec::Scope::kBoth},
    {"--mds", Opt::kMds, true, OptionSpec::Scope::kBoth},
    {"--mds-root", Opt::kMdsRoot, true, OptionSpec::Scope::kBoth},
};

const OptionSpec* FindOption(std::string_view name) {
  for (const OptionSpec& spec : kOptions) {
    if (spec.name == name) {
      return &spec;
    }
  }
  return nullptr;
}

bool ParseInt32(std::string_view text, std::int32_t* out) {
  std::int64_t value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || value < std::numeric_limits<std::int32_t>::min() ||
      value > std::numeric_limits<std::int32_t>::max()) {
    return false;
  }
  *out = static_cast<std::int32_t>(value);
  return true;
}

// Excerpt: `text` for a message, cut at 40 bytes.
std::string Excerpt(std::string_view text) {
  constexpr std::size_t kMax = 40;
  return text.size() <= kMax ? std::string(text) : std::string(text.substr(0, kMax)) + "...";
}

// DecodeBase64UrlFlag decodes the value of `flag`; on failure `*error`
// names the flag and value, then Base64UrlDecode's reason (the refused
// character and its position, the impossible length, or the non-zero
// trailing bits).
bool DecodeBase64UrlFlag(std::string_view flag, std::string_view value, Bytes* out,
                         std::string* error) {
  Result<Bytes> decoded = Base64UrlDecode(value);
  if (!decoded.has_value()) {
    *error = std::string(flag) + " '" + Excerpt(value) +
             "' is not strict base64url: " + decoded.error().message;
    return false;
  }
  *out = std::move(decoded).value();
  return true;
}

// Applies one option's value. Returns false with `*error` set on a bad value.
bool Apply(const OptionSpec& spec, const std::string& value, VerifyArgs* out,
           std::vector<Opt>* seen_once, std::string* error) {
  const std::string name(spec.name);
  if (spec.takes_value && value.empty()) {
    *error = name + " needs a non-empty value";
    return false;
  }
  // Options that may be given only once.
  switch (spec.opt) {
    case Opt::kChallenge:
    case Opt::kUserVerification:
    case Opt::kResponse:
    case Opt::kNow:
    case Opt::kCredential:
    case Opt::kAppId:
    case Opt::kUserHandle:
    case Opt::kMediation:
    case Opt::kMds:
    case Opt::kMdsRoot:
      for (Opt o : *seen_once) {
        if (o == spec.opt) {
          *error = name + " given more than once";
          return false;
        }
      }
      seen_once->push_back(spec.opt);
      break;
    default:
      break;
  }
  switch (spec.opt) {
    case Opt::kRpId:
      out->rp_ids.push_back(value);
      return true;
    case Opt::kOrigin:
      out->origins.push_back(value);
      return true;
    case Opt::kTopOrigin:
      out->top_origins.push_back(value);
      return true;
    case Opt::kAllowCrossOrigin:
      out->allow_cross_origin = true;
      return true;
    case Opt::kChallenge:
      if (!DecodeBase64UrlFlag(name, value, &out->challenge, error)) return false;
      if (out->challenge.empty()) {
        *error = "--challenge must not be empty";
        return false;
      }
      return true;
    case Opt::kUserVerification: {
      const Result<UserVerification> uv = ParseUserVerification(value);
      if (!uv.has_value()) {
        *error =
            "--user-verification must be required, preferred or "
            "discouraged";
        return false;
      }
      out->user_verification = *uv;
      return true;
    }
    case Opt::kAlgorithm: {
      std::int32_t alg = 0;
      if (!ParseInt32(value, &alg)) {
        *error = "--algorithm takes a COSE algorithm number (e.g. -7), not '" + value + "'";
        return false;
      }
      out->algorithms.push_back(static_cast<CoseAlgorithm>(alg));
      return true;
    }
    case Opt::kResponse:
      out->response_path = value;
      return true;
    case Opt::kExpectedType:
      out->expected_types.push_back(value);
      return true;
    case Opt::kAllowSha1Attestation:
      out->allow_sha1_attestation = true;
      return true;
    case Opt::kNow: {
      Result<UnixSeconds> now = ParseRfc3339Timestamp(value);
      if (!now.has_value()) {
        *error = "--now takes an ISO 8601 time such as 2025-01-31T12:00:00Z";
        return false;
      }
      out->now = *now;
      return true;
    }
    case Opt::kCredential:
      out->credential_path = value;
      return true;
    case Opt::kTrustAnchor:
      out->trust_anchor_paths.push_back(value);
      return true;
    case Opt::kRequireTrustedAttestation:
      out->require_trusted_attestation = true;
      return true;
    case Opt::kCrl:
      out->crl_paths.push_back(value);
      return true;
    case Opt::kRequireRevocationCheck:
      out->require_revocation_check = true;
      return true;
    case Opt::kAndroidKeyRequireTee:
      out->android_key_require_tee = true;
      return true;
    case Opt::kAllowSafetyNetWithoutCtsProfileMatch:
      out->allow_safetynet_without_cts_profile_match = true;
      return true;
    case Opt::kDangerSkipSafetyNetTimestampCheck:
      out->danger_skip_safetynet_timestamp_check = true;
      return true;
    case Opt::kAppId:
      out->appid = value;
      return true;
    case Opt::kUserHandle:
      if (!DecodeBase64UrlFlag(name, value, &out->user_handle, error)) return false;
      if (out->user_handle.empty()) {
        *error = "--user-handle must not be empty";
        return false;
      }
      if (out->user_handle.size() > 64) {
        *error = "--user-handle must be at most 64 bytes (user.id)";
        return false;
      }
      return true;
    case Opt::kAllowCredential: {
      Bytes id;
      if (!DecodeBase64UrlFlag(name, value, &id, error)) return false;
      if (id.empty()) {
        *error = "--allow-credential needs a non-empty credential ID";
        return false;
      }
      out->allow_credentials.push_back(std::move(id));
      return true;
    }
    case Opt::kDiscoverable:
      out->discoverable = true;
      return true;
    case Opt::kMediation:
      if (value == "conditional") {
        out->mediation = Mediation::kConditional;
      } else if (value == "optional" || value == "required" || value == "silent") {
        out->mediation = Mediation::kDefault;
      } else {
        *error = "--mediation must be conditional, optional, required or silent";
        return false;
      }
      return true;
    case Opt::kAllowSignCountRollback:
      out->allow_sign_count_rollback = true;
      return true;
    case Opt::kCatalog:
      out->metadata.catalog_paths.push_back(value);
      return true;
    case Opt::kMds:
      out->metadata.mds_path = value;
      return true;
    case Opt::kMdsRoot:
      out->metadata.mds_root_path = value;
      return true;
  }
  *error = "internal: unhandled option " + name;
  return false;
}

// --mds and --mds-root go together.
bool CheckMetadataArgs(const MetadataArgs& metadata, std::string* error) {
  if (metadata.mds_path.empty() != metadata.mds_root_path.empty()) {
    *error = metadata.mds_path.empty() ? "--mds-root needs --mds BLOB"
                                       : "--mds needs --mds-root PEM";
    return false;
  }
  return true;
}

// SimpleOptionSpec: an option of `aaguid` / `mds verify`; all take a value
// except flags (recorded with an empty value).
struct SimpleOptionSpec {
  std::string_view name;
  bool repeatable;
  bool flag = false;
};

// ParseSimple splits `args` into positional words and option values with the
// verify-* conventions: `--opt VALUE` (VALUE may begin with '-') or
// `--opt=VALUE`; a non-repeatable option given twice is an error; "-" is a
// positional word (standard input).
template <std::size_t N>
bool ParseSimple(const std::vector<std::string>& args, const SimpleOptionSpec (&specs)[N],
                 bool* help, std::vector<std::string>* positional,
                 std::vector<std::pair<std::string_view, std::string>>* values,
                 std::string* error) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--help" || word == "-h") {
      *help = true;
      return true;
    }
    if (word == "-" || word.empty() || word[0] != '-') {
      positional->push_back(word);
      continue;
    }
    if (word.size() < 3 || word[1] != '-') {
      *error = "unexpected argument '" + word + "'";
      return false;
    }
    const std::size_t eq = word.find('=');
    const std::string_view name =
        std::string_view(word).substr(0, eq == std::string::npos ? word.size() : eq);
    const SimpleOptionSpec* spec = nullptr;
    for (const SimpleOptionSpec& candidate : specs) {
      if (candidate.name == name) spec = &candidate;
    }
    if (spec == nullptr) {
      *error = "unknown option '" + std::string(name) + "'";
      return false;
    }
    std::string value;
    if (spec->flag) {
      if (eq != std::string::npos) {
        *error = std::string(spec->name) + " takes no value";
        return false;
      }
    } else if (eq != std::string::npos) {
      value = word.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];  // taken as is, even when it begins with '-'
    } else {
      *error = std::string(spec->name) + " needs a value";
      return false;
    }
    if (value.empty() && !spec->flag) {
      *error = std::string(spec->name) + " needs a non-empty value";
      return false;
    }
    if (!spec->repeatable) {
      for (const auto& [seen, ignored] : *values) {
        if (seen == spec->name) {
          *error = std::string(spec->name) + " given more than once";
          return false;
        }
      }
    }
    values->emplace_back(spec->name, std::move(value));
  }
  return true;
}

}  // namespace

bool ParseNowValue(const std::string& value, std::optional<UnixSeconds>* now, std::string* error) {
  const Result<UnixSeconds> parsed = ParseRfc3339Timestamp(value);
  if (!parsed.has_value()) {
    *error = "--now takes an ISO 8601 time such as 2025-01-31T12:00:00Z";
    return false;
  }
  *now = *parsed;
  return true;
}

bool ParseVerifyArgs(Ceremony ceremony, const std::vector<std::string>& args, VerifyArgs* out,
                     std::string* error) {
  std::vector<Opt> seen_once;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--help" || word == "-h") {
      out->help = true;
      return true;
    }
    if (word.size() < 3 || word[0] != '-' || word[1] != '-') {
      *error = "unexpected argument '" + word + "'";
      return false;
    }
    const std::size_t eq = word.find('=');
    const std::string_view name =
        std::string_view(word).substr(0, eq == std::string::npos ? word.size() : eq);
    const OptionSpec* spec = FindOption(name);
    if (spec == nullptr) {
      *error = "unknown option '" + std::string(name) + "'";
      return false;
    }
    if (spec->scope == OptionSpec::Scope::kAuthentication && ceremony == Ceremony::kRegistration) {
      *error = std::string(spec->name) + " is only accepted by verify-authentication";
      return false;
    }
    if (spec->scope == OptionSpec::Scope::kRegistration && ceremony == Ceremony::kAuthentication) {
      *error = std::string(spec->name) + " is only accepted by verify-registration";
      return false;
    }
    std::string value;
    if (!spec->takes_value) {
      if (eq != std::string::npos) {
        *error = std::string(spec->name) + " does not take a value";
        return false;
      }
    } else if (eq != std::string::npos) {
      value = word.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];  // taken as is, even when it begins with '-'
    } else {
      *error = std::string(spec->name) + " needs a value";
      return false;
    }
    if (!Apply(*spec, value, out, &seen_once, error)) {
      return false;
    }
  }
  if (out->rp_ids.empty()) {
    *error = "missing required option --rp-id";
    return false;
  }
  if (out->origins.empty()) {
    *error = "missing required option --origin";
    return false;
  }
  if (out->challenge.empty()) {
    *error = "missing required option --challenge";
    return false;
  }
  if (ceremony == Ceremony::kAuthentication && out->credential_path.empty()) {
    *error = "missing required option --credential";
    return false;
  }
  // The RP's configuration is the caller's: a bad --rp-id / --origin /
  // --top-origin is a usage error, found before any response is read.
  RelyingParty rp;
  rp.ids = out->rp_ids;
  rp.origins = out->origins;
  rp.top_origins = out->top_origins;
  if (const Status valid = ValidateRelyingParty(rp); !valid.has_value()) {
    *error = WithFlagNames(valid.error().message);
    return false;
  }
  return CheckMetadataArgs(out->metadata, error);
}

bool ParseAaguidArgs(const std::vector<std::string>& args, AaguidArgs* out, std::string* error) {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string_view, std::string>> values;
  static constexpr SimpleOptionSpec kSpecs[] = {
      {"--catalog", true}, {"--mds", false}, {"--mds-root", false}, {"--now", false}};
  if (!ParseSimple(args, kSpecs, &out->help, &positional, &values, error)) return false;
  if (out->help) return true;
  for (const auto& [name, value] : values) {
    if (name == "--catalog") {
      out->metadata.catalog_paths.push_back(value);
    } else if (name == "--mds") {
      out->metadata.mds_path = value;
    } else if (name == "--mds-root") {
      out->metadata.mds_root_path = value;
    } else if (!ParseNowValue(value, &out->now, error)) {
      return false;
    }
  }
  if (positional.size() != 1) {
    *error = positional.empty() ? "missing the AAGUID" : "expected exactly one AAGUID";
    return false;
  }
  Result<Aaguid> aaguid = Aaguid::Parse(positional[0]);
  if (!aaguid.has_value()) {
    *error = "'" + positional[0] + "' is not an AAGUID (8-4-4-4-12 hex digits)";
    return false;
  }
  out->aaguid = *aaguid;
  return CheckMetadataArgs(out->metadata, error);
}

bool ParseMdsVerifyArgs(const std::vector<std::string>& args, MdsVerifyArgs* out,
                        std::string* error) {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string_view, std::string>> values;
  static constexpr SimpleOptionSpec kSpecs[] = {
      {"--root", false},
      {"--now", false},
      {"--min-number", false},
      {"--crl", true},
      {"--require-revocation-check", false, true}};
  if (!ParseSimple(args, kSpecs, &out->help, &positional, &values, error)) return false;
  if (out->help) return true;
  for (const auto& [name, value] : values) {
    if (name == "--root") {
      out->root_path = value;
    } else if (name == "--now") {
      if (!ParseNowValue(value, &out->now, error)) return false;
    } else if (name == "--crl") {
      out->crl_paths.push_back(value);
    } else if (name == "--require-revocation-check") {
      out->require_revocation_check = true;
    } else {
      std::uint64_t number = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (ec != std::errc() || ptr != value.data() + value.size()) {
        *error = "--min-number takes a non-negative integer, not '" + value + "'";
        return false;
      }
      out->min_number = number;
    }
  }
  if (positional.size() != 1) {
    *error = positional.empty() ? "missing the BLOB file" : "expected exactly one BLOB file";
    return false;
  }
  out->blob_path = positional[0];
  if (out->root_path.empty()) {
    *error = "missing required option --root";
    return false;
  }
  return true;
}

std::string WithFlagNames(std::string_view message) {
  // Longer names first where one is a prefix of another.
  static constexpr std::pair<std::string_view, std::string_view> kFields[] = {
      // ValidateRelyingParty
      {"RP ID", "--rp-id"},
      {"top origin", "--top-origin"},
      {"origin", "--origin"},
      // CreationOptionsParams / RequestOptionsParams members
      {"rp_id", "--rp-id"},
      {"rp_name", "--rp-name"},
      {"user_id", "--user-id"},
      {"user_name", "--user-name"},
      {"user_display_name", "--user-display-name"},
      {"algorithms", "--alg"},
      {"exclude_credentials", "--exclude"},
      {"allow_credentials", "--allow"},
      {"authenticator_attachment", "--attachment"},
      {"resident_key", "--resident-key"},
      {"user_verification", "--user-verification"},
      {"hints", "--hint"},
      {"attestation_formats", "--attestation-format"},
      {"attestation", "--attestation"},
      {"timeout_ms", "--timeout"},
  };
  for (const auto& [field, flag] : kFields) {
    if (message.substr(0, field.size()) != field) continue;
    std::string_view rest = message.substr(field.size());
    // The field must end there ("attestation" is not "attestation_formats").
    if (!rest.empty() && rest[0] != ' ' && rest[0] != ':' && rest[0] != '[' && rest[0] != '.') {
      continue;
    }
    std::string out(flag);
    // "exclude_credentials[1].id is ..." -> "--exclude #2: id is ...": the
    // index counts the flag's occurrences from 1.
    if (!rest.empty() && rest[0] == '[') {
      const std::size_t close = rest.find(']');
      std::size_t index = 0;
      if (close != std::string_view::npos && close > 1) {
        const auto [ptr, ec] = std::from_chars(rest.data() + 1, rest.data() + close, index);
        if (ec == std::errc() && ptr == rest.data() + close) {
          out += " #" + std::to_string(index + 1);
          rest = rest.substr(close + 1);
          if (!rest.empty() && rest[0] == '.') {
            out += ": ";
            rest = rest.substr(1);
          }
        }
      }
    }
    out += rest;
    return out;
  }
  return std::string(message);
}

std::string_view VerifyHelp(Ceremony ceremony) {
  if (ceremony == Ceremony::kRegistration) {
    return R"(Usage: passkey verify-registration --rp-id ID [--rp-id ID ...]
         --origin O [--origin O ...] --challenge B64URL [options]

Verifies a RegistrationResponseJSON (navigator.credentials.create() result,
serialised with toJSON()) per WebAuthn L3 section 7.1. The response is read
from --response FILE, or from standard input when --response is absent or "-".

Options (a value may begin with '-'; --opt=VALUE also works):
  --rp-id ID                   acceptable RP ID (repeatable; at least one)
  --origin O                   acceptable origin, exact match (repeatable)
  --top-origin O               acceptable topOrigin (repeatable; needs
                               --allow-cross-origin)
  --allow-cross-origin         accept crossOrigin=true / topOrigin
  --challenge B64URL           the challenge the RP issued (base64url)
  --user-verification V        required (default) | preferred | discouraged
  --algorithm COSE_ALG         allowed algorithm, e.g. -7 ES256, -8 EdDSA,
                               -257 RS256 (repeatable; default: all supported
                               except RS1)
  --expected-type T            accepted clientDataJSON.type (repeatable;
                               default webauthn.create)
  --allow-sha1-attestation     accept SHA-1 signatures (RS1 keys and
                               statements, SHA-1 certificates); off by default
  --now ISO8601                verification time: certificates must be valid
                               then; stored as createdAt (default: now)
  --user-handle B64URL         user.id of the creation options: stored as the
                               record's userHandle, so later assertions must
                               come from that user
  --mediation M                conditional: the RP asked for conditional
                               create; UP=0 is then accepted and the record
                               says "userPresent": false (optional, required,
                               silent: UP must be set, the default)
  --trust-anchor FILE          attestation root or intermediate certificate(s),
                               PEM (any number of blocks) or DER (repeatable)
  --require-trusted-attestation
                               reject (attestation_untrusted) unless the
                               attestation chains to a --trust-anchor
  --crl FILE                   certificate revocation list(s), PEM or DER
                               (repeatable); applied to attestation paths
                               and, with --mds, to the BLOB's chain
  --require-revocation-check   reject (certificate_invalid) a path or BLOB
                               chain with a certificate that names a CRL
                               distribution point no --crl covers
  --android-key-require-tee    android-key: origin and purpose must be in the
                               TEE/StrongBox list (default: either list)
  --allow-safetynet-without-cts-profile-match
                               android-safetynet: accept ctsProfileMatch false
  --danger-skip-safetynet-timestamp-check
                               android-safetynet: accept any timestampMs
                               (replayed responses); archived data only
  --catalog FILE               AAGUID catalog (community format) for the
                               record's provider (repeatable; later files
                               override earlier ones and the built-in one)
  --mds BLOB --mds-root PEM    FIDO MDS3 BLOB, verified at --now under the
                               root: its names/icons override the catalogs,
                               its attestation roots become per-AAGUID trust
                               anchors, and a model whose latest status is a
                               compromise is rejected
                               (authenticator_status_compromised)
  --response FILE              read the response from FILE ("-" = stdin)
  -h, --help                   show this help

Exit status: 0 verified (stdout: the credential record JSON), 1 rejected
(stdout: {"error": {"code": "...", "message": "..."}}), 2 usage error,
3 standard output could not be written.
)";
  }
  return R"(Usage: passkey verify-authentication --rp-id ID [--rp-id ID ...]
         --origin O [--origin O ...] --challenge B64URL
         --credential RECORD.json [options]

Verifies an AuthenticationResponseJSON (navigator.credentials.get() result,
serialised with toJSON()) against a stored credential record per WebAuthn L3
section 7.2. The response is read from --response FILE, or from standard input
when --response is absent or "-".

Options (a value may begin with '-'; --opt=VALUE also works):
  --rp-id ID                   acceptable RP ID (repeatable; at least one)
  --origin O                   acceptable origin, exact match (repeatable)
  --top-origin O               acceptable topOrigin (repeatable; needs
                               --allow-cross-origin)
  --allow-cross-origin         accept crossOrigin=true / topOrigin
  --challenge B64URL           the challenge the RP issued (base64url)
  --user-verification V        required (default) | preferred | discouraged
  --algorithm COSE_ALG         allowed algorithm of the stored key
                               (repeatable; default: all supported except RS1)
  --expected-type T            accepted clientDataJSON.type (repeatable;
                               default webauthn.get)
  --allow-sha1-attestation     accept RS1 credential keys; off by default
  --credential RECORD.json     the stored credential record (required), or
                               what a previous verify-authentication printed
                               ({"credential": <record>, ...}); members this
                               build does not know (e.g. "x-app-note") are
                               kept in the updated record
  --appid URL                  the FIDO AppID sent in the appid extension
  --user-handle B64URL         the user handle of the user being signed in;
                               a response userHandle must equal it (and the
                               record's userHandle, when it has one)
  --allow-credential B64URL    a credential ID of the allowCredentials sent
                               (repeatable); another credential is rejected
                               (credential_not_allowed)
  --discoverable               the user was not identified before the
                               ceremony: the response must carry a
                               userHandle (user_handle_missing), which must
                               be the record's userHandle
  --allow-sign-count-rollback  accept a signCount that did not increase and
                               report "signCountRollback": true instead
  --now ISO8601                time stored as lastUsedAt (default: now)
  --catalog FILE               AAGUID catalog (community format): the updated
                               record's provider is looked up again
                               (repeatable; later files override earlier ones)
  --mds BLOB --mds-root PEM    FIDO MDS3 BLOB (verified at --now) whose
                               names/icons override the catalogs
  --response FILE              read the response from FILE ("-" = stdin)
  -h, --help                   show this help

Exit status: 0 verified (stdout: {"credential": <updated record>,
"signCount": N, "userVerified": bool, "backupState": bool}), 1 rejected
(stdout: {"error": {"code": "...", "message": "..."}}), 2 usage error,
3 standard output could not be written.
)";
}

std::string_view AaguidHelp() {
  return R"(Usage: passkey aaguid UUID [--catalog FILE ...] [--mds BLOB --mds-root PEM]
         [--now ISO8601]

Looks up the credential manager or security key model an AAGUID names.
Sources, later ones overriding earlier ones: the built-in catalog, each
--catalog FILE (community format {"<aaguid>": {"name", "icon_light",
"icon_dark"}}) in order, then the FIDO MDS3 BLOB (verified at --now under
--mds-root; its description and icon).

Options (a value may begin with '-'; --opt=VALUE also works):
  --catalog FILE               AAGUID catalog (repeatable)
  --mds BLOB                   FIDO MDS3 metadata BLOB (a JWS file)
  --mds-root PEM               the root certificate the BLOB must chain to
  --now ISO8601                verification time of the BLOB (default: now)
  -h, --help                   show this help

Exit status: 0 known (stdout: {"aaguid", "name", "iconLight", "iconDark"}),
1 unknown or bad catalog/BLOB (stdout: {"error": {"code": "unknown_aaguid",
...}} or the catalog's/BLOB's code), 2 usage error, 3 standard output could
not be written.
)";
}

std::string_view MdsHelp() {
  return R"(Usage: passkey mds verify BLOB --root PEM [--now ISO8601] [--min-number N]
         [--crl FILE ...] [--require-revocation-check]

Verifies a FIDO Metadata Service 3 BLOB (a JWS file; "-" = standard input)
per the MDS3 "Metadata BLOB object processing rules": the x5c chain must
reach the --root certificate and be valid at --now, and x5c[0] must have
signed it. A BLOB past its nextUpdate still verifies ("stale": true).

Options (a value may begin with '-'; --opt=VALUE also works):
  --root PEM                   the MDS root certificate, PEM or DER (required)
  --now ISO8601                verification time (default: now)
  --min-number N               the last BLOB number you accepted: a BLOB
                               whose no is not greater is rejected
                               (mds_rollback)
  --crl FILE                   CRL(s) for the BLOB's chain, PEM or DER
                               (repeatable); a revoked certificate is
                               certificate_revoked
  --require-revocation-check   reject (certificate_invalid) a chain with a
                               certificate that names a CRL distribution
                               point no --crl covers
  -h, --help                   show this help

Exit status: 0 verified (stdout: {"no", "nextUpdate", "entries", "stale",
"revocationChecked"}: revocationChecked = every certificate below the root
was covered by a --crl),
1 rejected (stdout: {"error": {"code": "...", "message": "..."}}), 2 usage,
3 standard output could not be written.
)";
}

namespace {

// ParseDescriptor: "CRED_ID_B64URL[:t1,t2,...]" for --exclude / --allow.
// ':' is not in the base64url alphabet, so the first one ends the ID.
bool ParseDescriptor(std::string_view flag, const std::string& value, CredentialDescriptor* out,
                     std::string* error) {
  const std::size_t colon = value.find(':');
  const std::string id_text = value.substr(0, colon);
  if (!DecodeBase64UrlFlag(flag, id_text, &out->id, error)) return false;
  if (out->id.empty()) {
    *error = std::string(flag) + " takes CRED_ID_B64URL[:transport,...]; the ID is empty";
    return false;
  }
  if (colon == std::string::npos) return true;
  const std::string list = value.substr(colon + 1);
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    std::string transport =
        list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (transport.empty()) {
      *error = std::string(flag) + ": empty transport in '" + value + "'";
      return false;
    }
    out->transports.push_back(std::move(transport));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

bool ParseHint(const std::string& value, CredentialHint* out, std::string* error) {
  const Result<CredentialHint> hint = ParseCredentialHint(value);
  if (!hint.has_value()) {
    *error = "--hint must be security-key, client-device or hybrid";
    return false;
  }
  *out = *hint;
  return true;
}

// ParseAlg: a name as CoseAlgorithmName spells it (ES256, EdDSA, RS1, ...)
// or a COSE number (-7).
bool ParseAlg(const std::string& value, CoseAlgorithm* out, std::string* error) {
  if (const Result<CoseAlgorithm> alg = ParseCoseAlgorithm(value); alg.has_value()) {
    *out = *alg;
    return true;
  }
  *error = "--alg takes a supported algorithm (ES256, EdDSA, Ed25519, Ed448, ES384, ES512, "
           "PS256, PS384, PS512, RS256, RS384, RS512, RS1) or its COSE number, not '" +
           value + "'";
  return false;
}

bool ParseTimeout(const std::string& value, std::uint32_t* out, std::string* error) {
  std::uint32_t timeout = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), timeout);
  if (ec != std::errc() || ptr != value.data() + value.size()) {
    *error = "--timeout takes milliseconds (0..4294967295), not '" + value + "'";
    return false;
  }
  *out = timeout;
  return true;
}

}  // namespace

bool ParseOptionsArgs(const std::vector<std::string>& args, OptionsArgs* out,
                      std::string* error) {
  if (args.empty()) {
    *error = "missing the ceremony (registration or authentication)";
    return false;
  }
  if (args[0] == "--help" || args[0] == "-h") {
    out->help = true;
    return true;
  }
  if (args[0] == "registration") {
    out->ceremony = Ceremony::kRegistration;
  } else if (args[0] == "authentication") {
    out->ceremony = Ceremony::kAuthentication;
  } else {
    *error = "unknown ceremony '" + args[0] + "' (registration or authentication)";
    return false;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  std::vector<std::string> positional;
  std::vector<std::pair<std::string_view, std::string>> values;
  static constexpr SimpleOptionSpec kRegistrationSpecs[] = {
      {"--rp-id", false},          {"--rp-name", false},     {"--user-name", false},
      {"--user-display-name", false}, {"--user-id", false},   {"--exclude", true},
      {"--attachment", false},     {"--resident-key", false}, {"--user-verification", false},
      {"--hint", true},            {"--attestation", false},  {"--attestation-format", true},
      {"--timeout", false},        {"--alg", true}};
  static constexpr SimpleOptionSpec kAuthenticationSpecs[] = {{"--rp-id", false},
                                                              {"--allow", true},
                                                              {"--user-verification", false},
                                                              {"--hint", true},
                                                              {"--timeout", false}};
  const bool registration = out->ceremony == Ceremony::kRegistration;
  if (!(registration ? ParseSimple(rest, kRegistrationSpecs, &out->help, &positional, &values,
                                   error)
                     : ParseSimple(rest, kAuthenticationSpecs, &out->help, &positional, &values,
                                   error))) {
    return false;
  }
  if (out->help) return true;
  if (!positional.empty()) {
    *error = "unexpected argument '" + positional[0] + "'";
    return false;
  }
  CreationOptionsParams& creation = out->creation;
  RequestOptionsParams& request = out->request;
  bool have_rp_id = false;
  for (const auto& [name, value] : values) {
    if (name == "--rp-id") {
      (registration ? creation.rp_id : request.rp_id) = value;
      have_rp_id = true;
    } else if (name == "--rp-name") {
      creation.rp_name = value;
    } else if (name == "--user-name") {
      creation.user_name = value;
    } else if (name == "--user-display-name") {
      creation.user_display_name = value;
    } else if (name == "--user-id") {
      if (!DecodeBase64UrlFlag(name, value, &creation.user_id, error)) return false;
      out->user_id_given = true;
    } else if (name == "--exclude" || name == "--allow") {
      CredentialDescriptor descriptor;
      if (!ParseDescriptor(name, value, &descriptor, error)) return false;
      (registration ? creation.exclude_credentials : request.allow_credentials)
          .push_back(std::move(descriptor));
    } else if (name == "--attachment") {
      const Result<Attachment> attachment = ParseAttachment(value);
      if (!attachment.has_value()) {
        *error = "--attachment must be platform or cross-platform";
        return false;
      }
      creation.authenticator_attachment = *attachment;
    } else if (name == "--resident-key") {
      const Result<ResidentKeyRequirement> resident_key =
          ParseResidentKeyRequirement(value);
      if (!resident_key.has_value()) {
        *error = "--resident-key must be required, preferred or discouraged";
        return false;
      }
      creation.resident_key = *resident_key;
    } else if (name == "--user-verification") {
      const Result<UserVerification> uv = ParseUserVerification(value);
      if (!uv.has_value()) {
        *error = "--user-verification must be required, preferred or discouraged";
        return false;
      }
      (registration ? creation.user_verification : request.user_verification) = *uv;
    } else if (name == "--hint") {
      CredentialHint hint = CredentialHint::kSecurityKey;
      if (!ParseHint(value, &hint, error)) return false;
      (registration ? creation.hints : request.hints).push_back(hint);
    } else if (name == "--attestation") {
      const Result<AttestationConveyance> attestation = ParseAttestationConveyance(value);
      if (!attestation.has_value()) {
        *error = "--attestation must be none, indirect, direct or enterprise";
        return false;
      }
      creation.attestation = *attestation;
    } else if (name == "--attestation-format") {
      creation.attestation_formats.push_back(value);
    } else if (name == "--timeout") {
      if (!ParseTimeout(value, registration ? &creation.timeout_ms : &request.timeout_ms,
                        error)) {
        return false;
      }
    } else if (name == "--alg") {
      CoseAlgorithm alg = CoseAlgorithm::kEs256;
      if (!ParseAlg(value, &alg, error)) return false;
      creation.algorithms.push_back(alg);
    }
  }
  if (!have_rp_id) {
    *error = "missing required option --rp-id";
    return false;
  }
  if (registration && creation.rp_name.empty()) {
    *error = "missing required option --rp-name";
    return false;
  }
  if (registration && creation.user_name.empty()) {
    *error = "missing required option --user-name";
    return false;
  }
  return true;
}

std::string_view OptionsHelp() {
  return R"(Usage: passkey options registration --rp-id ID --rp-name NAME --user-name NAME
         [options]
       passkey options authentication --rp-id ID [options]

Prints the options an RP sends to the browser, with a fresh 32-byte challenge
from OpenSSL's CSPRNG: WebAuthn L3 PublicKeyCredentialCreationOptionsJSON
(registration, for navigator.credentials.create()) or
PublicKeyCredentialRequestOptionsJSON (authentication, for
navigator.credentials.get()). Keep the challenge: verify-* needs it.

Registration options (a value may begin with '-'; --opt=VALUE also works):
  --rp-id ID                   the RP ID, a domain such as example.com
  --rp-name NAME               the RP's display name
  --user-name NAME             the account name (e.g. an e-mail address)
  --user-display-name NAME     the user's display name (default: --user-name)
  --user-id B64URL             the opaque user handle, 1..64 bytes (default:
                               32 fresh random bytes; never derive it from
                               the e-mail address)
  --exclude CRED_ID[:T,...]    an existing credential of the user, base64url,
                               with its transports, e.g. AbC:usb,nfc
                               (repeatable)
  --attachment A               platform | cross-platform (default: either)
  --resident-key R             required (default) | preferred | discouraged
  --user-verification V        required (default) | preferred | discouraged
  --hint H                     security-key | client-device | hybrid
                               (repeatable, most preferred first)
  --attestation A              none (default) | indirect | direct | enterprise
  --attestation-format F       preferred attestation format (repeatable)
  --timeout MS                 timeout in milliseconds (default 300000; 0 =
                               omitted)
  --alg ALG                    pubKeyCredParams entry, by name (ES256, EdDSA,
                               Ed25519, Ed448, ES384, ES512, PS256, PS384,
                               PS512, RS256, RS384, RS512, RS1) or COSE number
                               (repeatable, in order; default: every
                               supported algorithm except RS1)

Authentication options:
  --rp-id ID                   the RP ID
  --allow CRED_ID[:T,...]      an allowed credential (repeatable; none = any
                               discoverable credential, no username needed)
  --user-verification V        required (default) | preferred | discouraged
  --hint H                     security-key | client-device | hybrid
                               (repeatable)
  --timeout MS                 timeout in milliseconds (default 300000)
  -h, --help                   show this help

Exit status: 0 (stdout: the options JSON, one line), 1 internal error
(stdout: {"error": {...}}), 2 usage error (including an invalid --rp-id,
--user-id size, duplicate --alg or --hint), 3 standard output could not be
written.
)";
}

}  // namespace passkey::cli
