// Strict, non-throwing JSON parsing for untrusted text (nlohmann, internal).
#ifndef PASSKEY_JSON_UTIL_H_
#define PASSKEY_JSON_UTIL_H_

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace passkey::internal {

// ParseJsonStrict parses `text` as one JSON value with nlohmann's
// non-throwing API. Refuses: invalid UTF-8, nesting deeper than `max_depth`,
// duplicate object keys, and anything after the value but whitespace.
// On failure returns false and sets `*why` (log-only).
bool ParseJsonStrict(std::string_view text, int max_depth, nlohmann::json* out, std::string* why);

// Member getters: nullptr when absent; `*wrong_type` set when present with
// another type (so optional members of the wrong type are still errors).
const std::string* FindString(const nlohmann::json& object, const char* key, bool* wrong_type);
const nlohmann::json* FindObject(const nlohmann::json& object, const char* key, bool* wrong_type);

}  // namespace passkey::internal

#endif  // PASSKEY_JSON_UTIL_H_
