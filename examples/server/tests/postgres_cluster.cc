#include "postgres_cluster.h"

#include <arpa/inet.h>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace passkey_server::test_util {
namespace {

// FreePort: a TCP port of 127.0.0.1 nobody listened on a moment ago.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), size) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// Wait: the exit status of `pid` once it exits within `timeout`; -1 when
// it did not exit normally, -2 when it is still running.
int Wait(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (done < 0 || std::chrono::steady_clock::now() >= deadline)
      return -2;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// ConnectionDeleter: closes a libpq connection on scope exit.
struct ConnectionDeleter {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};

}  // namespace

std::string PostgresCluster::BinDir() {
  if (const char* env = std::getenv("PASSKEY_PG_BINDIR"); env != nullptr && *env != '\0')
    return std::filesystem::exists(std::string(env) + "/postgres") ? env : "";
  std::error_code ec;
  std::string best;
  int best_version = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string bin = entry.path().string() + "/bin";
    const int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version && std::filesystem::exists(bin + "/postgres") &&
        std::filesystem::exists(bin + "/initdb")) {
      best = bin;
      best_version = version;
    }
  }
  return best;
}

PostgresCluster::PostgresCluster(std::string bin_dir, std::string dir)
    : bin_dir_(std::move(bin_dir)), dir_(std::move(dir)) {}

PostgresCluster::~PostgresCluster() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

pid_t PostgresCluster::Spawn(const std::vector<std::string>& args) const {
  // Looked up before fork: getpwnam is not async-signal-safe.
  const passwd* nobody = geteuid() == 0 ? getpwnam("nobody") : nullptr;
  const uid_t uid = nobody != nullptr ? nobody->pw_uid : 0;
  const gid_t gid = nobody != nullptr ? nobody->pw_gid : 0;
  const bool drop = nobody != nullptr;
  const std::string log = dir_ + "/postgres.log";
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (std::string& arg : copy)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0)
    return pid;
  const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (out >= 0) {
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
  }
  if (drop && (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0))
    _exit(126);
  // After the user change (which clears it); SIGQUIT = immediate shutdown.
  prctl(PR_SET_PDEATHSIG, SIGQUIT);
  if (getppid() != parent)
    _exit(125);  // the test process is already gone
  execv(argv[0], argv.data());
  _exit(127);
}

std::unique_ptr<PostgresCluster> PostgresCluster::Start(std::string* error) {
  const std::string bin_dir = BinDir();
  if (bin_dir.empty()) {
    *error = "PostgreSQL binaries not found";
    return nullptr;
  }
  // As root the directory is nobody's, so every directory above it must be
  // searchable by nobody: /tmp is, a $TMPDIR such as /root/tmp may not be.
  const std::filesystem::path parent =
      geteuid() == 0 ? std::filesystem::path("/tmp") : std::filesystem::temp_directory_path();
  std::string pattern = (parent / "passkey-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    *error = "mkdtemp failed";
    return nullptr;
  }
  std::unique_ptr<PostgresCluster> cluster(new PostgresCluster(bin_dir, pattern));
  if (geteuid() == 0) {
    const passwd* nobody = getpwnam("nobody");
    if (nobody == nullptr || chown(pattern.c_str(), nobody->pw_uid, nobody->pw_gid) != 0) {
      *error = "cannot give " + pattern + " to nobody";
      return nullptr;
    }
  }
  const pid_t initdb =
      cluster->Spawn({bin_dir + "/initdb", "-D", pattern + "/data", "-U", "passkey", "--auth=trust",
                      "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"});
  if (initdb < 0 || Wait(initdb, std::chrono::seconds(120)) != 0) {
    *error = "initdb failed:\n" + cluster->Log();
    return nullptr;
  }
  if (!cluster->Launch(error))
    return nullptr;
  return cluster;
}

bool PostgresCluster::Launch(std::string* error) {
  // A free port can be taken between FreePort and postgres' bind: try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (port_ == 0 || attempt > 0)
      port_ = FreePort();
    pid_ =
        Spawn({bin_dir_ + "/postgres", "-D", dir_ + "/data", "-p", std::to_string(port_), "-k",
               dir_, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
               "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=60"});
    if (pid_ < 0)
      break;
    const std::string ping = "host=127.0.0.1 port=" + std::to_string(port_) +
                             " user=passkey dbname=postgres connect_timeout=2";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (PQping(ping.c_str()) == PQPING_OK)
        return true;
      if (Wait(pid_, std::chrono::milliseconds(0)) != -2) {
        pid_ = -1;  // exited (e.g. the port was taken)
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (pid_ > 0) {
      Stop();
      break;  // running but not answering: do not try again
    }
  }
  *error = "postgres did not start:\n" + Log();
  return false;
}

bool PostgresCluster::Stop() {
  if (pid_ <= 0)
    return true;
  kill(pid_, SIGINT);  // fast shutdown: disconnects clients, then exits
  bool stopped = Wait(pid_, std::chrono::seconds(30)) != -2;
  if (!stopped) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
  return stopped;
}

bool PostgresCluster::Restart(std::string* error) {
  if (pid_ > 0) {
    *error = "already running";
    return false;
  }
  return Launch(error);
}

std::string PostgresCluster::Url(const std::string& database) const {
  return "postgresql://passkey@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

bool PostgresCluster::Exec(const std::string& database, const std::string& sql,
                           std::string* error) const {
  std::unique_ptr<PGconn, ConnectionDeleter> conn(PQconnectdb(Url(database).c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    *error = PQerrorMessage(conn.get());
    return false;
  }
  PGresult* result = PQexec(conn.get(), sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  if (!ok)
    *error = PQresultErrorMessage(result);
  PQclear(result);
  return ok;
}

bool PostgresCluster::CreateDatabase(const std::string& name, std::string* error) const {
  return Exec("postgres", "CREATE DATABASE " + name, error);
}

std::string PostgresCluster::Log() const {
  std::ifstream file(dir_ + "/postgres.log");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace passkey_server::test_util
