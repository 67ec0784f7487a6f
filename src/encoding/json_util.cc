#include "encoding/json_util.h"

#include <algorithm>
#include <limits>
#include <set>
#include <vector>

#include "encoding/json_reader.h"
#include "internal/limits.h"

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
  max_depth = std::min(max_depth, kMaxJsonDepth);
  if (!JsonDepthWithin(text, max_depth)) {
    *why = "JSON nested deeper than allowed";
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

std::optional<std::int64_t> JsonInt64(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(u);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return std::nullopt;
}

std::optional<std::uint64_t> JsonUint64(const nlohmann::json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  // nlohmann stores non-negative integers as number_unsigned; a signed one
  // is negative (or "-0").
  if (value.is_number_integer() && value.get<std::int64_t>() == 0) return 0;
  return std::nullopt;
}

}  // namespace passkey::internal
