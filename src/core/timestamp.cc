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

namespace {

// ParseTime: "YYYY-MM-DDTHH:MM:SS[.fraction]" then the zone. `rfc3339`
// also admits a numeric offset ±HH:MM and lower-case t/z (RFC 3339 §5.6)
// and bounds the result to 1970-01-01T00:00:00Z ... 9999-12-31T23:59:59Z.
Result<UnixSeconds> ParseTime(std::string_view text, bool rfc3339) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const bool t_ok = text.size() > 10 && (text[10] == 'T' || (rfc3339 && text[10] == 't'));
  const bool shape = text.size() >= 20 && ReadDigits(text, 0, 4, &y) && text[4] == '-' &&
                     ReadDigits(text, 5, 2, &mo) && text[7] == '-' &&
                     ReadDigits(text, 8, 2, &d) && t_ok &&
                     ReadDigits(text, 11, 2, &h) && text[13] == ':' &&
                     ReadDigits(text, 14, 2, &mi) && text[16] == ':' &&
                     ReadDigits(text, 17, 2, &s);
  if (!shape) return internal::Fail(ErrorCode::kInvalidArgument, "not an ISO 8601 time");
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits_start) {
      return internal::Fail(ErrorCode::kInvalidArgument, "empty fraction of a second");
    }
  }
  std::int64_t offset = 0;
  if (pos + 1 == text.size() && (text[pos] == 'Z' || (rfc3339 && text[pos] == 'z'))) {
    // UTC
  } else if (rfc3339 && pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') &&
             text[pos + 3] == ':') {
    int off_h = 0, off_m = 0;
    if (!ReadDigits(text, pos + 1, 2, &off_h) || !ReadDigits(text, pos + 4, 2, &off_m) ||
        off_h > 23 || off_m > 59) {
      return internal::Fail(ErrorCode::kInvalidArgument, "bad UTC offset");
    }
    offset = (text[pos] == '+' ? 1 : -1) * (off_h * 3600 + off_m * 60);
  } else {
    return internal::Fail(ErrorCode::kInvalidArgument,
                          rfc3339 ? "time must end in Z or ±HH:MM" : "time must end in Z (UTC)");
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) {
    return internal::Fail(ErrorCode::kInvalidArgument, "time field out of range");
  }
  const sys_seconds tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
  const std::int64_t result = static_cast<std::int64_t>(tp.time_since_epoch().count()) - offset;
  // Four-digit years, from the epoch: what the record's timestamps hold.
  if (rfc3339 && (result < 0 || result > 253402300799)) {
    return internal::Fail(ErrorCode::kInvalidArgument, "time before 1970 or after 9999");
  }
  return static_cast<UnixSeconds>(result);
}

}  // namespace

Result<UnixSeconds> ParseTimestamp(std::string_view text) { return ParseTime(text, false); }

Result<UnixSeconds> ParseRfc3339Timestamp(std::string_view text) { return ParseTime(text, true); }

}  // namespace passkey
