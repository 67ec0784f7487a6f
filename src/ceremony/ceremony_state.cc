// One ceremony state, from options to verify (passkey/ceremony.h): making a
// RegistrationCeremony / AuthenticationCeremony beside the options JSON, its
// string form, and the verify overloads that translate it into
// RegistrationOptions / AuthenticationOptions.
//
// (src/ceremony/ceremony.{h,cc} are the internal checks both ceremonies share; this
// file is the public ceremony-state API.)
#include <passkey/ceremony.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "encoding/byte_reader.h"
#include "internal/limits.h"
#include "internal/result_macros.h"

namespace passkey {
namespace {

using internal::Fail;

// The string form: this prefix, then base64url of the binary encoding.
// A new layout gets a new prefix ("pk2."); a reader never guesses.
constexpr std::string_view kPrefix = "pk1.";
constexpr std::uint8_t kKindRegistration = 1;
constexpr std::uint8_t kKindAuthentication = 2;

// Caps, each wider than anything Make…Ceremony produces and each bounding
// what a (corrupted or hostile) stored string can make the parser allocate.
// §13.4.3: challenges "at least 16 bytes"; MakeRegistrationOptions makes
// 16..64.
constexpr std::size_t kMinChallengeBytes = 16;
constexpr std::size_t kMaxChallengeBytes = 64;
// RP IDs, origins, top origins: a deployment lists a handful.
constexpr std::size_t kMaxRpEntries = 64;
// One origin or RP ID: a domain is ≤ 253 bytes; an android:apk-key-hash
// origin ~70; 1 KiB leaves room for ports and long schemes.
constexpr std::size_t kMaxRpTextBytes = 1024;
// Algorithms: this build supports fewer than 16.
constexpr std::size_t kMaxAlgorithms = 32;
// allowCredentials: MakeAuthenticationOptions accepts ≤ 256 descriptors.
constexpr std::size_t kMaxAllowCredentials = 256;
// The whole string: 256 IDs of 1023 bytes, base64url-expanded, fit.
constexpr std::size_t kMaxCeremonyTextBytes = 512 * 1024;

// --- Field ranges, shared by Make, Serialize, Parse and Verify, so that
// whatever one side accepts the other does too. ---

Unexpected Invalid(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, "ceremony: " + std::move(message));
}

bool IsKnown(UserVerification uv) {
  return uv == UserVerification::kRequired || uv == UserVerification::kPreferred ||
         uv == UserVerification::kDiscouraged;
}

Status CheckCommon(const RelyingParty& rp, const Bytes& challenge, UserVerification uv,
                   UnixSeconds created_at, UnixSeconds expires_at) {
  if (created_at < 0 || expires_at < created_at) {
    return Invalid("created_at must be >= 0 and expires_at >= created_at");
  }
  if (challenge.size() < kMinChallengeBytes || challenge.size() > kMaxChallengeBytes) {
    return Invalid("challenge must be 16..64 bytes, not " + std::to_string(challenge.size()));
  }
  if (!IsKnown(uv)) return Invalid("user_verification has an unknown value");
  for (const auto* list : {&rp.ids, &rp.origins, &rp.top_origins}) {
    if (list->size() > kMaxRpEntries) return Invalid("more than 64 RP IDs or origins");
    for (const std::string& text : *list) {
      if (text.size() > kMaxRpTextBytes) return Invalid("an RP ID or origin is over 1 KiB");
    }
  }
  PASSKEY_RETURN_IF_ERROR(ValidateRelyingParty(rp));
  return OkStatus();
}

Status Check(const RegistrationCeremony& c) {
  PASSKEY_RETURN_IF_ERROR(
      CheckCommon(c.rp, c.challenge, c.user_verification, c.created_at, c.expires_at));
  if (c.algorithms.empty() || c.algorithms.size() > kMaxAlgorithms) {
    return Invalid("algorithms must list 1..32 entries");
  }
  for (std::size_t i = 0; i < c.algorithms.size(); ++i) {
    if (!IsSupportedAlgorithm(c.algorithms[i])) {
      return Invalid("algorithms: COSE algorithm " +
                     std::to_string(static_cast<std::int32_t>(c.algorithms[i])) +
                     " is not supported by this build");
    }
    if (std::find(c.algorithms.begin(), c.algorithms.begin() + static_cast<std::ptrdiff_t>(i),
                  c.algorithms[i]) != c.algorithms.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Invalid("algorithms lists an algorithm twice");
    }
  }
  // §5.4.3: user.id is 1..64 bytes.
  if (c.user_handle.empty() || c.user_handle.size() > internal::kMaxUserHandleBytes) {
    return Invalid("user_handle must be 1..64 bytes");
  }
  if (c.mediation != Mediation::kDefault && c.mediation != Mediation::kConditional) {
    return Invalid("mediation has an unknown value");
  }
  return OkStatus();
}

Status Check(const AuthenticationCeremony& c) {
  PASSKEY_RETURN_IF_ERROR(
      CheckCommon(c.rp, c.challenge, c.user_verification, c.created_at, c.expires_at));
  if (c.allow_credentials.size() > kMaxAllowCredentials) {
    return Invalid("allow_credentials has more than 256 entries");
  }
  for (const Bytes& id : c.allow_credentials) {
    if (id.empty() || id.size() > internal::kMaxCredentialIdBytes) {
      return Invalid("an allow_credentials id is not 1..1023 bytes");
    }
  }
  if (c.user_handle.size() > internal::kMaxUserHandleBytes) {
    return Invalid("user_handle is longer than 64 bytes");
  }
  return OkStatus();
}

// --- Binary encoding: big-endian integers, u16 length prefixes. Check()
// ran first, so every count and length fits its prefix. ---

class Writer {
 public:
  void U8(std::uint8_t v) { out_.push_back(v); }
  void U16(std::size_t v) {
    U8(static_cast<std::uint8_t>(v >> 8));
    U8(static_cast<std::uint8_t>(v));
  }
  void U32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) U8(static_cast<std::uint8_t>(v >> shift));
  }
  void I64(std::int64_t v) {
    const auto u = static_cast<std::uint64_t>(v);
    for (int shift = 56; shift >= 0; shift -= 8) U8(static_cast<std::uint8_t>(u >> shift));
  }
  void Blob(ByteView bytes) {
    U16(bytes.size());
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }
  void Strings(const std::vector<std::string>& list) {
    U8(static_cast<std::uint8_t>(list.size()));
    for (const std::string& text : list) Blob(AsBytes(text));
  }
  std::string Finish() const { return std::string(kPrefix) + Base64UrlEncode(out_); }

 private:
  Bytes out_;
};

void WriteCommon(Writer& w, std::uint8_t kind, const RelyingParty& rp, const Bytes& challenge,
                 UserVerification uv, UnixSeconds created_at, UnixSeconds expires_at) {
  w.U8(kind);
  w.I64(created_at);
  w.I64(expires_at);
  w.Blob(challenge);
  w.U8(static_cast<std::uint8_t>(uv));
  w.Strings(rp.ids);
  w.Strings(rp.origins);
  w.Strings(rp.top_origins);
  w.U8(rp.allow_cross_origin ? 1 : 0);
}

// Reader: ByteReader plus the field shapes above; every failure is
// kInvalidArgument naming the field.
class Reader {
 public:
  explicit Reader(ByteView data) : in_(data) {}

  Status U8(std::string_view field, std::uint8_t* out) {
    if (!in_.ReadU8(out)) return Truncated(field);
    return OkStatus();
  }
  Status Bool(std::string_view field, bool* out) {
    std::uint8_t v = 0;
    PASSKEY_RETURN_IF_ERROR(U8(field, &v));
    if (v > 1) return Invalid(std::string(field) + " is not 0 or 1");
    *out = v == 1;
    return OkStatus();
  }
  Status U16(std::string_view field, std::size_t* out) {
    std::uint16_t v = 0;
    if (!in_.ReadU16Be(&v)) return Truncated(field);
    *out = v;
    return OkStatus();
  }
  Status I32(std::string_view field, std::int32_t* out) {
    std::uint32_t v = 0;
    if (!in_.ReadU32Be(&v)) return Truncated(field);
    *out = static_cast<std::int32_t>(v);
    return OkStatus();
  }
  Status I64(std::string_view field, std::int64_t* out) {
    std::uint64_t v = 0;
    if (!in_.ReadU64Be(&v)) return Truncated(field);
    *out = static_cast<std::int64_t>(v);
    return OkStatus();
  }
  Status Blob(std::string_view field, Bytes* out) {
    std::size_t size = 0;
    PASSKEY_RETURN_IF_ERROR(U16(field, &size));
    ByteView view;
    if (!in_.ReadBytes(size, &view)) return Truncated(field);
    out->assign(view.begin(), view.end());
    return OkStatus();
  }
  Status Strings(std::string_view field, std::vector<std::string>* out) {
    std::uint8_t count = 0;
    PASSKEY_RETURN_IF_ERROR(U8(field, &count));
    out->clear();
    for (std::uint8_t i = 0; i < count; ++i) {
      Bytes text;
      PASSKEY_RETURN_IF_ERROR(Blob(field, &text));
      out->emplace_back(text.begin(), text.end());
    }
    return OkStatus();
  }
  Status End() {
    if (!in_.empty()) {
      return Invalid(std::to_string(in_.remaining()) + " trailing bytes after the last field");
    }
    return OkStatus();
  }

 private:
  static Status Truncated(std::string_view field) {
    return Invalid("truncated at " + std::string(field));
  }
  internal::ByteReader in_;
};

// Open: the version prefix, base64url and the kind byte.
Result<Bytes> Open(std::string_view text, std::uint8_t want_kind) {
  if (text.size() > kMaxCeremonyTextBytes) return Invalid("longer than 512 KiB");
  if (text.substr(0, kPrefix.size()) != kPrefix) {
    return Invalid("not a ceremony string of a known version (expected the prefix \"pk1.\")");
  }
  Result<Bytes> data = Base64UrlDecode(text.substr(kPrefix.size()));
  if (!data.has_value()) return Invalid("not base64url after the \"pk1.\" prefix");
  internal::ByteReader peek(*data);
  std::uint8_t kind = 0;
  if (!peek.ReadU8(&kind)) return Invalid("truncated at kind");
  if (kind != want_kind) {
    if (kind == kKindRegistration) return Invalid("a registration ceremony, not an authentication one");
    if (kind == kKindAuthentication) return Invalid("an authentication ceremony, not a registration one");
    return Invalid("unknown ceremony kind " + std::to_string(kind));
  }
  return data;
}

Status ReadCommon(Reader& r, RelyingParty* rp, Bytes* challenge, UserVerification* uv,
                  UnixSeconds* created_at, UnixSeconds* expires_at) {
  std::uint8_t kind = 0;
  PASSKEY_RETURN_IF_ERROR(r.U8("kind", &kind));  // checked by Open
  PASSKEY_RETURN_IF_ERROR(r.I64("created_at", created_at));
  PASSKEY_RETURN_IF_ERROR(r.I64("expires_at", expires_at));
  PASSKEY_RETURN_IF_ERROR(r.Blob("challenge", challenge));
  std::uint8_t uv_byte = 0;
  PASSKEY_RETURN_IF_ERROR(r.U8("user_verification", &uv_byte));
  // An out-of-range byte becomes an enum value IsKnown refuses in Check.
  *uv = static_cast<UserVerification>(uv_byte);
  PASSKEY_RETURN_IF_ERROR(r.Strings("rp.ids", &rp->ids));
  PASSKEY_RETURN_IF_ERROR(r.Strings("rp.origins", &rp->origins));
  PASSKEY_RETURN_IF_ERROR(r.Strings("rp.top_origins", &rp->top_origins));
  PASSKEY_RETURN_IF_ERROR(r.Bool("rp.allow_cross_origin", &rp->allow_cross_origin));
  return OkStatus();
}

// PrepareRp: rp with its ids narrowed to the options' RP ID (empty ids mean
// "that one"; otherwise it must be listed).
Result<RelyingParty> PrepareRp(const RelyingParty& rp, const std::string& rp_id,
                               UnixSeconds now) {
  if (now < 0) return Invalid("now is negative");
  if (!rp.ids.empty() && std::find(rp.ids.begin(), rp.ids.end(), rp_id) == rp.ids.end()) {
    return Invalid("rp.ids does not list the options' rp_id '" + rp_id + "'");
  }
  RelyingParty out = rp;
  out.ids = {rp_id};
  return out;
}

// Expiry: created + the timeout in whole seconds (rounded up), saturating.
UnixSeconds Expiry(UnixSeconds now, std::uint32_t timeout_ms) {
  const UnixSeconds ttl = timeout_ms == 0 ? kDefaultCeremonyTimeoutSeconds
                                          : (static_cast<UnixSeconds>(timeout_ms) + 999) / 1000;
  return ChallengeExpiry(now, ttl);
}

// Start: the fields both Make…Ceremony functions fill the same way from
// the generated options and their params; returns the options JSON.
template <class Params, class State>
Result<std::string> Start(Result<GeneratedOptions> generated, const Params& params,
                          const RelyingParty& rp, UnixSeconds now, State& c) {
  if (!generated.has_value()) return Unexpected(std::move(generated).error());
  PASSKEY_ASSIGN_OR_RETURN(c.rp, PrepareRp(rp, params.rp_id, now));
  c.challenge = std::move(generated->challenge);
  c.user_verification = params.user_verification;
  c.created_at = now;
  c.expires_at = Expiry(now, params.timeout_ms);
  return std::move(generated->json);
}

// CheckUsable: in range, and not past its expiry at `now`.
template <class State>
Status CheckUsable(const State& c, UnixSeconds now) {
  PASSKEY_RETURN_IF_ERROR(Check(c));
  // The timeout the options gave the client ("timeout": the time the RP is
  // willing to wait for the call to complete), enforced here because the
  // client's own timer is not the RP's to trust.
  if (now > c.expires_at) {
    return Fail(ErrorCode::kChallengeExpired,
                "the ceremony expired at " + FormatTimestamp(c.expires_at) + " (now " +
                    FormatTimestamp(now) + ")");
  }
  return OkStatus();
}

}  // namespace

Result<RegistrationStart> MakeRegistrationCeremony(const CreationOptionsParams& params,
                                                   const RelyingParty& rp, UnixSeconds now,
                                                   Mediation mediation) {
  RegistrationStart out;
  RegistrationCeremony& c = out.ceremony;
  PASSKEY_ASSIGN_OR_RETURN(out.options_json,
                           Start(MakeRegistrationOptions(params), params, rp, now, c));
  // The algorithms the JSON's pubKeyCredParams lists (the same default).
  c.algorithms = params.algorithms.empty() ? SupportedAlgorithms() : params.algorithms;
  c.user_handle = params.user_id;
  c.mediation = mediation;
  PASSKEY_RETURN_IF_ERROR(Check(c));
  return out;
}

Result<AuthenticationStart> MakeAuthenticationCeremony(const RequestOptionsParams& params,
                                                       const RelyingParty& rp, UnixSeconds now,
                                                       ByteView identified_user_handle) {
  AuthenticationStart out;
  AuthenticationCeremony& c = out.ceremony;
  PASSKEY_ASSIGN_OR_RETURN(out.options_json,
                           Start(MakeAuthenticationOptions(params), params, rp, now, c));
  c.allow_credentials.reserve(params.allow_credentials.size());
  for (const CredentialDescriptor& descriptor : params.allow_credentials) {
    c.allow_credentials.push_back(descriptor.id);
  }
  c.user_handle.assign(identified_user_handle.begin(), identified_user_handle.end());
  PASSKEY_RETURN_IF_ERROR(Check(c));
  return out;
}

Result<std::string> SerializeCeremony(const RegistrationCeremony& ceremony) {
  PASSKEY_RETURN_IF_ERROR(Check(ceremony));
  Writer w;
  WriteCommon(w, kKindRegistration, ceremony.rp, ceremony.challenge, ceremony.user_verification,
              ceremony.created_at, ceremony.expires_at);
  w.U8(static_cast<std::uint8_t>(ceremony.algorithms.size()));
  for (const CoseAlgorithm alg : ceremony.algorithms) {
    w.U32(static_cast<std::uint32_t>(static_cast<std::int32_t>(alg)));
  }
  w.Blob(ceremony.user_handle);
  w.U8(ceremony.mediation == Mediation::kConditional ? 1 : 0);
  return w.Finish();
}

Result<std::string> SerializeCeremony(const AuthenticationCeremony& ceremony) {
  PASSKEY_RETURN_IF_ERROR(Check(ceremony));
  Writer w;
  WriteCommon(w, kKindAuthentication, ceremony.rp, ceremony.challenge,
              ceremony.user_verification, ceremony.created_at, ceremony.expires_at);
  w.U16(ceremony.allow_credentials.size());
  for (const Bytes& id : ceremony.allow_credentials) w.Blob(id);
  w.Blob(ceremony.user_handle);
  return w.Finish();
}

Result<RegistrationCeremony> ParseRegistrationCeremony(std::string_view text) {
  PASSKEY_ASSIGN_OR_RETURN(const Bytes data, Open(text, kKindRegistration));
  Reader r(data);
  RegistrationCeremony c;
  PASSKEY_RETURN_IF_ERROR(ReadCommon(r, &c.rp, &c.challenge, &c.user_verification,
                                     &c.created_at, &c.expires_at));
  std::uint8_t count = 0;
  PASSKEY_RETURN_IF_ERROR(r.U8("algorithms", &count));
  for (std::uint8_t i = 0; i < count; ++i) {
    std::int32_t alg = 0;
    PASSKEY_RETURN_IF_ERROR(r.I32("algorithms", &alg));
    c.algorithms.push_back(static_cast<CoseAlgorithm>(alg));
  }
  PASSKEY_RETURN_IF_ERROR(r.Blob("user_handle", &c.user_handle));
  bool conditional = false;
  PASSKEY_RETURN_IF_ERROR(r.Bool("mediation", &conditional));
  c.mediation = conditional ? Mediation::kConditional : Mediation::kDefault;
  PASSKEY_RETURN_IF_ERROR(r.End());
  PASSKEY_RETURN_IF_ERROR(Check(c));
  return c;
}

Result<AuthenticationCeremony> ParseAuthenticationCeremony(std::string_view text) {
  PASSKEY_ASSIGN_OR_RETURN(const Bytes data, Open(text, kKindAuthentication));
  Reader r(data);
  AuthenticationCeremony c;
  PASSKEY_RETURN_IF_ERROR(ReadCommon(r, &c.rp, &c.challenge, &c.user_verification,
                                     &c.created_at, &c.expires_at));
  std::size_t count = 0;
  PASSKEY_RETURN_IF_ERROR(r.U16("allow_credentials", &count));
  // Refuse a hostile count before reserving anything for it.
  if (count > kMaxAllowCredentials) return Invalid("allow_credentials has more than 256 entries");
  c.allow_credentials.resize(count);
  for (Bytes& id : c.allow_credentials) {
    PASSKEY_RETURN_IF_ERROR(r.Blob("allow_credentials", &id));
  }
  PASSKEY_RETURN_IF_ERROR(r.Blob("user_handle", &c.user_handle));
  PASSKEY_RETURN_IF_ERROR(r.End());
  PASSKEY_RETURN_IF_ERROR(Check(c));
  return c;
}

RegistrationOptions ToRegistrationOptions(const RegistrationCeremony& ceremony, UnixSeconds now,
                                          const RegistrationVerifyContext& context) {
  RegistrationOptions options;
  options.rp = ceremony.rp;
  options.challenge = ceremony.challenge;
  options.user_verification = ceremony.user_verification;
  // §7.1: "Verify that the "alg" parameter in the credential public key in
  // authData matches the alg attribute of one of the items in
  // pkOptions.pubKeyCredParams."
  options.allowed_algorithms = ceremony.algorithms;
  // Offering RS1 in pubKeyCredParams is the RP's opt-in to SHA-1.
  options.allow_sha1_attestation =
      std::find(ceremony.algorithms.begin(), ceremony.algorithms.end(), CoseAlgorithm::kRs1) !=
      ceremony.algorithms.end();
  options.user_handle = ceremony.user_handle;
  options.mediation = ceremony.mediation;
  options.now = now;
  options.attestation_trust = context.attestation_trust;
  options.require_trusted_attestation = context.require_trusted_attestation;
  options.require_revocation_check = context.require_revocation_check;
  options.android_key_require_tee = context.android_key_require_tee;
  options.allow_safetynet_without_cts_profile_match =
      context.allow_safetynet_without_cts_profile_match;
  options.aaguid_catalog = context.aaguid_catalog;
  options.mds_blob = context.mds_blob;
  return options;
}

AuthenticationOptions ToAuthenticationOptions(const AuthenticationCeremony& ceremony,
                                              UnixSeconds now,
                                              const AuthenticationVerifyContext& context) {
  AuthenticationOptions options;
  options.rp = ceremony.rp;
  options.challenge = ceremony.challenge;
  options.user_verification = ceremony.user_verification;
  // §7.2: "If options.allowCredentials is not empty, verify that
  // credential.id identifies one of the public key credentials listed in
  // options.allowCredentials." (VerifyAuthentication's first check.)
  options.allow_credentials = ceremony.allow_credentials;
  options.user_handle = ceremony.user_handle;
  // §7.2: "If the user was not identified before the authentication
  // ceremony was initiated, verify that response.userHandle is present."
  // Nobody was identified when neither a user nor credentials were named.
  options.discoverable = ceremony.user_handle.empty() && ceremony.allow_credentials.empty();
  options.allow_sign_count_rollback = context.allow_sign_count_rollback;
  // An empty allowed_algorithms is every supported algorithm but RS1; RS1
  // needs the SHA-1 opt-in as well as being listed.
  if (context.allow_rs1_credentials) {
    options.allowed_algorithms = SupportedAlgorithms(/*include_rs1=*/true);
    options.allow_rs1_credentials = true;
  }
  options.now = now;
  return options;
}

Result<CredentialRecord> VerifyRegistration(const RegistrationCeremony& ceremony,
                                            const RegistrationResponse& response,
                                            UnixSeconds now,
                                            const RegistrationVerifyContext& context) {
  PASSKEY_RETURN_IF_ERROR(CheckUsable(ceremony, now));
  return VerifyRegistration(ToRegistrationOptions(ceremony, now, context), response);
}

Result<AuthenticationResult> VerifyAuthentication(const AuthenticationCeremony& ceremony,
                                                  const CredentialRecord& record,
                                                  const AuthenticationResponse& response,
                                                  UnixSeconds now,
                                                  const AuthenticationVerifyContext& context) {
  PASSKEY_RETURN_IF_ERROR(CheckUsable(ceremony, now));
  return VerifyAuthentication(ToAuthenticationOptions(ceremony, now, context), record, response);
}

Result<AuthenticationResult> VerifyAuthentication(const AuthenticationCeremony& ceremony,
                                                  const PreparedCredential& credential,
                                                  const AuthenticationResponse& response,
                                                  UnixSeconds now,
                                                  const AuthenticationVerifyContext& context) {
  PASSKEY_RETURN_IF_ERROR(CheckUsable(ceremony, now));
  return VerifyAuthentication(ToAuthenticationOptions(ceremony, now, context), credential,
                              response);
}

}  // namespace passkey
