// Bounded CBOR reader: a decoded item's recorded span is exactly the bytes it
// consumed, and decoding that span alone gives the same length.
#include <algorithm>

#include "encoding/cbor_reader.h"
#include "fuzz_check.h"

namespace {

void CheckSpans(const passkey::internal::CborValue& value, passkey::ByteView input) {
  const auto encoded = value.encoded();
  FUZZ_CHECK(encoded.data() >= input.data());
  FUZZ_CHECK(encoded.data() + encoded.size() <= input.data() + input.size());
  for (const auto& item : value.array()) CheckSpans(item, input);
  for (const auto& [key, item] : value.map()) {
    FUZZ_CHECK(key.is_int() || key.is_text());
    CheckSpans(key, input);
    CheckSpans(item, input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const passkey::ByteView input(data, size);
  std::size_t consumed = 0;
  auto prefix = passkey::internal::DecodeCborPrefix(input, &consumed);
  auto whole = passkey::internal::DecodeCbor(input);
  if (!prefix.has_value()) {
    FUZZ_CHECK(!whole.has_value());
    return 0;
  }
  FUZZ_CHECK(consumed >= 1 && consumed <= size);
  FUZZ_CHECK(prefix->encoded().size() == consumed);
  FUZZ_CHECK(whole.has_value() == (consumed == size));
  CheckSpans(*prefix, input);
  auto again = passkey::internal::DecodeCbor(input.first(consumed));
  FUZZ_CHECK(again.has_value());
  return 0;
}
