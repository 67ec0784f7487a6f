#include "json_util.h"

#include <set>
#include <vector>

namespace passkey::internal {

bool ParseJsonStrict(std::string_view text, int max_depth, nlohmann::json* out, std::string* why) {
  using nlohmann::json;
  // nlohmann's lexer takes a NUL byte for the end of input, so text after it
  // would be silently ignored. JSON never holds a raw NUL (inside strings it
  // must be escaped), so refuse it outright.
  if (text.find('\0') != std::string_view::npos) {
    *why = "NUL byte in JSON text";
    return false;
  }
  bool too_deep = false;
  bool duplicate = false;
  std::vector<std::set<std::string>> keys;  // one set per open object
  json::parser_callback_t callback = [&](int depth, json::parse_event_t event,
                                         json& parsed) -> bool {
    if (too_deep || duplicate) return false;
    switch (event) {
      case json::parse_event_t::object_start:
        if (depth >= max_depth) {
          too_deep = true;
          return false;
        }
        keys.emplace_back();
        break;
      case json::parse_event_t::array_start:
        if (depth >= max_depth) {
          too_deep = true;
          return false;
        }
        break;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys.empty() && parsed.is_string() &&
            !keys.back().insert(parsed.get_ref<const std::string&>()).second) {
          duplicate = true;
          return false;
        }
        break;
      default:
        break;
    }
    return true;
  };
  json value = json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false,
                           /*ignore_comments=*/false);
  if (too_deep) {
    *why = "JSON nested deeper than allowed";
    return false;
  }
  if (duplicate) {
    *why = "duplicate JSON object key";
    return false;
  }
  if (value.is_discarded()) {
    *why = "not valid JSON";
    return false;
  }
  *out = std::move(value);
  return true;
}

const std::string* FindString(const nlohmann::json& object, const char* key, bool* wrong_type) {
  *wrong_type = false;
  auto it = object.find(key);
  if (it == object.end()) return nullptr;
  if (!it->is_string()) {
    *wrong_type = true;
    return nullptr;
  }
  return &it->get_ref<const std::string&>();
}

const nlohmann::json* FindObject(const nlohmann::json& object, const char* key, bool* wrong_type) {
  *wrong_type = false;
  auto it = object.find(key);
  if (it == object.end()) return nullptr;
  if (!it->is_object()) {
    *wrong_type = true;
    return nullptr;
  }
  return &*it;
}

}  // namespace passkey::internal
