// Strict, non-throwing JSON parsing for untrusted text (nlohmann, internal).
#ifndef PASSKEY_ENCODING_JSON_UTIL_H_
#define PASSKEY_ENCODING_JSON_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace passkey::internal {

// ParseJsonStrict parses `text` as one JSON value with nlohmann's
// non-throwing API. Refuses: invalid UTF-8, nesting deeper than `max_depth`
// (clamped to kMaxJsonDepth, internal/limits.h), duplicate object keys, and
// anything after the value but whitespace. Nesting is checked by
// JsonDepthWithin (json_reader.h) before nlohmann sees the text, so deep
// input is refused in one allocation-free pass (nlohmann's parser keeps
// going, and allocating, after its callback refuses a level). On failure
// returns false and sets `*why` (log-only).
bool ParseJsonStrict(std::string_view text, int max_depth, nlohmann::json* out, std::string* why);

// Member getters: nullptr when absent; `*wrong_type` set when present with
// another type (so optional members of the wrong type are still errors).
const std::string* FindString(const nlohmann::json& object, const char* key, bool* wrong_type);
const nlohmann::json* FindObject(const nlohmann::json& object, const char* key, bool* wrong_type);

// JsonInt64 / JsonUint64: the value of a JSON integer (a number written
// without fraction or exponent, which nlohmann stores as number_integer or
// number_unsigned) that fits the type; nullopt for anything else: another
// type, 1e2, -7.0, 1.5 (nlohmann stores those as number_float, as it does
// integers beyond 64 bits) and integers out of the type's range (no
// wrap-around: 18446744073709551609 is not -7). Callers narrowing further
// check the narrower range themselves.
std::optional<std::int64_t> JsonInt64(const nlohmann::json& value);
std::optional<std::uint64_t> JsonUint64(const nlohmann::json& value);

}  // namespace passkey::internal

#endif  // PASSKEY_ENCODING_JSON_UTIL_H_
