// Input and output helpers of the `passkey` CLI.
#ifndef PASSKEY_TOOLS_PASSKEY_CLI_IO_H_
#define PASSKEY_TOOLS_PASSKEY_CLI_IO_H_

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include <passkey/result.h>

#include "cli.h"

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
// line, no trailing newline). Invalid UTF-8 in the message is replaced. The
// string form is for codes that are not ErrorCodes (`authenticator`'s).
std::string ErrorJson(ErrorCode code, std::string_view message);
std::string ErrorJson(std::string_view code_name, std::string_view message);

// WriteLine writes `text` and a newline to `out` and flushes. False when the
// stream reports an error (errno then says why).
bool WriteLine(std::FILE* out, std::string_view text);

// CommandIo: the standard streams of one command and its name, which starts
// every line it writes to stderr ("passkey options registration: ..."), so
// a command's messages all carry the same prefix. Every write to stdout goes
// through Print, so a failed write is always kExitOutput.
struct CommandIo {
  std::string name;  // "passkey verify-registration", "passkey mds verify", ...
  std::FILE* in;
  std::FILE* out;
  std::FILE* err;

  // Usage writes "<name>: <message>" and "Try '<name> --help'." to stderr
  // and returns kExitUsage.
  int Usage(std::string_view message) const;
  // Note writes "<name>: <message>" to stderr (no exit code implied).
  void Note(std::string_view message) const;
  // Print writes `text` and a newline to stdout and returns `code`; when the
  // write fails it says why on stderr and returns kExitOutput instead.
  int Print(std::string_view text, int code) const;
  // Succeed / Reject / Help: Print of a result (exit 0), of
  // {"error": {...}} (exit 1), of a --help text (exit 0).
  int Succeed(std::string_view text) const;
  int Reject(ErrorCode code, std::string_view message) const;
  int Reject(const Error& error) const;
  int Help(std::string_view text) const;
  // Read is ReadPathCapped on `path` ("-" = `in`). When that means reading
  // a terminal, it first says on stderr that it waits for `what` there:
  // otherwise a forgotten --response looks like a hang.
  ReadStatus Read(const std::string& path, std::string_view what, std::size_t cap,
                  std::string* text, std::string* why) const;
};

}  // namespace passkey::cli

#endif  // PASSKEY_TOOLS_PASSKEY_CLI_IO_H_
