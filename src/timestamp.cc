#include <chrono>
#include <cstdio>
#include <string>

#include <passkey/options.h>

#include "internal/result_macros.h"

namespace passkey {
namespace {

bool ReadDigits(std::string_view text, std::size_t pos, std::size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

std::string FormatTimestamp(UnixSeconds time) {
  using namespace std::chrono;
  const sys_seconds tp{seconds{time}};
  const sys_days day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02dZ", int{ymd.year()},
                unsigned{ymd.month()}, unsigned{ymd.day()}, static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buffer;
}

Result<UnixSeconds> ParseTimestamp(std::string_view text) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const bool shape = text.size() >= 20 && ReadDigits(text, 0, 4, &y) && text[4] == '-' &&
                     ReadDigits(text, 5, 2, &mo) && text[7] == '-' &&
                     ReadDigits(text, 8, 2, &d) && text[10] == 'T' &&
                     ReadDigits(text, 11, 2, &h) && text[13] == ':' &&
                     ReadDigits(text, 14, 2, &mi) && text[16] == ':' &&
                     ReadDigits(text, 17, 2, &s);
  if (!shape) return internal::Fail(ErrorCode::kInvalidArgument, "not an ISO 8601 UTC time");
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits_start) {
      return internal::Fail(ErrorCode::kInvalidArgument, "empty fraction of a second");
    }
  }
  if (pos + 1 != text.size() || text[pos] != 'Z') {
    return internal::Fail(ErrorCode::kInvalidArgument, "time must end in Z (UTC)");
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) {
    return internal::Fail(ErrorCode::kInvalidArgument, "time field out of range");
  }
  const sys_seconds tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
  return static_cast<UnixSeconds>(tp.time_since_epoch().count());
}

}  // namespace passkey
