#include "encoding/json_reader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <system_error>
#include <vector>

#include "internal/limits.h"

namespace passkey::internal {
namespace {

// ByteAt: the byte at `pos`, or -1 past the end (every read goes through it
// or through std::string_view's bounds-checked substr).
int ByteAt(std::string_view text, std::size_t pos) noexcept {
  return pos < text.size() ? static_cast<unsigned char>(text[pos]) : -1;
}

// kPlainStringByte: bytes that stand for themselves inside a string: ASCII
// from 0x20 except '"' and '\\' (the fast path of the string scanners).
constexpr std::array<bool, 256> MakePlainStringBytes() {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return table;
}
constexpr std::array<bool, 256> kPlainStringByte = MakePlainStringBytes();

// HasSpecialByte: whether any of the 8 bytes in `word` is not plain: below
// 0x20, '"', '\\' or 0x80 and above. Word-at-a-time zero-byte tests
// (x - 0x01…01) & ~x & 0x80…80 on x = word ^ ('"'·0x01…01) and the like;
// they may report a false positive only next to a real special byte, and
// the byte loop after them decides exactly.
constexpr bool HasSpecialByte(std::uint64_t word) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const std::uint64_t quote = word ^ (kOnes * '"');
  const std::uint64_t backslash = word ^ (kOnes * '\\');
  const std::uint64_t control = word - kOnes * 0x20;  // borrows below 0x20
  return (((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) | control | word) &
         kHigh;
}

// PlainRunEnd: the end of the run of plain string bytes starting at `pos`.
// Eight bytes at a time while none can be special (the strings worth
// scanning fast are the long base64url members of a response), then byte
// by byte.
std::size_t PlainRunEnd(std::string_view text, std::size_t pos) noexcept {
  while (pos + 8 <= text.size()) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + pos, sizeof word);
    if (HasSpecialByte(word)) break;
    pos += 8;
  }
  while (pos < text.size() && kPlainStringByte[static_cast<unsigned char>(text[pos])]) ++pos;
  return pos;
}

bool IsWhitespace(int c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int HexValue(int c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ReadHex4: four hex digits at `pos` (bounds-checked); -1 when not.
int ReadHex4(std::string_view text, std::size_t pos) noexcept {
  int value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const int digit = HexValue(ByteAt(text, pos + i));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

void AppendUtf8(std::uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// DecodeRaw unescapes the validated contents of a string (between quotes).
std::string DecodeRaw(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  std::size_t pos = 0;
  while (pos < raw.size()) {
    const char c = raw[pos];
    if (c != '\\') {
      out.push_back(c);
      ++pos;
      continue;
    }
    const int e = ByteAt(raw, pos + 1);
    pos += 2;
    switch (e) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '/': out.push_back('/'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        const int high = ReadHex4(raw, pos);
        if (high < 0) return out;  // unreachable for validated text
        pos += 4;
        auto cp = static_cast<std::uint32_t>(high);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          const int low = ReadHex4(raw, pos + 2);  // after "\u"
          if (low < 0) return out;
          pos += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(low) - 0xDC00);
        }
        AppendUtf8(cp, &out);
        break;
      }
      default: return out;  // unreachable for validated text
    }
  }
  return out;
}

// SkipString: from the opening quote at `pos` of validated text, returns
// the position after the closing quote (text.size() when unterminated).
std::size_t SkipString(std::string_view text, std::size_t pos) noexcept {
  ++pos;
  while (pos < text.size()) {
    pos = PlainRunEnd(text, pos);
    if (pos >= text.size()) break;
    const char c = text[pos];
    if (c == '"') return pos + 1;
    pos += c == '\\' ? 2 : 1;
  }
  return text.size();
}

// SkipValue: from the first character of a validated value at `pos`,
// returns its kind and the position after it.
std::size_t SkipValue(std::string_view text, std::size_t pos, JsonKind* kind) noexcept {
  const int c = ByteAt(text, pos);
  switch (c) {
    case '"':
      *kind = JsonKind::kString;
      return SkipString(text, pos);
    case 't':
      *kind = JsonKind::kTrue;
      return std::min(pos + 4, text.size());
    case 'f':
      *kind = JsonKind::kFalse;
      return std::min(pos + 5, text.size());
    case 'n':
      *kind = JsonKind::kNull;
      return std::min(pos + 4, text.size());
    case '{':
    case '[': {
      *kind = c == '{' ? JsonKind::kObject : JsonKind::kArray;
      std::size_t depth = 0;
      while (pos < text.size()) {
        const char d = text[pos];
        if (d == '"') {
          pos = SkipString(text, pos);
          continue;
        }
        if (d == '{' || d == '[') ++depth;
        if (d == '}' || d == ']') {
          if (--depth == 0) return pos + 1;
        }
        ++pos;
      }
      return text.size();
    }
    default: {
      *kind = JsonKind::kNumber;
      while (pos < text.size()) {
        const char d = text[pos];
        if (!((d >= '0' && d <= '9') || d == '-' || d == '+' || d == '.' || d == 'e' ||
              d == 'E')) {
          break;
        }
        ++pos;
      }
      return pos;
    }
  }
}

std::size_t SkipWhitespace(std::string_view text, std::size_t pos) noexcept {
  while (IsWhitespace(ByteAt(text, pos))) ++pos;
  return pos;
}

// KeyStack: the keys of the objects currently open, for duplicate
// detection. Inline storage covers ordinary documents without allocating.
class KeyStack {
 public:
  std::size_t size() const noexcept { return size_; }
  void Push(std::string_view key) {
    if (size_ < kInline) {
      inline_[size_] = key;
    } else {
      spill_.push_back(key);
    }
    ++size_;
  }
  std::string_view At(std::size_t i) const noexcept {
    return i < kInline ? inline_[i] : spill_[i - kInline];
  }
  void Truncate(std::size_t n) {
    size_ = n;
    spill_.resize(n > kInline ? n - kInline : 0);
  }

 private:
  static constexpr std::size_t kInline = 32;
  std::array<std::string_view, kInline> inline_{};
  std::vector<std::string_view> spill_;
  std::size_t size_ = 0;
};

class Validator {
 public:
  Validator(std::string_view text, int max_depth) noexcept : text_(text), max_depth_(max_depth) {}

  bool Run(JsonValue* root) {
    // nlohmann skips a UTF-8 byte order mark at the very start (and rejects
    // a partial one).
    if (ByteAt(text_, 0) == 0xEF) {
      if (ByteAt(text_, 1) != 0xBB || ByteAt(text_, 2) != 0xBF) return Error("invalid BOM");
      pos_ = 3;
    }
    pos_ = SkipWhitespace(text_, pos_);
    if (!Value(0, root)) return false;
    pos_ = SkipWhitespace(text_, pos_);
    if (pos_ != text_.size()) return Error("text after the JSON value");
    return true;
  }

  const char* why = "not valid JSON";

 private:
  bool Error(const char* message) {
    why = message;
    return false;
  }

  bool Value(int level, JsonValue* out) {
    const std::size_t start = pos_;
    const int c = ByteAt(text_, pos_);
    bool ok = false;
    JsonKind kind = JsonKind::kNull;
    switch (c) {
      case '{':
        kind = JsonKind::kObject;
        ok = Object(level);
        break;
      case '[':
        kind = JsonKind::kArray;
        ok = Array(level);
        break;
      case '"': {
        kind = JsonKind::kString;
        std::string_view raw;
        bool escaped = false;
        ok = String(&raw, &escaped);
        break;
      }
      case 't':
        kind = JsonKind::kTrue;
        ok = Literal("true");
        break;
      case 'f':
        kind = JsonKind::kFalse;
        ok = Literal("false");
        break;
      case 'n':
        kind = JsonKind::kNull;
        ok = Literal("null");
        break;
      default:
        kind = JsonKind::kNumber;
        ok = Number();
        break;
    }
    if (!ok) return false;
    if (out != nullptr) *out = JsonValue{kind, text_.substr(start, pos_ - start)};
    return true;
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return Error("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool Digits() {
    const std::size_t start = pos_;
    while (true) {
      const int c = ByteAt(text_, pos_);
      if (c < '0' || c > '9') break;
      ++pos_;
    }
    return pos_ > start;
  }

  // Number: RFC 8259 §6 grammar; then nlohmann's "number overflow" rule: a
  // value that is not finite as a double is refused.
  bool Number() {
    const std::size_t start = pos_;
    if (ByteAt(text_, pos_) == '-') ++pos_;
    const int first = ByteAt(text_, pos_);
    if (first == '0') {
      ++pos_;
    } else if (first >= '1' && first <= '9') {
      (void)Digits();
    } else {
      return Error("invalid value");
    }
    bool plain_integer = true;
    if (ByteAt(text_, pos_) == '.') {
      ++pos_;
      plain_integer = false;
      if (!Digits()) return Error("invalid number");
    }
    const int e = ByteAt(text_, pos_);
    if (e == 'e' || e == 'E') {
      ++pos_;
      plain_integer = false;
      const int sign = ByteAt(text_, pos_);
      if (sign == '+' || sign == '-') ++pos_;
      if (!Digits()) return Error("invalid number");
    }
    const std::string_view token = text_.substr(start, pos_ - start);
    if (plain_integer && token.size() <= 300) return true;  // < 1e300: finite
    return FiniteAsDouble(token) ? true : Error("number overflow");
  }

  static bool FiniteAsDouble(std::string_view token) {
    double value = 0;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    (void)ptr;
    if (ec != std::errc::result_out_of_range) return true;
    // Out of range: overflow (to infinity) or underflow (to zero). Decide
    // by the decimal exponent of the leading significant digit: overflow
    // needs at least 1e308, underflow at most about 1e-308.
    std::size_t i = token.front() == '-' ? 1 : 0;
    long long magnitude = -1;  // decimal exponent of the first nonzero digit
    long long integer_digits = 0;
    bool found = false;
    for (; i < token.size() && token[i] >= '0' && token[i] <= '9'; ++i, ++integer_digits) {
      if (!found && token[i] != '0') {
        found = true;
        magnitude = -integer_digits;  // fixed below once the length is known
      }
    }
    if (found) magnitude += integer_digits - 1;
    if (i < token.size() && token[i] == '.') {
      ++i;
      long long fraction_position = 0;
      for (; i < token.size() && token[i] >= '0' && token[i] <= '9'; ++i) {
        ++fraction_position;
        if (!found && token[i] != '0') {
          found = true;
          magnitude = -fraction_position;
        }
      }
    }
    if (!found) return true;  // zero
    long long exponent = 0;
    if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
      ++i;
      bool negative = false;
      if (i < token.size() && (token[i] == '+' || token[i] == '-')) negative = token[i++] == '-';
      for (; i < token.size(); ++i) {
        exponent = std::min<long long>(exponent * 10 + (token[i] - '0'), 1000000000LL);
      }
      if (negative) exponent = -exponent;
    }
    return magnitude + exponent < 308;
  }

  // String: validates a string starting at the opening quote; `*raw` is
  // its contents between the quotes.
  bool String(std::string_view* raw, bool* escaped) {
    ++pos_;  // opening quote
    const std::size_t start = pos_;
    *escaped = false;
    while (true) {
      pos_ = PlainRunEnd(text_, pos_);
      const int c = ByteAt(text_, pos_);
      if (c < 0) return Error("unterminated string");
      if (c == '"') break;
      if (c < 0x20) return Error("control character in string");
      if (c == '\\') {
        *escaped = true;
        if (!Escape()) return false;
        continue;
      }
      if (c < 0x80) {
        ++pos_;
        continue;
      }
      if (!Utf8Sequence(c)) return Error("invalid UTF-8 in string");
    }
    *raw = text_.substr(start, pos_ - start);
    ++pos_;  // closing quote
    return true;
  }

  bool Escape() {
    const int e = ByteAt(text_, pos_ + 1);
    switch (e) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        pos_ += 2;
        return true;
      case 'u': {
        const int cp = ReadHex4(text_, pos_ + 2);
        if (cp < 0) return Error("bad \\u escape");
        pos_ += 6;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("lone low surrogate");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (ByteAt(text_, pos_) != '\\' || ByteAt(text_, pos_ + 1) != 'u') {
            return Error("high surrogate without low surrogate");
          }
          const int low = ReadHex4(text_, pos_ + 2);
          if (low < 0xDC00 || low > 0xDFFF) return Error("high surrogate without low surrogate");
          pos_ += 6;
        }
        return true;
      }
      default:
        return Error("bad escape");
    }
  }

  // Utf8Sequence: one multi-byte UTF-8 sequence (RFC 3629 §4) at pos_.
  bool Utf8Sequence(int lead) {
    int length = 0;
    int min2 = 0x80;
    int max2 = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3, min2 = 0xA0;
    } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
      length = 3;
    } else if (lead == 0xED) {
      length = 3, max2 = 0x9F;
    } else if (lead == 0xF0) {
      length = 4, min2 = 0x90;
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      length = 4;
    } else if (lead == 0xF4) {
      length = 4, max2 = 0x8F;
    } else {
      return false;
    }
    const int second = ByteAt(text_, pos_ + 1);
    if (second < min2 || second > max2) return false;
    for (int i = 2; i < length; ++i) {
      const int next = ByteAt(text_, pos_ + static_cast<std::size_t>(i));
      if (next < 0x80 || next > 0xBF) return false;
    }
    pos_ += static_cast<std::size_t>(length);
    return true;
  }

  bool Object(int level) {
    // nlohmann (ParseJsonStrict) refuses a container opened inside
    // max_depth enclosing containers.
    if (level >= max_depth_) return Error("JSON nested deeper than allowed");
    ++pos_;  // '{'
    const std::size_t keys_begin = keys_.size();
    pos_ = SkipWhitespace(text_, pos_);
    if (ByteAt(text_, pos_) == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      if (ByteAt(text_, pos_) != '"') return Error("expected an object key");
      std::string_view raw;
      bool escaped = false;
      if (!String(&raw, &escaped)) return false;
      if (escaped) {
        owned_.push_back(std::make_unique<std::string>(DecodeRaw(raw)));
        keys_.Push(*owned_.back());
      } else {
        keys_.Push(raw);
      }
      pos_ = SkipWhitespace(text_, pos_);
      if (ByteAt(text_, pos_) != ':') return Error("expected ':'");
      pos_ = SkipWhitespace(text_, pos_ + 1);
      if (!Value(level + 1, nullptr)) return false;
      const Step step = AfterItem('}', "expected ',' or '}'");
      if (step == Step::kError) return false;
      if (step == Step::kEnd) break;
    }
    if (HasDuplicate(keys_begin)) return Error("duplicate JSON object key");
    keys_.Truncate(keys_begin);
    return true;
  }

  bool HasDuplicate(std::size_t begin) const {
    const std::size_t count = keys_.size() - begin;
    if (count <= 16) {
      for (std::size_t i = begin; i < keys_.size(); ++i) {
        for (std::size_t j = i + 1; j < keys_.size(); ++j) {
          if (keys_.At(i) == keys_.At(j)) return true;
        }
      }
      return false;
    }
    std::vector<std::string_view> sorted;
    sorted.reserve(count);
    for (std::size_t i = begin; i < keys_.size(); ++i) sorted.push_back(keys_.At(i));
    std::sort(sorted.begin(), sorted.end());
    return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
  }

  bool Array(int level) {
    if (level >= max_depth_) return Error("JSON nested deeper than allowed");
    ++pos_;  // '['
    pos_ = SkipWhitespace(text_, pos_);
    if (ByteAt(text_, pos_) == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      if (!Value(level + 1, nullptr)) return false;
      const Step step = AfterItem(']', "expected ',' or ']'");
      if (step != Step::kMore) return step == Step::kEnd;
    }
  }

  // AfterItem: after an object member or array element, either ',' (then
  // another item follows; whitespace after the comma is skipped) or the
  // container's `close` (consumed); anything else is the error `expected`.
  enum class Step { kMore, kEnd, kError };
  Step AfterItem(char close, const char* expected) {
    pos_ = SkipWhitespace(text_, pos_);
    const int c = ByteAt(text_, pos_);
    if (c == ',') {
      pos_ = SkipWhitespace(text_, pos_ + 1);
      return Step::kMore;
    }
    if (c != close) {
      Error(expected);
      return Step::kError;
    }
    ++pos_;
    return Step::kEnd;
  }

  std::string_view text_;
  int max_depth_;
  std::size_t pos_ = 0;
  KeyStack keys_;
  std::vector<std::unique_ptr<std::string>> owned_;  // unescaped keys
};

}  // namespace

bool ValidateJson(std::string_view text, int max_depth, JsonValue* root, const char** why) {
  Validator validator(text, std::min(max_depth, kMaxJsonDepth));
  if (!validator.Run(root)) {
    *why = validator.why;
    return false;
  }
  return true;
}

bool JsonDepthWithin(std::string_view text, int max_depth) noexcept {
  const int limit = std::min(max_depth, kMaxJsonDepth);
  int depth = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"') {
      // Skip the string; a backslash escapes the next byte. An unterminated
      // string ends the scan (the parser refuses it).
      pos = SkipString(text, pos);
      continue;
    }
    if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    ++pos;
  }
  return true;
}

JsonMembers::JsonMembers(const JsonValue& object) noexcept
    : text_(object.kind == JsonKind::kObject ? object.text : std::string_view()), pos_(1) {}

bool JsonMembers::Next(std::string_view* raw_key, JsonValue* value) noexcept {
  pos_ = SkipWhitespace(text_, pos_);
  if (ByteAt(text_, pos_) == ',') pos_ = SkipWhitespace(text_, pos_ + 1);
  if (ByteAt(text_, pos_) != '"') return false;  // '}' or the end
  const std::size_t key_end = SkipString(text_, pos_);
  if (key_end < pos_ + 2) return false;
  *raw_key = text_.substr(pos_ + 1, key_end - pos_ - 2);
  pos_ = SkipWhitespace(text_, key_end);
  if (ByteAt(text_, pos_) != ':') return false;
  pos_ = SkipWhitespace(text_, pos_ + 1);
  const std::size_t start = pos_;
  pos_ = SkipValue(text_, pos_, &value->kind);
  value->text = text_.substr(start, pos_ - start);
  return true;
}

JsonElements::JsonElements(const JsonValue& array) noexcept
    : text_(array.kind == JsonKind::kArray ? array.text : std::string_view()), pos_(1) {}

bool JsonElements::Next(JsonValue* value) noexcept {
  pos_ = SkipWhitespace(text_, pos_);
  if (ByteAt(text_, pos_) == ',') pos_ = SkipWhitespace(text_, pos_ + 1);
  const int c = ByteAt(text_, pos_);
  if (c < 0 || c == ']') return false;
  const std::size_t start = pos_;
  pos_ = SkipValue(text_, pos_, &value->kind);
  value->text = text_.substr(start, pos_ - start);
  return true;
}

bool JsonKeyEquals(std::string_view raw_key, std::string_view name) {
  if (raw_key.find('\\') == std::string_view::npos) return raw_key == name;
  return DecodeRaw(raw_key) == name;
}

std::optional<JsonValue> FindMember(const JsonValue& object, std::string_view name) {
  JsonMembers members(object);
  std::string_view key;
  JsonValue value;
  while (members.Next(&key, &value)) {
    if (JsonKeyEquals(key, name)) return value;
  }
  return std::nullopt;
}

std::string DecodeJsonString(const JsonValue& value) {
  if (value.kind != JsonKind::kString || value.text.size() < 2) return std::string();
  const std::string_view raw = value.text.substr(1, value.text.size() - 2);
  if (raw.find('\\') == std::string_view::npos) return std::string(raw);
  return DecodeRaw(raw);
}

std::optional<std::int64_t> JsonInteger(const JsonValue& value) {
  if (value.kind != JsonKind::kNumber) return std::nullopt;
  const std::string_view text = value.text;
  if (text.find_first_of(".eE") != std::string_view::npos) return std::nullopt;
  const char* last = text.data() + text.size();
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), last, v);
  // Out of range (result_out_of_range) is refused, never wrapped.
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return v;
}

}  // namespace passkey::internal
