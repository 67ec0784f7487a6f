#include "client_data.h"

#include <string_view>

#include "internal/limits.h"
#include "internal/result_macros.h"
#include "json_util.h"

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
  // §5.8.1.2: the client data is UTF-8 JSON text. Parse the exact bytes.
  const std::string_view text(reinterpret_cast<const char*>(client_data_json.data()),  // NOLINT
                              client_data_json.size());
  nlohmann::json json;
  std::string why;
  if (!ParseJsonStrict(text, kMaxClientDataDepth, &json, &why)) {
    return Malformed("clientDataJSON: " + why);
  }
  if (!json.is_object()) return Malformed("clientDataJSON is not an object");

  ClientData out;
  bool wrong_type = false;
  const std::string* type = FindString(json, "type", &wrong_type);
  if (type == nullptr) return Malformed("clientDataJSON lacks a string type");
  out.type = *type;
  const std::string* challenge = FindString(json, "challenge", &wrong_type);
  if (challenge == nullptr) return Malformed("clientDataJSON lacks a string challenge");
  out.challenge = *challenge;
  const std::string* origin = FindString(json, "origin", &wrong_type);
  if (origin == nullptr) return Malformed("clientDataJSON lacks a string origin");
  out.origin = *origin;

  if (auto it = json.find("crossOrigin"); it != json.end()) {
    if (!it->is_boolean()) return Malformed("clientDataJSON crossOrigin is not a boolean");
    out.cross_origin = it->get<bool>();
  }
  const std::string* top_origin = FindString(json, "topOrigin", &wrong_type);
  if (wrong_type) return Malformed("clientDataJSON topOrigin is not a string");
  if (top_origin != nullptr) out.top_origin = *top_origin;

  if (auto it = json.find("tokenBinding"); it != json.end()) {
    if (it->is_object()) {
      const std::string* status = FindString(*it, "status", &wrong_type);
      out.token_binding_valid =
          status != nullptr && (*status == "present" || *status == "supported");
    } else {
      // Legacy browsers sent a bare string (e.g. "unused"); it carries no
      // binding claim.
      out.token_binding_valid = it->is_string();
    }
  }
  return out;
}

}  // namespace passkey::internal
