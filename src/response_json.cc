// RegistrationResponseJSON / AuthenticationResponseJSON (WebAuthn L3 §5.1,
// the shapes PublicKeyCredential.toJSON() produces).
#include <string>

#include <passkey/authentication.h>
#include <passkey/registration.h>

#include "internal/limits.h"
#include "internal/result_macros.h"
#include "json_util.h"

namespace passkey {
namespace {

using internal::Fail;
using nlohmann::json;

// Response JSON is flat apart from response{} and clientExtensionResults{}
// (whose outputs nest a little, e.g. prf.results.first).
constexpr int kMaxResponseDepth = 8;

Unexpected Malformed(std::string message) {
  return Fail(ErrorCode::kMalformedResponse, std::move(message));
}

Result<json> ParseTopLevel(std::string_view text) {
  if (text.size() > internal::kMaxResponseJsonBytes) {
    return Malformed("response JSON larger than the limit");
  }
  json value;
  std::string why;
  if (!internal::ParseJsonStrict(text, kMaxResponseDepth, &value, &why)) {
    return Malformed("response: " + why);
  }
  if (!value.is_object()) return Malformed("response is not a JSON object");
  return value;
}

// RequireBase64Url: a required base64url string member, decoded.
Result<Bytes> RequireBase64Url(const json& object, const char* key) {
  bool wrong_type = false;
  const std::string* text = internal::FindString(object, key, &wrong_type);
  if (text == nullptr) return Malformed(std::string("response lacks a string ") + key);
  auto decoded = Base64UrlDecode(*text);
  if (!decoded.has_value()) {
    return Malformed(std::string(key) + ": " + decoded.error().message);
  }
  return decoded;
}

// OptionalBase64Url: absent or null → nullopt; otherwise as above.
Result<std::optional<Bytes>> OptionalBase64Url(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<Bytes>();
  if (!it->is_string()) return Malformed(std::string(key) + " is not a string");
  auto decoded = Base64UrlDecode(it->get_ref<const std::string&>());
  if (!decoded.has_value()) {
    return Malformed(std::string(key) + ": " + decoded.error().message);
  }
  return std::optional<Bytes>(std::move(decoded).value());
}

// CommonMembers: id/rawId/type/response/authenticatorAttachment/
// clientExtensionResults shared by both response shapes.
struct CommonMembers {
  Bytes raw_id;
  const json* response = nullptr;
  const json* extensions = nullptr;  // may stay nullptr (member omitted)
  std::optional<Attachment> attachment;
};

Result<CommonMembers> ParseCommon(const json& top) {
  CommonMembers out;
  PASSKEY_ASSIGN_OR_RETURN(Bytes id, RequireBase64Url(top, "id"));
  PASSKEY_ASSIGN_OR_RETURN(out.raw_id, RequireBase64Url(top, "rawId"));
  if (id != out.raw_id) return Malformed("id and rawId differ");
  if (out.raw_id.empty()) return Malformed("empty credential id");
  bool wrong_type = false;
  const std::string* type = internal::FindString(top, "type", &wrong_type);
  if (type == nullptr || *type != "public-key") return Malformed("type is not \"public-key\"");
  out.response = internal::FindObject(top, "response", &wrong_type);
  if (out.response == nullptr) return Malformed("response lacks a response object");
  out.extensions = internal::FindObject(top, "clientExtensionResults", &wrong_type);
  if (wrong_type) return Malformed("clientExtensionResults is not an object");
  if (auto it = top.find("authenticatorAttachment"); it != top.end() && !it->is_null()) {
    if (!it->is_string()) return Malformed("authenticatorAttachment is not a string");
    // Unknown values are ignored, as WebAuthn asks of enumerations.
    out.attachment = ParseAttachment(it->get_ref<const std::string&>());
  }
  return out;
}

}  // namespace

Result<RegistrationResponse> ParseRegistrationResponseJson(std::string_view text) {
  PASSKEY_ASSIGN_OR_RETURN(const json top, ParseTopLevel(text));
  PASSKEY_ASSIGN_OR_RETURN(CommonMembers common, ParseCommon(top));
  const json& response = *common.response;
  RegistrationResponse out;
  out.raw_id = std::move(common.raw_id);
  out.attachment = common.attachment;
  PASSKEY_ASSIGN_OR_RETURN(out.client_data_json, RequireBase64Url(response, "clientDataJSON"));
  PASSKEY_ASSIGN_OR_RETURN(out.attestation_object,
                           RequireBase64Url(response, "attestationObject"));
  PASSKEY_ASSIGN_OR_RETURN(out.authenticator_data,
                           OptionalBase64Url(response, "authenticatorData"));
  if (auto it = response.find("publicKeyAlgorithm"); it != response.end() && !it->is_null()) {
    if (!it->is_number_integer()) return Malformed("publicKeyAlgorithm is not an integer");
    out.public_key_algorithm = it->get<std::int64_t>();
  }
  if (auto it = response.find("transports"); it != response.end() && !it->is_null()) {
    if (!it->is_array()) return Malformed("transports is not an array");
    for (const auto& transport : *it) {
      if (!transport.is_string()) return Malformed("transports holds a non-string");
      out.transports.push_back(transport.get<std::string>());
    }
  }
  if (common.extensions != nullptr) {
    if (auto props = common.extensions->find("credProps");
        props != common.extensions->end() && props->is_object()) {
      if (auto rk = props->find("rk"); rk != props->end() && rk->is_boolean()) {
        out.client_extension_cred_props_rk = rk->get<bool>();
      }
    }
  }
  return out;
}

Result<AuthenticationResponse> ParseAuthenticationResponseJson(std::string_view text) {
  PASSKEY_ASSIGN_OR_RETURN(const json top, ParseTopLevel(text));
  PASSKEY_ASSIGN_OR_RETURN(CommonMembers common, ParseCommon(top));
  const json& response = *common.response;
  AuthenticationResponse out;
  out.raw_id = std::move(common.raw_id);
  out.attachment = common.attachment;
  PASSKEY_ASSIGN_OR_RETURN(out.client_data_json, RequireBase64Url(response, "clientDataJSON"));
  PASSKEY_ASSIGN_OR_RETURN(out.authenticator_data,
                           RequireBase64Url(response, "authenticatorData"));
  PASSKEY_ASSIGN_OR_RETURN(out.signature, RequireBase64Url(response, "signature"));
  PASSKEY_ASSIGN_OR_RETURN(out.user_handle, OptionalBase64Url(response, "userHandle"));
  if (out.user_handle.has_value() && out.user_handle->empty()) out.user_handle.reset();
  if (common.extensions != nullptr) {
    if (auto appid = common.extensions->find("appid"); appid != common.extensions->end()) {
      if (!appid->is_boolean()) return Malformed("clientExtensionResults.appid is not a boolean");
      out.client_extension_appid = appid->get<bool>();
    }
  }
  return out;
}

}  // namespace passkey
