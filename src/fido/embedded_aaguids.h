// The table compiled from fido/aaguids.json (fido/CMakeLists.txt generates
// its definition). Keys are lower-case UUID strings, checked at build time.
#ifndef PASSKEY_SRC_EMBEDDED_AAGUIDS_H_
#define PASSKEY_SRC_EMBEDDED_AAGUIDS_H_

#include <cstddef>

namespace passkey::internal {

struct EmbeddedAaguidEntry {
  const char* aaguid;      // "fbfc3007-154e-4ecc-8c0b-6e020557d7bd"
  const char* name;        // non-empty
  const char* icon_light;  // data: URL, or "" when the JSON has none
  const char* icon_dark;
};

extern const EmbeddedAaguidEntry kEmbeddedAaguids[];
extern const std::size_t kEmbeddedAaguidCount;

}  // namespace passkey::internal

#endif  // PASSKEY_SRC_EMBEDDED_AAGUIDS_H_
