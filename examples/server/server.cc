#include "server.h"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <httplib.h>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <strings.h>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <passkey/aaguid_catalog.h>
#include <passkey/authentication.h>
#include <passkey/bytes.h>
#include <passkey/ceremony_options.h>
#include <passkey/credential_record.h>
#include <passkey/options.h>
#include <passkey/registration.h>
#include <passkey/result.h>
#include <passkey/types.h>

#include "http_server.h"
#include "sessions.h"
#include "stores.h"

namespace passkey_server {
namespace {

using nlohmann::json;
using passkey::ErrorCode;
using passkey::UnixSeconds;

constexpr std::size_t kMaxNameBytes = 64;
constexpr const char* kDefaultPasskeyName = "Passkey";
// Challenge contexts (stored with the challenge, checked on verify).
constexpr std::string_view kSignInContext = "signin";
constexpr std::string_view kStepUpContext = "stepup";

UnixSeconds Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Dump never throws: invalid UTF-8 in a stored name becomes U+FFFD.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(Dump(body), "application/json");
}

void SendError(httplib::Response& res, int status, std::string_view code,
               std::string_view message) {
  SendJson(res, status, {{"error", {{"code", code}, {"message", message}}}});
}

// HTTP status for a library error (contract: 400 for input that does not
// parse, 401 for a failed verification).
int StatusFor(ErrorCode code) {
  if (code == ErrorCode::kInternal)
    return 500;
  if (code == ErrorCode::kUnavailable)
    return 503;  // a remote challenge store did not answer
  const std::string_view name = passkey::ErrorCodeName(code);
  if (name.rfind("malformed_", 0) == 0 || code == ErrorCode::kCborLimitExceeded ||
      code == ErrorCode::kCredentialIdTooLong || code == ErrorCode::kInvalidArgument) {
    return 400;
  }
  return 401;
}

void SendLibraryError(httplib::Response& res, const passkey::Error& error) {
  SendError(res, StatusFor(error.code), passkey::ErrorCodeName(error.code), error.message);
}

// ValidName: 1..64 bytes of UTF-8 without control characters, after
// trimming spaces.
std::optional<std::string> ValidName(const json& value) {
  if (!value.is_string())
    return std::nullopt;
  std::string_view text = value.get_ref<const std::string&>();
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  if (text.empty() || text.size() > kMaxNameBytes)
    return std::nullopt;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f)
      return std::nullopt;
    std::size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
      extra = 1;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
    } else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
      extra = 3;
    } else {
      return std::nullopt;
    }
    if (i + extra >= text.size() && extra > 0)
      return std::nullopt;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80)
        return std::nullopt;
    }
    i += extra + 1;
  }
  return std::string(text);
}

json UserJson(const User& user) {
  return {{"name", user.name}, {"displayName", user.display_name}};
}

json PasskeyJson(const StoredPasskey& passkey) {
  const passkey::CredentialRecord& record = passkey.record;
  json out = json::object();
  out["id"] = passkey::Base64UrlEncode(record.id);
  out["name"] = passkey.name;
  if (record.provider.has_value()) {
    out["provider"] = {{"name", record.provider->name},
                       {"iconLight", record.provider->icon_light},
                       {"iconDark", record.provider->icon_dark}};
  } else {
    out["provider"] = nullptr;
  }
  const auto device_type = passkey::DeviceTypeOf(record);
  if (device_type.has_value()) {
    // Spelled as in the credential record JSON (passkey::DeviceTypeName).
    out["deviceType"] = std::string(passkey::DeviceTypeName(*device_type));
  } else {
    out["deviceType"] = nullptr;
  }
  out["backupEligible"] = record.backup_eligible.value_or(false);
  out["backupState"] = record.backup_state;
  if (record.attachment.has_value()) {
    out["attachment"] = std::string(passkey::AttachmentName(*record.attachment));
  } else {
    out["attachment"] = nullptr;
  }
  out["transports"] = record.transports;
  out["aaguid"] = record.aaguid.ToString();
  out["createdAt"] = passkey::FormatTimestamp(record.created_at.value_or(0));
  if (record.last_used_at.has_value()) {
    out["lastUsedAt"] = passkey::FormatTimestamp(*record.last_used_at);
  } else {
    out["lastUsedAt"] = nullptr;
  }
  out["signCount"] = record.sign_count;
  return out;
}

// SendStoreError maps a failed store call to the contract's responses.
void SendStoreError(httplib::Response& res, StoreError error) {
  switch (error) {
    case StoreError::kNotFound:
      SendError(res, 404, "not_found", "no such passkey");
      return;
    case StoreError::kUsernameTaken:
      SendError(res, 409, "username_taken", "that username is taken");
      return;
    case StoreError::kCredentialExists:
      SendError(res, 409, "credential_already_registered", "this passkey is already registered");
      return;
    case StoreError::kUnavailable:
      SendError(res, 503, "unavailable", "storage is unavailable; try again");
      return;
    case StoreError::kInternal:
      break;
  }
  SendError(res, 500, "internal_error", "database error");
}

// RequestBody: what the headers announce, before any of the body is read.
// RFC 9112 §6.3: Transfer-Encoding (only "chunked" here) wins over
// Content-Length; with neither, a request has no body.
struct RequestBody {
  enum Kind { kNone, kLength, kChunked, kInvalid } kind = kNone;
  std::size_t length = 0;
};

RequestBody AnnouncedBody(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) {
    // httplib reads a body as chunked only when the value is exactly this.
    const std::string coding = req.get_header_value("Transfer-Encoding");
    if (coding.size() == 7 && strncasecmp(coding.c_str(), "chunked", 7) == 0)
      return {RequestBody::kChunked, 0};
    return {RequestBody::kInvalid, 0};
  }
  if (!req.has_header("Content-Length"))
    return {};
  const std::string text = req.get_header_value("Content-Length");
  std::size_t length = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (ec == std::errc::result_out_of_range)
    return {RequestBody::kLength, SIZE_MAX};
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() ||
      req.get_header_value_count("Content-Length") != 1) {
    return {RequestBody::kInvalid, 0};
  }
  return length == 0 ? RequestBody{} : RequestBody{RequestBody::kLength, length};
}

// IsJson: a Content-Type of application/json, with parameters or not
// ("application/json; charset=utf-8"), in any case.
bool IsJson(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && (content_type.back() == ' ' || content_type.back() == '\t'))
    content_type.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  return content_type.size() == kJson.size() &&
         strncasecmp(content_type.data(), kJson.data(), kJson.size()) == 0;
}

// The request start time, for the log line (httplib runs routing and the
// logger on the same worker thread).
thread_local std::optional<std::chrono::steady_clock::time_point> g_request_start;

}  // namespace

class App::Impl {
 public:
  Impl(ServerConfig config, CredentialStore& credentials, StateStore& state)
      : config_(std::move(config)),
        credentials_(credentials),
        state_(state),
        secure_cookie_(!IsLocalhost(config_)) {
    rp_.ids = {config_.rp_id};
    rp_.origins = config_.origins;
  }

  bool Install(httplib::Server& server, std::string* error);

 private:
  static bool IsLocalhost(const ServerConfig& config) {
    if (config.rp_id == "localhost")
      return true;
    for (const std::string& origin : config.origins) {
      if (origin == "http://localhost" || origin.rfind("http://localhost:", 0) == 0)
        return true;
    }
    return false;
  }

  // ---- Sessions ----
  // CurrentSession sets *out to the request's session, nullopt when it has
  // none (no cookie, an unknown or expired id). False with the response
  // already sent when the state store failed.
  bool CurrentSession(const httplib::Request& req, httplib::Response& res, UnixSeconds now,
                      std::optional<Session>* out) {
    out->reset();
    const std::string id = CookieValue(req.get_header_value("Cookie"), kSessionCookie);
    if (id.empty())
      return true;
    auto session = state_.FindSession(id, now);
    if (session.has_value()) {
      *out = std::move(session).value();
    } else if (session.error() != StoreError::kNotFound) {
      SendStoreError(res, session.error());
      return false;
    }
    return true;
  }
  // EnsureSession returns the current session or starts one (setting the
  // cookie); nullopt with the response already sent when the state store
  // (or the CSPRNG) failed.
  std::optional<Session> EnsureSession(const httplib::Request& req, httplib::Response& res,
                                       UnixSeconds now) {
    std::optional<Session> current;
    if (!CurrentSession(req, res, now, &current))
      return std::nullopt;
    if (current.has_value())
      return current;
    auto session = state_.CreateSession(now);
    if (!session.has_value()) {
      SendStoreError(res, session.error());
      return std::nullopt;
    }
    SetSessionCookie(res, session->id);
    return std::move(session).value();
  }
  void SetSessionCookie(httplib::Response& res, std::string_view id) {
    res.set_header("Set-Cookie", SessionCookieHeader(id, secure_cookie_));
  }
  // SignInAndReply: a new session id for `user_id` (no fixation), its
  // cookie, and the 200 reply `body`.
  void SignInAndReply(httplib::Response& res, const std::string& session_id,
                      std::int64_t user_id, UnixSeconds now, const json& body) {
    auto signed_in = state_.SignIn(session_id, user_id, now);
    if (!signed_in.has_value())
      return SendStoreError(res, signed_in.error());
    SetSessionCookie(res, signed_in->id);
    SendJson(res, 200, body);
  }
  // SignedInUser: the session's user, or 401 not_signed_in already sent.
  std::optional<std::pair<Session, User>> SignedInUser(const httplib::Request& req,
                                                       httplib::Response& res, UnixSeconds now) {
    std::optional<Session> session;
    if (!CurrentSession(req, res, now, &session))
      return std::nullopt;
    if (session.has_value() && session->user_id.has_value()) {
      auto user = credentials_.FindUserById(*session->user_id);
      if (user.has_value())
        return std::make_pair(*session, std::move(user).value());
      if (user.error() != StoreError::kNotFound) {
        SendStoreError(res, user.error());
        return std::nullopt;
      }
    }
    SendError(res, 401, "not_signed_in", "sign in first");
    return std::nullopt;
  }

  // OwnPasskeyId: the signed-in user's ID and the credential ID of the
  // /passkeys/{id} path; nullopt with the response already sent.
  std::optional<std::pair<std::int64_t, passkey::Bytes>> OwnPasskeyId(const httplib::Request& req,
                                                                     httplib::Response& res) {
    auto signed_in = SignedInUser(req, res, Now());
    if (!signed_in.has_value())
      return std::nullopt;
    auto id = passkey::Base64UrlDecode(req.matches[1].str());
    if (!id.has_value()) {
      SendError(res, 404, "not_found", "no such passkey");
      return std::nullopt;
    }
    return std::make_pair(signed_in->second.id, std::move(id).value());
  }

  bool RateLimited(const httplib::Request& req, httplib::Response& res) {
    const StoreResult<bool> allowed = state_.Allow(req.remote_addr);
    if (!allowed.has_value()) {
      SendStoreError(res, allowed.error());
      return true;
    }
    if (*allowed)
      return false;
    res.set_header("Retry-After", "60");
    SendError(res, 429, "too_many_requests", "too many verification attempts; wait a minute");
    return true;
  }

  // ParseObject: the request body as a JSON object (an empty body is {}),
  // or 400 invalid_request already sent.
  static std::optional<json> ParseObject(const httplib::Request& req, httplib::Response& res) {
    if (req.body.empty())
      return json::object();
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      SendError(res, 400, "invalid_request", "the body is not a JSON object");
      return std::nullopt;
    }
    return body;
  }

  // PutChallenge remembers `options.challenge` for (ceremony, session) and
  // sends the options JSON.
  void SendOptions(httplib::Response& res, passkey::Ceremony ceremony, const Session& session,
                   const passkey::Result<passkey::GeneratedOptions>& options,
                   std::string_view context, UnixSeconds now) {
    if (!options.has_value()) {
      SendLibraryError(res, options.error());
      return;
    }
    auto stored = state_.Challenges().Put(ceremony, session.id, options->challenge, context, now);
    if (!stored.has_value()) {
      SendLibraryError(res, stored.error());
      return;
    }
    res.status = 200;
    res.set_content(options->json, "application/json");
  }

  // TakeChallenge: the session's outstanding challenge for `ceremony` with
  // the expected context, or 401 already sent.
  std::optional<passkey::IssuedChallenge> TakeChallenge(httplib::Response& res,
                                                        passkey::Ceremony ceremony,
                                                        const std::optional<Session>& session,
                                                        std::optional<std::string_view> context,
                                                        UnixSeconds now) {
    if (!session.has_value()) {
      SendError(res, 401, "challenge_not_found", "no session: request options first");
      return std::nullopt;
    }
    auto issued = state_.Challenges().Take(ceremony, session->id, now);
    if (!issued.has_value()) {
      SendLibraryError(res, issued.error());
      return std::nullopt;
    }
    if (context.has_value() && issued->context != *context) {
      SendError(res, 401, "challenge_not_found",
                "the outstanding challenge was issued for another ceremony");
      return std::nullopt;
    }
    return std::move(issued).value();
  }

  // AssertionInput: a parsed assertion, the challenge it must answer and the
  // stored passkey it names.
  struct AssertionInput {
    passkey::AuthenticationResponse response;
    passkey::IssuedChallenge issued;
    StoredPasskey stored;
  };

  // ReadAssertion: the prologue sign-in and step-up share: parse the L3
  // AuthenticationResponseJSON, take the session's outstanding challenge for
  // `context`, find the passkey by its credential ID (owned by `owner` when
  // given; `not_found` is the 401 message otherwise). nullopt with the
  // response already sent.
  std::optional<AssertionInput> ReadAssertion(const httplib::Request& req, httplib::Response& res,
                                              const std::optional<Session>& session,
                                              std::string_view context,
                                              std::optional<std::int64_t> owner,
                                              const char* not_found, UnixSeconds now) {
    auto response = passkey::ParseAuthenticationResponseJson(req.body);
    if (!response.has_value()) {
      SendLibraryError(res, response.error());
      return std::nullopt;
    }
    auto issued = TakeChallenge(res, passkey::Ceremony::kAuthentication, session, context, now);
    if (!issued.has_value())
      return std::nullopt;
    auto stored = credentials_.FindPasskey(response->raw_id);
    if ((!stored.has_value() && stored.error() == StoreError::kNotFound) ||
        (stored.has_value() && owner.has_value() && stored->user_id != *owner)) {
      SendError(res, 401, "credential_not_found", not_found);
      return std::nullopt;
    }
    if (!stored.has_value()) {
      SendStoreError(res, stored.error());
      return std::nullopt;
    }
    return AssertionInput{std::move(response).value(), std::move(issued).value(),
                          std::move(stored).value()};
  }

  std::vector<passkey::CredentialDescriptor> Descriptors(
      const std::vector<StoredPasskey>& passkeys) {
    std::vector<passkey::CredentialDescriptor> out;
    out.reserve(passkeys.size());
    for (const StoredPasskey& passkey : passkeys) {
      out.push_back({passkey.record.id, passkey.record.transports});
    }
    return out;
  }

  // VerifyAssertion: the part sign-in and step-up share once the passkey is
  // found: §7.2 against the stored record, then the atomic record update.
  // Returns false with the response already sent.
  bool VerifyAssertion(httplib::Response& res, const passkey::AuthenticationResponse& response,
                       const passkey::IssuedChallenge& issued, const StoredPasskey& stored,
                       const User& user, passkey::UserVerification uv, UnixSeconds now) {
    passkey::AuthenticationOptions options;
    options.rp = rp_;
    options.challenge = issued.challenge;
    options.user_verification = uv;
    options.user_handle = user.handle;
    options.now = now;
    auto result = passkey::VerifyAuthentication(options, stored.record, response);
    if (!result.has_value()) {
      SendLibraryError(res, result.error());
      return false;
    }
    passkey::CredentialRecord updated = stored.record;
    passkey::UpdateCredentialRecord(updated, *result);
    if (result->backup_state_changed) {
      std::fprintf(stderr, "passkey %s: backupState is now %s\n",
                   passkey::Base64UrlEncode(updated.id).c_str(),
                   updated.backup_state ? "true" : "false");
    }
    const StoreResult<bool> applied =
        credentials_.UpdateAfterSignIn(updated.id, stored.record.sign_count, updated);
    if (!applied.has_value() && applied.error() == StoreError::kNotFound) {
      SendError(res, 401, "credential_not_found", "this passkey was removed");
      return false;
    }
    if (!applied.has_value()) {
      SendStoreError(res, applied.error());
      return false;
    }
    if (!*applied) {
      SendError(res, 401, "sign_count_rollback",
                "a concurrent sign-in used the same signature counter");
      return false;
    }
    return true;
  }

  // ---- Routing ----
  using Handler = void (Impl::*)(const httplib::Request&, httplib::Response&);
  // Endpoint: one method of a path; `json_body`: the body, when there is
  // one, must be application/json.
  struct Endpoint {
    std::string method;
    Handler handler;
    bool json_body;
  };
  struct Route {
    std::string path;  // the pattern, as httplib wants it
    std::regex pattern;
    std::vector<Endpoint> endpoints;
    std::string allow;  // the Allow header of a 405

    // Find: the endpoint for `method`; HEAD is served like GET.
    const Endpoint* Find(const std::string& method) const {
      for (const Endpoint& endpoint : endpoints) {
        if (endpoint.method == method || (method == "HEAD" && endpoint.method == "GET"))
          return &endpoint;
      }
      return nullptr;
    }
  };
  const Route* FindRoute(const std::string& path) const {
    for (const Route& route : routes_) {
      if (std::regex_match(path, route.pattern))
        return &route;
    }
    return nullptr;
  }
  void AddRoute(const std::string& pattern, std::vector<Endpoint> endpoints);
  httplib::Server::HandlerResponse CheckBeforeBody(const httplib::Request& req,
                                                   httplib::Response& res) const;
  void Serve(const Route& route, Handler handler, const httplib::Request& req,
             httplib::Response& res, const httplib::ContentReader* reader);

  // ---- Handlers ----
  void GetSession(const httplib::Request& req, httplib::Response& res);
  void RegistrationOptions(const httplib::Request& req, httplib::Response& res);
  void RegistrationVerify(const httplib::Request& req, httplib::Response& res);
  void AuthenticationOptions(const httplib::Request& req, httplib::Response& res);
  void AuthenticationVerify(const httplib::Request& req, httplib::Response& res);
  void StepUpOptions(const httplib::Request& req, httplib::Response& res);
  void StepUpVerify(const httplib::Request& req, httplib::Response& res);
  void SignOut(const httplib::Request& req, httplib::Response& res);
  void ListPasskeys(const httplib::Request& req, httplib::Response& res);
  void RenamePasskey(const httplib::Request& req, httplib::Response& res);
  void DeletePasskey(const httplib::Request& req, httplib::Response& res);

  ServerConfig config_;
  CredentialStore& credentials_;
  StateStore& state_;
  passkey::RelyingParty rp_;
  bool secure_cookie_;
  std::vector<Route> routes_;
};

void App::Impl::GetSession(const httplib::Request& req, httplib::Response& res) {
  const UnixSeconds now = Now();
  json body = {{"signedIn", false}, {"user", nullptr}, {"stepUpUntil", nullptr}};
  std::optional<Session> session;
  if (!CurrentSession(req, res, now, &session))
    return;
  if (session.has_value() && session->user_id.has_value()) {
    auto user = credentials_.FindUserById(*session->user_id);
    if (!user.has_value() && user.error() != StoreError::kNotFound)
      return SendStoreError(res, user.error());
    if (user.has_value()) {
      body["signedIn"] = true;
      body["user"] = UserJson(*user);
      if (session->step_up_until > now) {
        body["stepUpUntil"] = passkey::FormatTimestamp(session->step_up_until);
      }
    }
  }
  SendJson(res, 200, body);
}

void App::Impl::RegistrationOptions(const httplib::Request& req, httplib::Response& res) {
  const UnixSeconds now = Now();
  auto body = ParseObject(req, res);
  if (!body.has_value())
    return;
  auto session = EnsureSession(req, res, now);
  if (!session.has_value())
    return;

  passkey::CreationOptionsParams params;
  params.rp_id = config_.rp_id;
  params.rp_name = config_.rp_name;
  params.resident_key = passkey::ResidentKeyRequirement::kRequired;
  params.user_verification = passkey::UserVerification::kPreferred;
  params.attestation = passkey::AttestationConveyance::kNone;
  json context;

  User user;
  bool signed_in = false;
  if (session->user_id.has_value()) {
    auto found = credentials_.FindUserById(*session->user_id);
    if (!found.has_value() && found.error() != StoreError::kNotFound)
      return SendStoreError(res, found.error());
    if (found.has_value()) {
      user = std::move(found).value();
      signed_in = true;
    }
  }
  if (signed_in) {
    // Adding a passkey to the signed-in account; the body is ignored.
    auto passkeys = credentials_.ListPasskeys(user.id);
    if (!passkeys.has_value())
      return SendStoreError(res, passkeys.error());
    params.exclude_credentials = Descriptors(*passkeys);
    context = {{"mode", "add"}, {"userId", user.id}};
  } else {
    auto name = body->contains("username") ? ValidName((*body)["username"]) : std::nullopt;
    if (!name.has_value()) {
      return SendError(res, 400, "invalid_request",
                       "username: 1 to 64 characters, no control characters");
    }
    std::optional<std::string> display_name = *name;
    if (auto it = body->find("displayName");
        it != body->end() && !(it->is_string() && it->get_ref<const std::string&>().empty())) {
      display_name = ValidName(*it);
      if (!display_name.has_value()) {
        return SendError(res, 400, "invalid_request",
                         "displayName: 1 to 64 characters, no control characters");
      }
    }
    auto existing = credentials_.FindUserByName(*name);
    if (existing.has_value())
      return SendStoreError(res, StoreError::kUsernameTaken);
    if (existing.error() != StoreError::kNotFound)
      return SendStoreError(res, existing.error());
    auto handle = passkey::GenerateUserHandle();
    if (!handle.has_value())
      return SendLibraryError(res, handle.error());
    user.handle = std::move(handle).value();
    user.name = *name;
    user.display_name = *display_name;
    context = {{"mode", "new"},
               {"handle", passkey::Base64UrlEncode(user.handle)},
               {"name", user.name},
               {"displayName", user.display_name}};
  }
  params.user_id = user.handle;
  params.user_name = user.name;
  params.user_display_name = user.display_name;
  SendOptions(res, passkey::Ceremony::kRegistration, *session,
              passkey::MakeRegistrationOptions(params), Dump(context), now);
}

void App::Impl::RegistrationVerify(const httplib::Request& req, httplib::Response& res) {
  if (RateLimited(req, res))
    return;
  const UnixSeconds now = Now();
  std::optional<Session> session;
  if (!CurrentSession(req, res, now, &session))
    return;
  auto response = passkey::ParseRegistrationResponseJson(req.body);
  if (!response.has_value())
    return SendLibraryError(res, response.error());
  auto issued = TakeChallenge(res, passkey::Ceremony::kRegistration, session, std::nullopt, now);
  if (!issued.has_value())
    return;
  const json context = json::parse(issued->context, nullptr, false);
  if (!context.is_object() || !context.contains("mode")) {
    return SendError(res, 500, "internal_error", "bad challenge context");
  }

  passkey::RegistrationOptions options;
  options.rp = rp_;
  options.challenge = issued->challenge;
  options.user_verification = passkey::UserVerification::kPreferred;
  options.now = now;
  if (config_.catalog.has_value())
    options.aaguid_catalog = &*config_.catalog;
  auto record = passkey::VerifyRegistration(options, *response);
  if (!record.has_value())
    return SendLibraryError(res, record.error());

  StoredPasskey stored;
  stored.name = record->provider.has_value() && !record->provider->name.empty()
                    ? record->provider->name
                    : kDefaultPasskeyName;
  if (stored.name.size() > kMaxNameBytes)
    stored.name = kDefaultPasskeyName;
  stored.record = std::move(record).value();

  if (context["mode"] == "add") {
    const std::int64_t user_id = context.value("userId", std::int64_t{0});
    if (session->user_id != user_id) {
      return SendError(res, 401, "not_signed_in", "the session changed during registration");
    }
    if (StoreStatus added = credentials_.AddPasskey(user_id, stored.name, stored.record);
        !added.has_value()) {
      if (added.error() == StoreError::kNotFound) {
        return SendError(res, 401, "not_signed_in", "the account no longer exists");
      }
      return SendStoreError(res, added.error());
    }
    stored.user_id = user_id;
    return SendJson(res, 200, {{"verified", true}, {"passkey", PasskeyJson(stored)}});
  }

  User user;
  auto handle = passkey::Base64UrlDecode(context.value("handle", std::string()));
  if (!handle.has_value())
    return SendError(res, 500, "internal_error", "bad challenge context");
  user.handle = std::move(handle).value();
  user.name = context.value("name", std::string());
  user.display_name = context.value("displayName", std::string());
  user.created_at = now;
  // The user and the passkey are written in one transaction.
  auto created = credentials_.CreateUserWithPasskey(user, stored.name, stored.record);
  if (!created.has_value())
    return SendStoreError(res, created.error());
  stored.user_id = created->id;
  SignInAndReply(res, session->id, created->id, now,
                 {{"verified", true}, {"passkey", PasskeyJson(stored)}});
}

void App::Impl::AuthenticationOptions(const httplib::Request& req, httplib::Response& res) {
  const UnixSeconds now = Now();
  auto session = EnsureSession(req, res, now);
  if (!session.has_value())
    return;
  passkey::RequestOptionsParams params;
  params.rp_id = config_.rp_id;
  params.user_verification = passkey::UserVerification::kPreferred;
  // allowCredentials stays empty: discoverable credentials, no username.
  SendOptions(res, passkey::Ceremony::kAuthentication, *session,
              passkey::MakeAuthenticationOptions(params), kSignInContext, now);
}

void App::Impl::AuthenticationVerify(const httplib::Request& req, httplib::Response& res) {
  if (RateLimited(req, res))
    return;
  const UnixSeconds now = Now();
  std::optional<Session> session;
  if (!CurrentSession(req, res, now, &session))
    return;
  auto input = ReadAssertion(req, res, session, kSignInContext, std::nullopt,
                             "no account has this passkey", now);
  if (!input.has_value())
    return;
  const auto& [response, issued, stored] = *input;
  auto found = credentials_.FindUserById(stored.user_id);
  if (!found.has_value())
    return SendStoreError(res, found.error());
  const User& user = *found;
  // §7.2: "If the user was not identified before the authentication ceremony
  // was initiated, verify that response.userHandle is present" — and the
  // library checks it equals the owner's handle.
  if (!response.user_handle.has_value()) {
    return SendError(res, 401, "user_handle_mismatch",
                     "userHandle is absent (a discoverable credential returns it)");
  }
  if (!VerifyAssertion(res, response, issued, stored, user, passkey::UserVerification::kPreferred,
                       now)) {
    return;
  }
  SignInAndReply(res, session->id, user.id, now, {{"verified", true}, {"user", UserJson(user)}});
}

void App::Impl::StepUpOptions(const httplib::Request& req, httplib::Response& res) {
  const UnixSeconds now = Now();
  auto signed_in = SignedInUser(req, res, now);
  if (!signed_in.has_value())
    return;
  const auto& [session, user] = *signed_in;
  auto passkeys = credentials_.ListPasskeys(user.id);
  if (!passkeys.has_value())
    return SendStoreError(res, passkeys.error());
  passkey::RequestOptionsParams params;
  params.rp_id = config_.rp_id;
  params.allow_credentials = Descriptors(*passkeys);
  params.user_verification = passkey::UserVerification::kRequired;
  SendOptions(res, passkey::Ceremony::kAuthentication, session,
              passkey::MakeAuthenticationOptions(params), kStepUpContext, now);
}

void App::Impl::StepUpVerify(const httplib::Request& req, httplib::Response& res) {
  if (RateLimited(req, res))
    return;
  const UnixSeconds now = Now();
  auto signed_in = SignedInUser(req, res, now);
  if (!signed_in.has_value())
    return;
  const auto& [session, user] = *signed_in;
  auto input = ReadAssertion(req, res, session, kStepUpContext, user.id,
                             "not a passkey of the signed-in user", now);
  if (!input.has_value())
    return;
  if (!VerifyAssertion(res, input->response, input->issued, input->stored, user,
                       passkey::UserVerification::kRequired, now)) {
    return;
  }
  const UnixSeconds until = now + kStepUpSeconds;
  // A session removed meanwhile (signed out) keeps no step-up: fine.
  if (StoreStatus set = state_.SetStepUp(session.id, until);
      !set.has_value() && set.error() != StoreError::kNotFound) {
    return SendStoreError(res, set.error());
  }
  SendJson(res, 200, {{"verified", true}, {"stepUpUntil", passkey::FormatTimestamp(until)}});
}

void App::Impl::SignOut(const httplib::Request& req, httplib::Response& res) {
  const std::string id = CookieValue(req.get_header_value("Cookie"), kSessionCookie);
  if (!id.empty()) {
    if (StoreStatus removed = state_.RemoveSession(id); !removed.has_value())
      return SendStoreError(res, removed.error());
  }
  SetSessionCookie(res, "");
  res.status = 204;
}

void App::Impl::ListPasskeys(const httplib::Request& req, httplib::Response& res) {
  auto signed_in = SignedInUser(req, res, Now());
  if (!signed_in.has_value())
    return;
  const User& user = signed_in->second;
  auto passkeys = credentials_.ListPasskeys(user.id);
  if (!passkeys.has_value())
    return SendStoreError(res, passkeys.error());
  json list = json::array();
  for (const StoredPasskey& passkey : *passkeys)
    list.push_back(PasskeyJson(passkey));
  SendJson(res, 200, {{"user", UserJson(user)}, {"passkeys", std::move(list)}});
}

void App::Impl::RenamePasskey(const httplib::Request& req, httplib::Response& res) {
  auto target = OwnPasskeyId(req, res);
  if (!target.has_value())
    return;
  const auto& [user_id, id] = *target;
  auto body = ParseObject(req, res);
  if (!body.has_value())
    return;
  auto name = body->contains("name") ? ValidName((*body)["name"]) : std::nullopt;
  if (!name.has_value()) {
    return SendError(res, 400, "invalid_request",
                     "name: 1 to 64 characters, no control characters");
  }
  if (StoreStatus renamed = credentials_.RenamePasskey(user_id, id, *name); !renamed.has_value())
    return SendStoreError(res, renamed.error());
  auto stored = credentials_.FindPasskey(id);
  if (!stored.has_value())
    return SendStoreError(res, stored.error());
  SendJson(res, 200, PasskeyJson(*stored));
}

void App::Impl::DeletePasskey(const httplib::Request& req, httplib::Response& res) {
  auto target = OwnPasskeyId(req, res);
  if (!target.has_value())
    return;
  const auto& [user_id, id] = *target;
  if (StoreStatus removed = credentials_.DeletePasskey(user_id, id); !removed.has_value())
    return SendStoreError(res, removed.error());
  res.status = 204;
}

void App::Impl::AddRoute(const std::string& pattern, std::vector<Endpoint> endpoints) {
  std::string allow;
  for (const Endpoint& endpoint : endpoints) {
    allow += (allow.empty() ? "" : ", ") + endpoint.method;
    if (endpoint.method == "GET")
      allow += ", HEAD";
  }
  routes_.push_back({pattern, std::regex(pattern), std::move(endpoints), std::move(allow)});
}

// CheckBeforeBody runs before httplib reads any of the body: 405 for a
// method the path does not accept, 400 for a body whose length cannot be
// told, 415 for a JSON endpoint given another media type, 413 for a
// Content-Length over the cap. The body of a refused request is never read:
// its connection closes after the response. Paths that are not API routes
// go on to the static files (GET) or the 404 handlers.
httplib::Server::HandlerResponse App::Impl::CheckBeforeBody(const httplib::Request& req,
                                                            httplib::Response& res) const {
  using HandlerResponse = httplib::Server::HandlerResponse;
  const Route* route = FindRoute(req.path);
  if (route == nullptr)
    return HandlerResponse::Unhandled;
  const RequestBody body = AnnouncedBody(req);
  const Endpoint* endpoint = route->Find(req.method);
  if (endpoint == nullptr) {
    res.set_header("Allow", route->allow);
    SendError(res, 405, "method_not_allowed", req.method + " is not allowed here");
  } else if (body.kind == RequestBody::kInvalid) {
    SendError(res, 400, "invalid_request", "bad Content-Length or Transfer-Encoding");
  } else if (endpoint->json_body &&
             (req.has_header("Content-Type") || body.kind != RequestBody::kNone) &&
             !IsJson(req.get_header_value("Content-Type"))) {
    SendError(res, 415, "unsupported_media_type", "the body must be application/json");
  } else if (body.kind == RequestBody::kLength && body.length > kMaxBodyBytes) {
    SendError(res, 413, "payload_too_large", "the request body is over 64 KiB");
  } else {
    return HandlerResponse::Unhandled;
  }
  if (body.kind != RequestBody::kNone)
    CloseConnectionAfterResponse(req, res);
  return HandlerResponse::Handled;
}

// Serve reads the body (at most kMaxBodyBytes, also when chunked: reading
// stops at the cap) and calls the handler with it. A request without
// Content-Length and Transfer-Encoding has no body: nothing is read (httplib
// would wait for the connection to close).
void App::Impl::Serve(const Route& route, Handler handler, const httplib::Request& req,
                      httplib::Response& res, const httplib::ContentReader* reader) {
  std::string body;
  if (AnnouncedBody(req).kind != RequestBody::kNone) {
    if (reader == nullptr) {
      // GET with a body: not read, so not reusable for another request.
      CloseConnectionAfterResponse(req, res);
    } else {
      bool too_large = false;
      const bool complete = (*reader)([&](const char* data, std::size_t size) {
        if (size > kMaxBodyBytes - body.size()) {
          too_large = true;
          return false;
        }
        body.append(data, size);
        return true;
      });
      if (!complete) {
        CloseConnectionAfterResponse(req, res);
        if (too_large)
          return SendError(res, 413, "payload_too_large", "the request body is over 64 KiB");
        return SendError(res, 400, "invalid_request", "the request body is incomplete");
      }
    }
  }
  httplib::Request request = req;
  request.body = std::move(body);
  std::regex_match(request.path, request.matches, route.pattern);
  (this->*handler)(request, res);
}

bool App::Impl::Install(httplib::Server& server, std::string* error) {
  if (!server.set_mount_point("/", config_.static_dir)) {
    *error = "--static " + config_.static_dir + " is not a directory";
    return false;
  }
  server.set_file_extension_and_mimetype_mapping("svg", "image/svg+xml");
  server.set_payload_max_length(kMaxBodyBytes);
  // Idle keep-alive connections hold a worker (and delay shutdown) this long.
  server.set_keep_alive_timeout(2);
  server.set_default_headers({
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
      {"Content-Security-Policy",
       "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'"},
  });

  AddRoute("/api/session", {{"GET", &Impl::GetSession, false}});
  AddRoute("/registration/options", {{"POST", &Impl::RegistrationOptions, true}});
  AddRoute("/registration/verify", {{"POST", &Impl::RegistrationVerify, true}});
  AddRoute("/authentication/options", {{"POST", &Impl::AuthenticationOptions, true}});
  AddRoute("/authentication/verify", {{"POST", &Impl::AuthenticationVerify, true}});
  AddRoute("/stepup/options", {{"POST", &Impl::StepUpOptions, true}});
  AddRoute("/stepup/verify", {{"POST", &Impl::StepUpVerify, true}});
  AddRoute("/signout", {{"POST", &Impl::SignOut, true}});
  AddRoute("/passkeys", {{"GET", &Impl::ListPasskeys, false}});
  AddRoute(R"(/passkeys/([A-Za-z0-9_-]+))",
           {{"PATCH", &Impl::RenamePasskey, true}, {"DELETE", &Impl::DeletePasskey, false}});

  // Every method that may carry a body goes through a content-reader
  // handler, so that Serve decides how much of it is read. routes_ does not
  // change from here on.
  using ContentHandler = httplib::Server::HandlerWithContentReader;
  for (const Route& route : routes_) {
    for (const Endpoint& endpoint : route.endpoints) {
      const Route* target = &route;
      const Handler handler = endpoint.handler;
      if (endpoint.method == "GET") {
        server.Get(route.path,
                   httplib::Server::Handler([this, target, handler](const httplib::Request& req,
                                                                    httplib::Response& res) {
                     Serve(*target, handler, req, res, nullptr);
                   }));
        continue;
      }
      const ContentHandler with_body = [this, target, handler](
                                           const httplib::Request& req, httplib::Response& res,
                                           const httplib::ContentReader& reader) {
        Serve(*target, handler, req, res, &reader);
      };
      if (endpoint.method == "POST") {
        server.Post(route.path, with_body);
      } else if (endpoint.method == "PATCH") {
        server.Patch(route.path, with_body);
      } else if (endpoint.method == "DELETE") {
        server.Delete(route.path, with_body);
      }
    }
  }
  // Any other path: 404 without reading the body.
  const ContentHandler not_found = [](const httplib::Request& req, httplib::Response& res,
                                      const httplib::ContentReader&) {
    if (AnnouncedBody(req).kind != RequestBody::kNone)
      CloseConnectionAfterResponse(req, res);
    SendError(res, 404, "not_found", "no such resource");
  };
  server.Post(".*", not_found);
  server.Put(".*", not_found);
  server.Patch(".*", not_found);
  server.Delete(".*", not_found);

  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    g_request_start = std::chrono::steady_clock::now();
    return CheckBeforeBody(req, res);
  });
  // Errors httplib produces itself (404 for an unknown path, 413, 400 for a
  // request it cannot parse) get the same JSON shape as ours.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;
        switch (res.status) {
          case 404:
            SendError(res, 404, "not_found", "no such resource");
            break;
          case 413:
            SendError(res, 413, "payload_too_large", "the request body is over 64 KiB");
            break;
          case 400:
            SendError(res, 400, "invalid_request", "malformed HTTP request");
            break;
          default:
            SendError(res, res.status, "http_" + std::to_string(res.status), "HTTP error");
            break;
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        SendError(res, 500, "internal_error", "unexpected exception");
      });
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    long long ms = 0;
    if (g_request_start.has_value()) {
      ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 *g_request_start)
               .count();
      g_request_start.reset();
    }
    // The path is percent-decoded client input: no control characters in
    // the log (one line per request, always).
    std::string path = req.path.substr(0, 200);
    for (char& c : path) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        c = '?';
    }
    static std::mutex log_mutex;
    std::lock_guard<std::mutex> lock(log_mutex);
    std::fprintf(stderr, "%s %s %d %lld\n", req.method.c_str(), path.c_str(), res.status, ms);
    std::fflush(stderr);
  });
  return true;
}

App::App(ServerConfig config, CredentialStore& credentials, StateStore& state)
    : impl_(std::make_unique<Impl>(std::move(config), credentials, state)) {}
App::~App() = default;

bool App::Install(httplib::Server& server, std::string* error) {
  return impl_->Install(server, error);
}

}  // namespace passkey_server
