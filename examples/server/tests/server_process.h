// ServerProcess: the real passkey-server binary as a child process, for the
// HTTP tests (server_http_test.cc), the PostgreSQL flag tests
// (postgres_store_test.cc) and the multi-instance tests (scale_test.cc).
// Needs PASSKEY_SERVER_PATH. The child gets SIGKILL if the test process dies
// first (parent-death signal), so a killed test run leaves no server behind.
#ifndef PASSKEY_EXAMPLES_SERVER_TESTS_SERVER_PROCESS_H_
#define PASSKEY_EXAMPLES_SERVER_TESTS_SERVER_PROCESS_H_

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <sys/prctl.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace passkey_server::test_util {

// The RP the server is started for.
inline constexpr const char* kServerOrigin = "http://localhost:8080";
inline constexpr const char* kServerRpId = "localhost";

// ServerProcess: one passkey-server child with its own temporary directory.
class ServerProcess {
 public:
  // Start runs the server with --port 0 and waits for "listening on".
  // `dir` holds the database; it is reused when the same dir is passed again.
  // `extra` flags follow the defaults: a later --db replaces the SQLite file.
  static std::unique_ptr<ServerProcess> Start(const std::string& dir,
                                              std::vector<std::string> extra = {}) {
    auto server = std::unique_ptr<ServerProcess>(new ServerProcess(dir));
    if (!server->Spawn(std::move(extra)))
      return nullptr;
    return server;
  }

  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_fd_ >= 0)
      close(stdout_fd_);
  }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Running: the child has not exited (it is reaped when it has).
  bool Running() {
    if (pid_ <= 0)
      return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }

  // Kill: SIGKILL, as a crash or an OOM kill would end it; reaped.
  void Kill() {
    if (pid_ <= 0)
      return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // Stop sends SIGTERM and returns the exit status (-1 when it did not exit
  // normally within 20 s).
  int Stop() {
    if (pid_ <= 0)
      return -1;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 2000; ++i) {
      int status = 0;
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

  std::string Log() const {
    std::ifstream file(dir_ + "/server.log");
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

 private:
  explicit ServerProcess(std::string dir) : dir_(std::move(dir)) {}

  bool Spawn(std::vector<std::string> extra) {
    std::vector<std::string> args = {PASSKEY_SERVER_PATH, "--db",      dir_ + "/passkeys.db",
                                     "--rp-id",           kServerRpId, "--origin",
                                     kServerOrigin,       "--port",    "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    int out[2];
    if (pipe(out) != 0)
      return false;
    const std::string log = dir_ + "/server.log";
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent)
        _exit(125);  // the test process is already gone
      dup2(out[1], STDOUT_FILENO);
      const int err = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (err >= 0)
        dup2(err, STDERR_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<char*> argv;
      for (std::string& arg : args)
        argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_fd_ = out[0];
    if (pid_ < 0)
      return false;
    // Read "listening on http://127.0.0.1:PORT\n" (ASan builds start slowly).
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd fd{stdout_fd_, POLLIN, 0};
      if (poll(&fd, 1, 100) <= 0)
        continue;
      char buffer[256];
      const ssize_t n = read(stdout_fd_, buffer, sizeof(buffer));
      if (n <= 0)
        break;
      line.append(buffer, static_cast<std::size_t>(n));
    }
    const std::string prefix = "listening on http://127.0.0.1:";
    if (line.rfind(prefix, 0) != 0)
      return false;
    port_ = std::stoi(line.substr(prefix.size()));
    return port_ > 0;
  }

  std::string dir_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
};

}  // namespace passkey_server::test_util

#endif  // PASSKEY_EXAMPLES_SERVER_TESTS_SERVER_PROCESS_H_
