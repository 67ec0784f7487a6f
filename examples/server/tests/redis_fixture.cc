#include "redis_fixture.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <pwd.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <hiredis/hiredis.h>

namespace passkey_server::test_util {
namespace {

constexpr const char* kSetpriv = "/usr/bin/setpriv";
constexpr const char* kUnprivilegedUser = "nobody";

// FreePort: a port the kernel just handed out on 127.0.0.1 (closed again, so
// another process could take it first: Start retries with a new one).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// Pong: whether a server on `port` answers PING now.
bool Pong(int port) {
  timeval timeout{0, 200 * 1000};
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port, timeout);
  if (context == nullptr)
    return false;
  bool ok = false;
  if (context->err == 0 && redisSetTimeout(context, timeout) == REDIS_OK) {
    auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
    ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS &&
         std::string(reply->str, reply->len) == "PONG";
    if (reply != nullptr)
      freeReplyObject(reply);
  }
  redisFree(context);
  return ok;
}

}  // namespace

bool RedisServer::Installed(std::string* reason) {
  if (access(kBinary, X_OK) == 0)
    return true;
  *reason = std::string(kBinary) + " is not installed (apt-get install redis-server, or run " +
            "tools/install-deps.sh)";
  return false;
}

RedisServer::~RedisServer() {
  Kill();
}

std::string RedisServer::Url() const {
  return "redis://127.0.0.1:" + std::to_string(port_);
}

std::string RedisServer::SocketPath() const {
  return dir_.File("redis.sock");
}

std::string RedisServer::Log() const {
  std::ifstream file(dir_.File("redis.log"));
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

void RedisServer::Kill() {
  if (pid_ <= 0)
    return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  paused_ = false;
}

bool RedisServer::Start() {
  if (pid_ > 0)
    return true;
  if (dir_.path().empty()) {
    error_ = "cannot create a temporary directory";
    return false;
  }
  // A port picked here may be taken by someone else before redis-server
  // binds it: try a few. A restart keeps its port (clients reconnect to it).
  const bool fixed_port = port_ != 0;
  for (int attempt = 0; attempt < (fixed_port ? 1 : 3); ++attempt) {
    if (!fixed_port)
      port_ = FreePort();
    if (port_ == 0) {
      error_ = "no free port";
      return false;
    }
    if (Spawn() && WaitForPing())
      return true;
    Kill();
  }
  return false;
}

bool RedisServer::Spawn() {
  const bool root = geteuid() == 0;
  if (root) {
    // The server runs as nobody: its directory must be nobody's.
    const passwd* user = getpwnam(kUnprivilegedUser);
    if (user == nullptr || chown(dir_.path().c_str(), user->pw_uid, user->pw_gid) != 0) {
      error_ = "cannot hand the temporary directory to nobody";
      return false;
    }
  }
  std::vector<std::string> args;
  if (root) {
    args = {kSetpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            "--pdeathsig", "KILL", "--"};
  }
  const std::vector<std::string> redis = {kBinary,
                                          "--port", std::to_string(port_),
                                          "--bind", "127.0.0.1",
                                          "--unixsocket", SocketPath(),
                                          "--unixsocketperm", "700",
                                          "--save", "",
                                          "--appendonly", "no",
                                          "--dir", dir_.path(),
                                          "--daemonize", "no",
                                          "--logfile", ""};
  args.insert(args.end(), redis.begin(), redis.end());
  const std::string log = dir_.File("redis.log");
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) {
    error_ = "fork failed";
    return false;
  }
  if (pid_ == 0) {
    // Killed with the test process however it ends (setpriv sets the same
    // signal again after dropping root, which clears it).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(127);
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (out >= 0) {
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (std::string& arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return true;
}

bool RedisServer::WaitForPing() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "redis-server exited at start-up:\n" + Log();
      return false;
    }
    if (Pong(port_))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_ = "redis-server did not answer PING within 10 s:\n" + Log();
  return false;
}

bool RedisServer::Stop() {
  if (pid_ <= 0)
    return false;
  if (paused_)
    Resume();
  kill(pid_, SIGTERM);
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Kill();
  return true;
}

bool RedisServer::Restart() {
  Stop();
  return Start();
}

bool RedisServer::Pause() {
  if (pid_ <= 0 || kill(pid_, SIGSTOP) != 0)
    return false;
  paused_ = true;
  return true;
}

bool RedisServer::Resume() {
  if (pid_ <= 0 || kill(pid_, SIGCONT) != 0)
    return false;
  paused_ = false;
  return true;
}

}  // namespace passkey_server::test_util
