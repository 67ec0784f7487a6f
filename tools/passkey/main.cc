// main() of the `passkey` CLI: maps every outcome to exit 0, 1, 2 or 3.
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
  // the command exits 3 instead.
  std::signal(SIGPIPE, SIG_IGN);
  // A one-shot process need not tear OpenSSL down: OPENSSL_cleanup at exit
  // frees every provider, name map and method store one by one, ~6 % of a
  // cold `verify-authentication` (bench/cold.sh); the kernel reclaims the
  // memory anyway. Nothing else changes (the configuration still loads).
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
  const char* error_json = nullptr;
  try {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
      args.emplace_back(argv[i]);
    }
    return passkey::cli::Run(args, stdin, stdout, stderr);
  } catch (const std::bad_alloc&) {
    error_json = R"({"error": {"code": "internal_error", "message": "out of memory"}})";
  } catch (...) {
    error_json = R"({"error": {"code": "internal_error", "message": "unexpected exception"}})";
  }
  if (std::fputs(error_json, stdout) == EOF || std::fputc('\n', stdout) == EOF ||
      std::fflush(stdout) != 0) {
    std::fputs("passkey: cannot write to standard output\n", stderr);
    return passkey::cli::kExitOutput;
  }
  return passkey::cli::kExitRejected;
}
