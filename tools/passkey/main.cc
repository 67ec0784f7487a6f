// main() of the `passkey` CLI: maps every outcome to exit 0, 1 or 2.
#include <csignal>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include <openssl/crypto.h>

#include "cli.h"

int main(int argc, char** argv) {
  // A closed stdout must not kill the process with SIGPIPE: writes fail and
  // the command exits 1 instead.
  std::signal(SIGPIPE, SIG_IGN);
  // A one-shot process need not tear OpenSSL down: OPENSSL_cleanup at exit
  // frees every provider, name map and method store one by one, ~6 % of a
  // cold `verify-authentication` (bench/cold.sh); the kernel reclaims the
  // memory anyway. Nothing else changes (the configuration still loads).
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
  try {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
      args.emplace_back(argv[i]);
    }
    return passkey::cli::Run(args, stdin, stdout, stderr);
  } catch (const std::bad_alloc&) {
    std::fputs(
        "{\"error\": {\"code\": \"internal_error\", \"message\": \"out of "
        "memory\"}}\n",
        stdout);
  } catch (...) {
    std::fputs(
        "{\"error\": {\"code\": \"internal_error\", \"message\": \"unexpected "
        "exception\"}}\n",
        stdout);
  }
  std::fflush(stdout);
  return passkey::cli::kExitRejected;
}
