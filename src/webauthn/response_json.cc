// RegistrationResponseJSON / AuthenticationResponseJSON (WebAuthn L3 §5.1,
// the shapes PublicKeyCredential.toJSON() produces).
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <passkey/authentication.h>
#include <passkey/registration.h>

#include "encoding/json_reader.h"
#include "internal/limits.h"
#include "internal/result_macros.h"

namespace passkey {
namespace {

using internal::Fail;
using internal::JsonKind;
using internal::JsonValue;

// Response JSON is flat apart from response{} and clientExtensionResults{}
// (whose outputs nest a little, e.g. prf.results.first).
constexpr int kMaxResponseDepth = 8;

Unexpected Malformed(std::string message) {
  return Fail(ErrorCode::kMalformedResponse, std::move(message));
}

// Members: one pass over an object's members, keeping the values of the
// keys asked for (keys are unique: ValidateJson refused duplicates), so a
// long value (base64url of a signature or attestation object) is walked
// over once rather than once per lookup.
template <std::size_t N>
struct Members {
  Members(const JsonValue& object, const std::array<std::string_view, N>& names) {
    internal::JsonMembers members(object);
    std::string_view key;
    JsonValue value;
    while (members.Next(&key, &value)) {
      for (std::size_t i = 0; i < N; ++i) {
        if (!values[i].has_value() && internal::JsonKeyEquals(key, names[i])) {
          values[i] = value;
          break;
        }
      }
    }
  }
  std::array<std::optional<JsonValue>, N> values;
};

// ParseTopLevel validates the text strictly (internal::ValidateJson accepts
// exactly what ParseJsonStrict does) and returns the top-level object.
Result<JsonValue> ParseTopLevel(std::string_view text) {
  if (text.size() > kMaxResponseJsonBytes) {
    return Malformed("response JSON is " + std::to_string(text.size()) +
                     " bytes, over kMaxResponseJsonBytes (1 MiB)");
  }
  JsonValue value;
  const char* why = nullptr;
  if (!internal::ValidateJson(text, kMaxResponseDepth, &value, &why)) {
    return Malformed(std::string("response: ") + why);
  }
  if (!value.is_object()) return Malformed("response is not a JSON object");
  return value;
}

// Base64UrlOf: the bytes of a base64url string value.
Result<Bytes> Base64UrlOf(const JsonValue& value, const char* key) {
  // base64url text has no escapes; an escaped one is decoded first.
  const std::string_view raw = value.text.substr(1, value.text.size() - 2);
  Result<Bytes> decoded = raw.find('\\') == std::string_view::npos
                              ? Base64UrlDecode(raw)
                              : Base64UrlDecode(internal::DecodeJsonString(value));
  if (!decoded.has_value()) {
    return Malformed(std::string(key) + ": " + decoded.error().message);
  }
  return decoded;
}

// RequireBase64Url: a required base64url string member, decoded.
Result<Bytes> RequireBase64Url(const std::optional<JsonValue>& value, const char* key) {
  if (!value.has_value() || !value->is_string()) {
    return Malformed(std::string("response lacks a string ") + key);
  }
  return Base64UrlOf(*value, key);
}

// OptionalBase64Url: absent or null → nullopt; otherwise as above.
Result<std::optional<Bytes>> OptionalBase64Url(const std::optional<JsonValue>& value,
                                               const char* key) {
  if (!value.has_value() || value->is_null()) return std::optional<Bytes>();
  if (!value->is_string()) return Malformed(std::string(key) + " is not a string");
  PASSKEY_ASSIGN_OR_RETURN(Bytes decoded, Base64UrlOf(*value, key));
  return std::optional<Bytes>(std::move(decoded));
}

// CommonMembers: id/rawId/type/response/authenticatorAttachment/
// clientExtensionResults shared by both response shapes.
struct CommonMembers {
  Bytes raw_id;
  JsonValue response;
  std::optional<JsonValue> extensions;  // nullopt: member omitted
  std::optional<Attachment> attachment;
};

Result<CommonMembers> ParseCommon(const JsonValue& top) {
  const Members<6> members(top, {"id", "rawId", "type", "response", "clientExtensionResults",
                                 "authenticatorAttachment"});
  const auto& [id_value, raw_id_value, type, response, extensions, attachment] = members.values;
  CommonMembers out;
  PASSKEY_ASSIGN_OR_RETURN(Bytes id, RequireBase64Url(id_value, "id"));
  PASSKEY_ASSIGN_OR_RETURN(out.raw_id, RequireBase64Url(raw_id_value, "rawId"));
  if (id != out.raw_id) return Malformed("id and rawId differ");
  if (out.raw_id.empty()) return Malformed("empty credential id");
  if (!type.has_value() || !type->is_string() ||
      internal::DecodeJsonString(*type) != "public-key") {
    return Malformed("type is not \"public-key\"");
  }
  if (!response.has_value() || !response->is_object()) {
    return Malformed("response lacks a response object");
  }
  out.response = *response;
  out.extensions = extensions;
  if (out.extensions.has_value() && !out.extensions->is_object()) {
    return Malformed("clientExtensionResults is not an object");
  }
  if (attachment.has_value() && !attachment->is_null()) {
    if (!attachment->is_string()) return Malformed("authenticatorAttachment is not a string");
    // Unknown values are ignored, as WebAuthn asks of enumerations.
    const Result<Attachment> parsed = ParseAttachment(internal::DecodeJsonString(*attachment));
    if (parsed.has_value()) out.attachment = *parsed;
  }
  return out;
}

}  // namespace

Result<RegistrationResponse> ParseRegistrationResponseJson(std::string_view text) {
  PASSKEY_ASSIGN_OR_RETURN(const JsonValue top, ParseTopLevel(text));
  PASSKEY_ASSIGN_OR_RETURN(CommonMembers common, ParseCommon(top));
  const JsonValue& response = common.response;
  const Members<5> members(response, {"clientDataJSON", "attestationObject", "authenticatorData",
                                      "publicKeyAlgorithm", "transports"});
  const auto& [client_data, attestation_object, authenticator_data, algorithm, transports] =
      members.values;
  RegistrationResponse out;
  out.raw_id = std::move(common.raw_id);
  out.attachment = common.attachment;
  PASSKEY_ASSIGN_OR_RETURN(out.client_data_json, RequireBase64Url(client_data, "clientDataJSON"));
  PASSKEY_ASSIGN_OR_RETURN(out.attestation_object,
                           RequireBase64Url(attestation_object, "attestationObject"));
  PASSKEY_ASSIGN_OR_RETURN(out.authenticator_data,
                           OptionalBase64Url(authenticator_data, "authenticatorData"));
  if (algorithm.has_value() && !algorithm->is_null()) {
    const std::optional<std::int64_t> alg = internal::JsonInteger(*algorithm);
    if (!alg.has_value()) return Malformed("publicKeyAlgorithm is not an integer");
    out.public_key_algorithm = *alg;
  }
  if (transports.has_value() && !transports->is_null()) {
    if (!transports->is_array()) return Malformed("transports is not an array");
    internal::JsonElements elements(*transports);
    JsonValue transport;
    while (elements.Next(&transport)) {
      if (!transport.is_string()) return Malformed("transports holds a non-string");
      out.transports.push_back(internal::DecodeJsonString(transport));
    }
  }
  if (common.extensions.has_value()) {
    if (auto props = internal::FindMember(*common.extensions, "credProps");
        props.has_value() && props->is_object()) {
      if (auto rk = internal::FindMember(*props, "rk"); rk.has_value() && rk->is_boolean()) {
        out.client_extension_cred_props_rk = rk->kind == JsonKind::kTrue;
      }
    }
  }
  return out;
}

Result<AuthenticationResponse> ParseAuthenticationResponseJson(std::string_view text) {
  PASSKEY_ASSIGN_OR_RETURN(const JsonValue top, ParseTopLevel(text));
  PASSKEY_ASSIGN_OR_RETURN(CommonMembers common, ParseCommon(top));
  const JsonValue& response = common.response;
  const Members<4> members(response,
                           {"clientDataJSON", "authenticatorData", "signature", "userHandle"});
  const auto& [client_data, authenticator_data, signature, user_handle] = members.values;
  AuthenticationResponse out;
  out.raw_id = std::move(common.raw_id);
  out.attachment = common.attachment;
  PASSKEY_ASSIGN_OR_RETURN(out.client_data_json, RequireBase64Url(client_data, "clientDataJSON"));
  PASSKEY_ASSIGN_OR_RETURN(out.authenticator_data,
                           RequireBase64Url(authenticator_data, "authenticatorData"));
  PASSKEY_ASSIGN_OR_RETURN(out.signature, RequireBase64Url(signature, "signature"));
  PASSKEY_ASSIGN_OR_RETURN(out.user_handle, OptionalBase64Url(user_handle, "userHandle"));
  if (out.user_handle.has_value() && out.user_handle->empty()) out.user_handle.reset();
  if (common.extensions.has_value()) {
    if (auto appid = internal::FindMember(*common.extensions, "appid"); appid.has_value()) {
      if (!appid->is_boolean()) return Malformed("clientExtensionResults.appid is not a boolean");
      out.client_extension_appid = appid->kind == JsonKind::kTrue;
    }
  }
  return out;
}

}  // namespace passkey
