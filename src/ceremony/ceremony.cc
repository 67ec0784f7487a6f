#include "ceremony/ceremony.h"

#include <algorithm>
#include <string>

#include "crypto/crypto.h"
#include "encoding/base64.h"
#include "encoding/byte_reader.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

// Short, printable prefix of untrusted text for log messages.
std::string Excerpt(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 48)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (text.size() > 48) out += "...";
  return out;
}

// QuotedList: "'a', 'b', 'c'" (at most eight, then "…") for messages that
// name what was expected.
std::string QuotedList(const std::vector<std::string>& values) {
  std::string out;
  std::size_t shown = 0;
  for (const std::string& value : values) {
    if (shown == 8) {
      out += ", ...";
      break;
    }
    if (shown++ != 0) out += ", ";
    // Appended piece by piece: g++ 12 -O3 misreads `"'" + std::string&&`
    // as an overlapping memcpy (-Wrestrict, GCC bug 105329).
    out += '\'';
    out += Excerpt(value);
    out += '\'';
  }
  return out;
}

constexpr std::size_t kMaxDomainBytes = 253;
constexpr std::size_t kMaxLabelBytes = 63;

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// CheckHostLabels: dot-separated LDH labels in lower case (1..63 bytes, no
// '-' at either end). With allow_ip, a host whose labels are all digits (an
// IPv4 address) is accepted; without it a last label of digits is refused.
template <class Bad>
Status CheckHostLabels(std::string_view host, bool allow_ip, const Bad& bad) {
  std::size_t start = 0;
  bool last_all_digits = false;
  while (true) {
    const std::size_t dot = host.find('.', start);
    const std::string_view label =
        host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return bad("empty label");
    if (label.size() > kMaxLabelBytes) return bad("label longer than 63 bytes");
    if (label.front() == '-' || label.back() == '-') return bad("label begins or ends with '-'");
    last_all_digits = true;
    for (const char c : label) {
      const bool digit = c >= '0' && c <= '9';
      if (!digit) last_all_digits = false;
      if (c >= 'A' && c <= 'Z') return bad("upper-case letters (use lower case)");
      if (!(digit || (c >= 'a' && c <= 'z') || c == '-')) {
        return bad("only a-z, 0-9, '-' and '.' are allowed (IDNs as xn-- A-labels)");
      }
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (last_all_digits && !allow_ip) return bad("an IP address is not a domain");
  return OkStatus();
}

}  // namespace

// ValidateRpId: §5.4.2 PublicKeyCredentialRpEntity.id "MUST be a valid
// domain string", and §5.1.3 step "rpId … hashed": the browser hashes the
// RP ID as given, so a configured "Example.com" or "example.com." can never
// match. Accepted: lower-case LDH labels (a-z, 0-9, '-', not at either end
// of a label, 1..63 bytes), at most 253 bytes, no trailing dot, and a last
// label that is not all digits (an IPv4 address is not a domain: WebAuthn
// is unavailable on IP origins). "localhost" is such a domain.
// Internationalised names must be given in their A-label form ("xn--…"),
// which is what the browser hashes.
Status ValidateRpId(std::string_view field, std::string_view rp_id) {
  if (rp_id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, std::string(field) + " is required");
  }
  const auto bad = [&](std::string_view why) {
    return Fail(ErrorCode::kInvalidArgument, std::string(field) + " '" + Excerpt(rp_id) +
                                                 "' is not a valid RP ID (a lower-case domain): " +
                                                 std::string(why));
  };
  if (rp_id.find("://") != std::string_view::npos) return bad("it has a scheme");
  if (rp_id.find('/') != std::string_view::npos) return bad("it has a path");
  if (rp_id.find(':') != std::string_view::npos) return bad("it has a port");
  if (rp_id.back() == '.') return bad("it ends with a dot");
  if (rp_id.size() > kMaxDomainBytes) return bad("longer than 253 bytes");
  return CheckHostLabels(rp_id, /*allow_ip=*/false, bad);
}

// ValidateOrigin: HTML's "ASCII serialization of an origin", which is what
// clientDataJSON.origin holds: scheme "://" host [":" port], nothing else.
// Scheme and host lower case (browsers lower-case both), no path, query,
// fragment, user info or trailing slash, a port only when it is not the
// scheme's default (a browser omits ":443" for https and ":80" for http).
// The host is a domain, an IPv4 address or a bracketed IPv6 address. Also
// Android's facet form "android:apk-key-hash:<base64url SHA-256>" (§5.8.1's
// origin for apps).
Status ValidateOrigin(std::string_view field, std::string_view origin) {
  const auto bad = [&](std::string_view why) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(field) + " '" + Excerpt(origin) +
                    "' is not a serialized origin (scheme://host[:port]): " + std::string(why));
  };
  if (origin.empty()) return Fail(ErrorCode::kInvalidArgument, std::string(field) + " is empty");
  constexpr std::string_view kApkKeyHash = "android:apk-key-hash:";
  if (origin.substr(0, kApkKeyHash.size()) == kApkKeyHash) {
    const std::string_view hash = origin.substr(kApkKeyHash.size());
    if (hash.empty() || !std::all_of(hash.begin(), hash.end(), IsBase64UrlChar)) {
      return bad("android:apk-key-hash: must be followed by base64url");
    }
    return OkStatus();
  }
  const std::size_t separator = origin.find("://");
  if (separator == std::string_view::npos || separator == 0) return bad("no scheme");
  const std::string_view scheme = origin.substr(0, separator);
  if (!(scheme.front() >= 'a' && scheme.front() <= 'z') ||
      !std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
               c == '.';
      })) {
    return bad("the scheme must be lower-case letters, digits, '+', '-' or '.'");
  }
  std::string_view rest = origin.substr(separator + 3);
  if (rest.find_first_of("/?#") != std::string_view::npos) {
    return bad("it has a path, query or fragment (or a trailing slash)");
  }
  if (rest.find('@') != std::string_view::npos) return bad("it has user info");
  if (rest.empty()) return bad("no host");
  // Split off the port: after the last ':' outside an IPv6 literal.
  std::string_view host = rest;
  std::string_view port;
  if (rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 literal");
    host = rest.substr(0, close + 1);
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("text after the IPv6 literal");
      port = after.substr(1);
      if (port.empty()) return bad("empty port");
    }
    const std::string_view inner = host.substr(1, host.size() - 2);
    if (inner.empty() || !std::all_of(inner.begin(), inner.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
        })) {
      return bad("the IPv6 literal must be lower-case hex digits, ':' and '.'");
    }
  } else {
    if (const std::size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
      if (port.empty()) return bad("empty port");
    }
    if (host.empty()) return bad("no host");
    if (host.back() == '.') return bad("the host ends with a dot");
    if (host.size() > kMaxDomainBytes) return bad("the host is longer than 253 bytes");
    PASSKEY_RETURN_IF_ERROR(CheckHostLabels(host, /*allow_ip=*/true, bad));
  }
  if (!port.empty()) {
    if (port.size() > 5 || port.front() == '0' ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return bad("the port must be a number 1..65535 without leading zeros");
    }
    const long number = std::stol(std::string(port));  // NOLINT(runtime/int)
    if (number > 65535) return bad("the port must be a number 1..65535");
    if ((scheme == "https" && number == 443) || (scheme == "http" && number == 80)) {
      return bad("the scheme's default port is never part of a serialized origin");
    }
  }
  return OkStatus();
}

Status ValidateOptions(const RelyingParty& rp, ByteView challenge) {
  PASSKEY_RETURN_IF_ERROR(ValidateRelyingParty(rp));
  if (challenge.empty()) return Fail(ErrorCode::kInvalidArgument, "empty challenge");
  return OkStatus();
}

Status VerifyClientData(const ClientData& client_data, const RelyingParty& rp,
                        ByteView challenge, const std::vector<std::string>& expected_types,
                        std::string_view default_type) {
  // "Verify that the value of C.type is webauthn.create" (§7.1) /
  // "… is the string webauthn.get" (§7.2).
  const bool type_ok =
      expected_types.empty()
          ? client_data.type == default_type
          : std::find(expected_types.begin(), expected_types.end(), client_data.type) !=
                expected_types.end();
  if (!type_ok) {
    return Fail(ErrorCode::kTypeMismatch, "unexpected type '" + Excerpt(client_data.type) + "'");
  }
  // "Verify that the value of C.challenge equals the base64url encoding of
  // pkOptions.challenge." Compared as text, in constant time.
  // Encoded on the stack for the usual sizes (a prepared verification stays
  // at 4 allocations, tests/alloc); a longer challenge takes a string.
  char stack_text[Base64UrlEncodedSize(96)];
  std::string heap_text;
  char* text = stack_text;
  if (challenge.size() > 96) {
    heap_text.resize(Base64UrlEncodedSize(challenge.size()));
    text = heap_text.data();
  }
  const std::string_view expected_challenge(text, Base64UrlEncodeTo(challenge, text));
  if (!ConstantTimeEquals(AsBytes(client_data.challenge), AsBytes(expected_challenge))) {
    return Fail(ErrorCode::kChallengeMismatch, "challenge differs from the one issued");
  }
  // "Verify that the value of C.origin is an origin expected by the Relying
  // Party." Exact match against the configured list.
  if (std::find(rp.origins.begin(), rp.origins.end(), client_data.origin) == rp.origins.end()) {
    return Fail(ErrorCode::kOriginMismatch, "origin '" + Excerpt(client_data.origin) +
                                                "' is not expected (expected " +
                                                QuotedList(rp.origins) + ")");
  }
  // "If C.crossOrigin is present and set to true, verify that the Relying
  // Party expects that this credential would have been created [used] within
  // an iframe that is not same-origin with its ancestors."
  if (client_data.cross_origin && !rp.allow_cross_origin) {
    return Fail(ErrorCode::kCrossOriginNotAllowed, "crossOrigin is true");
  }
  // "If C.topOrigin is present: Verify that the Relying Party expects that
  // this credential would have been created within an iframe that is not
  // same-origin with its ancestors. Verify that the value of C.topOrigin
  // matches the origin of a page that the Relying Party expects to be
  // sub-framed within."
  if (client_data.top_origin.has_value()) {
    if (!rp.allow_cross_origin) {
      return Fail(ErrorCode::kCrossOriginNotAllowed, "topOrigin present but cross-origin use is not allowed");
    }
    if (std::find(rp.top_origins.begin(), rp.top_origins.end(), *client_data.top_origin) ==
        rp.top_origins.end()) {
      return Fail(ErrorCode::kTopOriginMismatch,
                  "topOrigin '" + Excerpt(*client_data.top_origin) + "' is not expected (expected " +
                      (rp.top_origins.empty() ? std::string("none configured")
                                              : QuotedList(rp.top_origins)) +
                      ")");
    }
  }
  // WebAuthn Level 2: "Verify that the value of C.tokenBinding.status matches
  // the state of Token Binding for the TLS connection". Level 3 reserves the
  // member; a present one must still be one of the defined forms.
  if (!client_data.token_binding_valid) {
    return Fail(ErrorCode::kTokenBindingInvalid, "tokenBinding has an invalid status");
  }
  return OkStatus();
}

Result<const std::string*> MatchRpIdHash(const AuthenticatorData& auth_data,
                                         const std::vector<std::string>& rp_ids) {
  for (const std::string& rp_id : rp_ids) {
    const Sha256Digest expected = Sha256(AsBytes(rp_id));
    if (ConstantTimeEquals(auth_data.rp_id_hash, expected)) return &rp_id;
  }
  return Fail(ErrorCode::kRpIdMismatch,
              "rpIdHash is not SHA-256 of the expected RP ID (expected " + QuotedList(rp_ids) + ")");
}

Status VerifyUserFlags(const AuthenticatorData& auth_data, UserVerification user_verification,
                       bool require_user_present) {
  // "Verify that the UP bit of the flags in authData is set." (§7.2; §7.1:
  // "If options.mediation is not set to conditional, verify that the UP bit
  // of the flags in authData is set.")
  if (require_user_present && !auth_data.user_present) {
    return Fail(ErrorCode::kUserNotPresent, "UP flag is not set");
  }
  // "If user verification was determined to be required, verify that the UV
  // bit of the flags in authData is set. Otherwise, ignore the value of the
  // UV flag."
  if (user_verification == UserVerification::kRequired && !auth_data.user_verified) {
    return Fail(ErrorCode::kUserNotVerified, "UV flag is not set but verification is required");
  }
  // "If the BE bit of the flags in authData is not set, verify that the BS
  // bit is not set."
  if (!auth_data.backup_eligible && auth_data.backup_state) {
    return Fail(ErrorCode::kBackupFlagsInvalid, "BS flag set without BE");
  }
  return OkStatus();
}

Status VerifyAlgorithmAllowed(std::int64_t alg, const std::vector<CoseAlgorithm>& allowed,
                              bool allow_sha1, std::string_view sha1_option) {
  const bool is_sha1 = alg == static_cast<std::int64_t>(CoseAlgorithm::kRs1);
  if (allowed.empty()) {
    if (is_sha1 && !allow_sha1) {
      return Fail(ErrorCode::kAlgorithmNotAllowed,
                  "RS1 (SHA-1) keys need " + std::string(sha1_option));
    }
    return OkStatus();
  }
  const bool listed = std::any_of(allowed.begin(), allowed.end(), [alg](CoseAlgorithm a) {
    return static_cast<std::int64_t>(a) == alg;
  });
  if (!listed) {
    return Fail(ErrorCode::kAlgorithmNotAllowed,
                "algorithm " + std::to_string(alg) + " is not in the allowed list");
  }
  if (is_sha1 && !allow_sha1) {
    return Fail(ErrorCode::kAlgorithmNotAllowed, "RS1 (SHA-1) keys need " + std::string(sha1_option));
  }
  return OkStatus();
}

}  // namespace passkey::internal

namespace passkey {

Status ValidateRelyingParty(const RelyingParty& rp) {
  if (rp.ids.empty()) return internal::Fail(ErrorCode::kInvalidArgument, "no RP ID configured");
  for (const std::string& id : rp.ids) {
    PASSKEY_RETURN_IF_ERROR(internal::ValidateRpId("RP ID", id));
  }
  if (rp.origins.empty()) {
    return internal::Fail(ErrorCode::kInvalidArgument, "no origin configured");
  }
  for (const std::string& origin : rp.origins) {
    PASSKEY_RETURN_IF_ERROR(internal::ValidateOrigin("origin", origin));
  }
  for (const std::string& origin : rp.top_origins) {
    PASSKEY_RETURN_IF_ERROR(internal::ValidateOrigin("top origin", origin));
  }
  return OkStatus();
}

}  // namespace passkey
