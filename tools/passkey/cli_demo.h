// `passkey demo`: a full round trip against the software authenticator.
#ifndef PASSKEY_TOOLS_PASSKEY_CLI_DEMO_H_
#define PASSKEY_TOOLS_PASSKEY_CLI_DEMO_H_

#include <cstdio>
#include <string>
#include <vector>

#include "cli_io.h"

namespace passkey::cli {

// RunDemo registers an ES256 credential with the software authenticator,
// signs in twice, then checks that a tampered assertion is rejected with
// signature_invalid. Prints each step to `out`; exit 0 only when all four
// outcomes are as expected (1 otherwise, 2 for a usage error, 3 when stdout
// cannot be written).
int RunDemo(const std::vector<std::string>& args, const CommandIo& io);

}  // namespace passkey::cli

#endif  // PASSKEY_TOOLS_PASSKEY_CLI_DEMO_H_
