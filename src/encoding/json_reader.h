// JsonReader: a strict, allocation-light JSON validator and reader for the
// verification hot path (clientDataJSON, AuthenticationResponseJSON).
//
// ValidateJson accepts exactly what ParseJsonStrict (nlohmann, json_util.h)
// accepts, and tests/encoding/json_reader_test.cc checks the two against each other:
// RFC 8259 text with an optional leading UTF-8 byte order mark (nlohmann
// skips one), well-formed UTF-8 in strings (no overlong forms, surrogates or
// code points above U+10FFFF; escaped surrogates only as a high-low pair),
// no control characters in strings, no NUL byte anywhere, numbers in the
// JSON grammar whose value does not overflow a double, at most `max_depth`
// nested arrays/objects, no duplicate object keys (compared after
// unescaping), and nothing after the value but whitespace.
//
// Once a value is validated, JsonMembers/JsonElements walk it and
// DecodeJsonString unescapes its strings. All of them take views of the
// validated text; every read is bounds-checked against it regardless.
#ifndef PASSKEY_ENCODING_JSON_READER_H_
#define PASSKEY_ENCODING_JSON_READER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace passkey::internal {

enum class JsonKind : std::uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

// JsonValue: one value inside validated text. `text` is the value's exact
// text (a string's includes its quotes).
struct JsonValue {
  JsonKind kind = JsonKind::kNull;
  std::string_view text;

  bool is_string() const noexcept { return kind == JsonKind::kString; }
  bool is_object() const noexcept { return kind == JsonKind::kObject; }
  bool is_array() const noexcept { return kind == JsonKind::kArray; }
  bool is_null() const noexcept { return kind == JsonKind::kNull; }
  bool is_boolean() const noexcept { return kind == JsonKind::kTrue || kind == JsonKind::kFalse; }
};

// ValidateJson validates `text` (rules above). `max_depth` is clamped to
// kMaxJsonDepth (internal/limits.h); the validator recurses once per open
// container, so at most that deep. On success sets `*root`; on failure
// returns false and sets `*why` (a static string, log only).
bool ValidateJson(std::string_view text, int max_depth, JsonValue* root, const char** why);

// JsonDepthWithin: false when `text` opens more than `max_depth` (clamped
// to kMaxJsonDepth) nested arrays/objects, counting brackets outside
// strings. One linear pass, no allocation, no recursion: run before any
// parser that recurses or allocates per nesting level (nlohmann). Says
// nothing about validity; for valid JSON it agrees with ValidateJson's depth
// rule.
bool JsonDepthWithin(std::string_view text, int max_depth) noexcept;

// JsonMembers iterates the members of a validated object, in text order.
class JsonMembers {
 public:
  explicit JsonMembers(const JsonValue& object) noexcept;
  // Next: the next member's key (as written, without quotes, escapes not
  // decoded) and value; false after the last member.
  bool Next(std::string_view* raw_key, JsonValue* value) noexcept;

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// JsonElements iterates the elements of a validated array.
class JsonElements {
 public:
  explicit JsonElements(const JsonValue& array) noexcept;
  bool Next(JsonValue* value) noexcept;

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// JsonKeyEquals: whether a raw key (from JsonMembers) decodes to `name`.
bool JsonKeyEquals(std::string_view raw_key, std::string_view name);

// FindMember: the value of the member whose key decodes to `name` (keys of
// a validated object are unique), or nullopt.
std::optional<JsonValue> FindMember(const JsonValue& object, std::string_view name);

// DecodeJsonString: the text of a validated string value, unescaped, as
// UTF-8. `value` must be a string.
std::string DecodeJsonString(const JsonValue& value);

// JsonInteger: a number written without fraction or exponent (strict: 1e2
// and -7.0 are not integers) whose value fits std::int64_t; nullopt
// otherwise (no wrap-around: 18446744073709551609 is not -7). Agrees with
// JsonInt64 (json_util.h) on nlohmann's reading of the same text.
std::optional<std::int64_t> JsonInteger(const JsonValue& value);

}  // namespace passkey::internal

#endif  // PASSKEY_ENCODING_JSON_READER_H_
