// FUZZ_CHECK: an invariant the library promises; a violation aborts so
// libFuzzer (and the replay tests) report it.
#ifndef PASSKEY_FUZZ_FUZZ_CHECK_H_
#define PASSKEY_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#include <passkey/bytes.h>

#define FUZZ_CHECK(cond)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                        \
    }                                                                      \
  } while (false)

namespace passkey::fuzz {
inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);  // NOLINT
}
}  // namespace passkey::fuzz

#endif  // PASSKEY_FUZZ_FUZZ_CHECK_H_
