// Input and output helpers of the `passkey` CLI.
#ifndef PASSKEY_TOOLS_PASSKEY_CLI_IO_H_
#define PASSKEY_TOOLS_PASSKEY_CLI_IO_H_

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include <passkey/result.h>

namespace passkey::cli {

// kMaxInputBytes: the most the CLI reads from a response or record file (or
// stdin). Real responses are a few KiB; the library caps each structure far
// below this.
inline constexpr std::size_t kMaxInputBytes = 1024 * 1024;

enum class ReadStatus { kOk, kTooLarge, kIoError };

// ReadCapped reads `file` to its end into `*out`, stopping with kTooLarge as
// soon as more than `cap` bytes arrive (so /dev/zero cannot hang it).
ReadStatus ReadCapped(std::FILE* file, std::size_t cap, std::string* out);

// ReadPathCapped opens `path` ("-" = `stdin_file`) and calls ReadCapped. On
// kIoError `*why` says what failed (for the usage message).
ReadStatus ReadPathCapped(const std::string& path, std::FILE* stdin_file, std::size_t cap,
                          std::string* out, std::string* why);

// ErrorJson returns {"error": {"code": "<name>", "message": "..."}} (one
// line, no trailing newline). Invalid UTF-8 in the message is replaced.
std::string ErrorJson(ErrorCode code, std::string_view message);

// WriteLine writes `text` and a newline to `out` and flushes. False when the
// stream reports an error.
bool WriteLine(std::FILE* out, std::string_view text);

}  // namespace passkey::cli

#endif  // PASSKEY_TOOLS_PASSKEY_CLI_IO_H_
