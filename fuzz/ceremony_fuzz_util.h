// Shared set-up of the ceremony fuzzers: fixed RP options, and client data
// that is either fuzzed bytes or a valid clientDataJSON for those options (so
// the fuzzer gets past the client-data checks into the binary structures).
#ifndef PASSKEY_FUZZ_CEREMONY_FUZZ_UTIL_H_
#define PASSKEY_FUZZ_CEREMONY_FUZZ_UTIL_H_

#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include <passkey/passkey.h>

namespace passkey::fuzz {

inline constexpr char kRpId[] = "example.org";
inline constexpr char kOrigin[] = "https://example.org";

inline Bytes Challenge() { return Bytes(32, 0x5a); }

inline RelyingParty FuzzRelyingParty() {
  RelyingParty rp;
  rp.ids = {kRpId};
  rp.origins = {kOrigin};
  return rp;
}

// ClientDataJson: one byte picks a valid document of `type` or fuzzed bytes.
inline Bytes ClientDataJson(FuzzedDataProvider& provider, const char* type) {
  if (provider.ConsumeBool()) {
    const std::string json = std::string("{\"type\":\"") + type + "\",\"challenge\":\"" +
                             Base64UrlEncode(Challenge()) + "\",\"origin\":\"" + kOrigin + "\"}";
    return Bytes(json.begin(), json.end());
  }
  return provider.ConsumeBytes<std::uint8_t>(provider.ConsumeIntegralInRange<std::size_t>(0, 512));
}

}  // namespace passkey::fuzz

#endif  // PASSKEY_FUZZ_CEREMONY_FUZZ_UTIL_H_
