// RedisServer: a throwaway redis-server for the tests (issue #18).
#ifndef PASSKEY_EXAMPLES_SERVER_TESTS_REDIS_FIXTURE_H_
#define PASSKEY_EXAMPLES_SERVER_TESTS_REDIS_FIXTURE_H_

#include <string>
#include <sys/types.h>

#include "store_test_util.h"

namespace passkey_server::test_util {

// RedisServer: /usr/bin/redis-server on 127.0.0.1 with a random free port
// (and a Unix socket), no persistence (--save "" --appendonly no), in its own
// temporary directory, as `nobody` (setpriv) when the tests run as root. It
// is killed by PID in the destructor, and by the kernel if the test process
// dies first (parent-death signal), so no exit path leaves it running.
class RedisServer {
 public:
  static constexpr const char* kBinary = "/usr/bin/redis-server";

  // Installed: whether redis-server exists; the skip reason otherwise.
  static bool Installed(std::string* reason);

  RedisServer() = default;
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Start runs the server and waits (up to 10 s) until it answers PING;
  // the first Start picks the port, later ones reuse it. false with the
  // reason (and the server's log) in error().
  bool Start();
  // Stop ends it (SIGTERM, SIGKILL after 5 s) and waits for it; true when
  // it was running and is gone.
  bool Stop();
  // Restart: Stop, then Start on the same port (its data is gone: no
  // persistence).
  bool Restart();
  // Pause / Resume: SIGSTOP / SIGCONT, a server that accepts connections
  // but never answers (for timeouts).
  bool Pause();
  bool Resume();

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  // Url: redis://127.0.0.1:PORT (database 0, no password).
  std::string Url() const;
  // SocketPath: the server's Unix socket.
  std::string SocketPath() const;
  const std::string& error() const { return error_; }

 private:
  bool Spawn();
  bool WaitForPing();
  std::string Log() const;
  // Reap: SIGKILL and wait; no-op when not running.
  void Kill();

  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool paused_ = false;
  std::string error_;
};

}  // namespace passkey_server::test_util

// REDIS_SERVER_OR_SKIP: starts `server`, skipping the test when redis-server
// is not installed and failing it when the server does not start.
#define REDIS_SERVER_OR_SKIP(server)                                                     \
  do {                                                                                   \
    std::string redis_skip_reason;                                                       \
    if (!::passkey_server::test_util::RedisServer::Installed(&redis_skip_reason))        \
      GTEST_SKIP() << redis_skip_reason;                                                 \
    ASSERT_TRUE((server).Start()) << (server).error();                                   \
  } while (false)

#endif  // PASSKEY_EXAMPLES_SERVER_TESTS_REDIS_FIXTURE_H_
