#include "webauthn/client_data.h"

#include <optional>
#include <string>
#include <string_view>

#include "encoding/json_reader.h"
#include "internal/limits.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

Unexpected Malformed(std::string message) {
  return Fail(ErrorCode::kMalformedClientData, std::move(message));
}

}  // namespace

Result<ClientData> ParseClientData(ByteView client_data_json) {
  if (client_data_json.empty()) return Malformed("clientDataJSON is empty");
  if (client_data_json.size() > kMaxClientDataJsonBytes) {
    return Malformed("clientDataJSON larger than the limit");
  }
  // §5.8.1.2: the client data is UTF-8 JSON text. Parse the exact bytes,
  // strictly: JsonReader accepts exactly what ParseJsonStrict accepts
  // (json_reader.h), without building a DOM.
  const std::string_view text(reinterpret_cast<const char*>(client_data_json.data()),  // NOLINT
                              client_data_json.size());
  JsonValue json;
  const char* why = nullptr;
  if (!ValidateJson(text, kMaxClientDataDepth, &json, &why)) {
    return Malformed(std::string("clientDataJSON: ") + why);
  }
  if (!json.is_object()) return Malformed("clientDataJSON is not an object");

  // One pass over the members (keys are unique: duplicates were refused).
  std::optional<JsonValue> type, challenge, origin, cross_origin, top_origin, token_binding;
  JsonMembers members(json);
  std::string_view key;
  JsonValue value;
  while (members.Next(&key, &value)) {
    if (JsonKeyEquals(key, "type")) {
      type = value;
    } else if (JsonKeyEquals(key, "challenge")) {
      challenge = value;
    } else if (JsonKeyEquals(key, "origin")) {
      origin = value;
    } else if (JsonKeyEquals(key, "crossOrigin")) {
      cross_origin = value;
    } else if (JsonKeyEquals(key, "topOrigin")) {
      top_origin = value;
    } else if (JsonKeyEquals(key, "tokenBinding")) {
      token_binding = value;
    }
  }

  ClientData out;
  if (!type.has_value() || !type->is_string()) {
    return Malformed("clientDataJSON lacks a string type");
  }
  out.type = DecodeJsonString(*type);
  if (!challenge.has_value() || !challenge->is_string()) {
    return Malformed("clientDataJSON lacks a string challenge");
  }
  out.challenge = DecodeJsonString(*challenge);
  if (!origin.has_value() || !origin->is_string()) {
    return Malformed("clientDataJSON lacks a string origin");
  }
  out.origin = DecodeJsonString(*origin);

  if (cross_origin.has_value()) {
    if (!cross_origin->is_boolean()) return Malformed("clientDataJSON crossOrigin is not a boolean");
    out.cross_origin = cross_origin->kind == JsonKind::kTrue;
  }
  if (top_origin.has_value()) {
    if (!top_origin->is_string()) return Malformed("clientDataJSON topOrigin is not a string");
    out.top_origin = DecodeJsonString(*top_origin);
  }

  if (token_binding.has_value()) {
    if (token_binding->is_object()) {
      const std::optional<JsonValue> status = FindMember(*token_binding, "status");
      if (status.has_value() && status->is_string()) {
        const std::string text_status = DecodeJsonString(*status);
        out.token_binding_valid = text_status == "present" || text_status == "supported";
      } else {
        out.token_binding_valid = false;
      }
    } else {
      // Legacy browsers sent a bare string (e.g. "unused"); it carries no
      // binding claim.
      out.token_binding_valid = token_binding->is_string();
    }
  }
  return out;
}

}  // namespace passkey::internal
