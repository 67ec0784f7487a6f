#include "test_util.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace passkey::test {

namespace {
int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Bytes Hex(std::string_view hex) {
  Bytes out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n') continue;
    const int nibble = HexNibble(c);
    if (nibble < 0) {
      std::fprintf(stderr, "bad hex literal in test\n");
      std::abort();
    }
    if (high < 0) {
      high = nibble;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | nibble));
      high = -1;
    }
  }
  if (high >= 0) {
    std::fprintf(stderr, "odd-length hex literal in test\n");
    std::abort();
  }
  return out;
}

std::string ToHex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

Bytes CborHead(std::uint8_t major, std::uint64_t value) {
  const auto m = static_cast<std::uint8_t>(major << 5);
  Bytes out;
  if (value < 24) {
    out.push_back(static_cast<std::uint8_t>(m | value));
  } else if (value <= 0xff) {
    out = {static_cast<std::uint8_t>(m | 24), static_cast<std::uint8_t>(value)};
  } else if (value <= 0xffff) {
    out = {static_cast<std::uint8_t>(m | 25), static_cast<std::uint8_t>(value >> 8),
           static_cast<std::uint8_t>(value)};
  } else if (value <= 0xffffffff) {
    out.push_back(static_cast<std::uint8_t>(m | 26));
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
  } else {
    out.push_back(static_cast<std::uint8_t>(m | 27));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
  }
  return out;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string TestdataPath(std::string_view relative) {
  return std::string(PASSKEY_TESTDATA_DIR) + "/" + std::string(relative);
}

std::optional<std::string> SharedVectorsDir() {
  std::string dir;
  if (const char* env = std::getenv("PASSKEY_VECTORS_DIR"); env && *env) {
    dir = env;
  } else {
    dir = PASSKEY_SHARED_VECTORS_DIR;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
  return dir;
}

}  // namespace passkey::test
