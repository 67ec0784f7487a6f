// The `passkey` command-line tool: entry point shared by main() and tests.
#ifndef PASSKEY_TOOLS_PASSKEY_CLI_H_
#define PASSKEY_TOOLS_PASSKEY_CLI_H_

#include <cstdio>
#include <string>
#include <vector>

namespace passkey::cli {

// Exit codes of the contract: nothing else is ever returned.
inline constexpr int kExitOk = 0;        // verified / help printed
inline constexpr int kExitRejected = 1;  // stdout: {"error": {"code", "message"}}
inline constexpr int kExitUsage = 2;     // message on stderr
// kExitOutput: standard output could not be written (full disk, closed
// pipe), whatever the outcome was; the reason is on stderr. Not 1: a script
// must not read "rejected" into a result it never saw (issue #20).
inline constexpr int kExitOutput = 3;

// Run executes the command in `args` (argv without argv[0]), writing results
// to `out` and usage errors to `err`, and returns one of the exit codes above.
// May throw std::bad_alloc; main() maps any exception to kExitRejected (or
// kExitOutput when even that cannot be written).
int Run(const std::vector<std::string>& args, std::FILE* in, std::FILE* out, std::FILE* err);

}  // namespace passkey::cli

#endif  // PASSKEY_TOOLS_PASSKEY_CLI_H_
