// PostgresCluster: a throw-away PostgreSQL server for the tests, started
// from Debian's postgresql-15 binaries: initdb into a temporary directory,
// postgres on 127.0.0.1 and a free port, trust authentication for user
// "passkey", fsync off (the data is thrown away).
//
// PostgreSQL refuses to run as root: when the tests run as root (CI), initdb
// and postgres run as `nobody` (group of nobody's passwd entry) and the
// directory is given to it. The postmaster gets SIGQUIT (immediate
// shutdown) if the test process dies first (PR_SET_PDEATHSIG, set after the
// user change, which would clear it), so a crashed test leaves no server.
#ifndef PASSKEY_EXAMPLES_SERVER_TESTS_POSTGRES_CLUSTER_H_
#define PASSKEY_EXAMPLES_SERVER_TESTS_POSTGRES_CLUSTER_H_

#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace passkey_server::test_util {

class PostgresCluster {
 public:
  // BinDir: the directory of initdb and postgres ($PASSKEY_PG_BINDIR, else
  // the newest /usr/lib/postgresql/*/bin); empty when not installed.
  static std::string BinDir();

  // Start creates and starts a cluster; nullptr with *error (including the
  // server's log) when it does not come up within 60 s.
  static std::unique_ptr<PostgresCluster> Start(std::string* error);
  // The destructor stops the server (if running) and removes the directory.
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // Stop: fast shutdown (SIGINT), waits for the postmaster to exit; true
  // when it exited within 30 s (else it is killed).
  bool Stop();
  // Restart starts the stopped server again on the same port and data.
  bool Restart(std::string* error);

  int port() const { return port_; }
  // Url: the libpq URL of database `database` of this cluster.
  std::string Url(const std::string& database) const;
  // CreateDatabase: a new empty database; false with *error.
  bool CreateDatabase(const std::string& name, std::string* error) const;
  // Exec runs `sql` (no parameters) in database `database`; false with *error.
  bool Exec(const std::string& database, const std::string& sql, std::string* error) const;
  // Log: the server's log so far.
  std::string Log() const;

 private:
  PostgresCluster(std::string bin_dir, std::string dir);
  // Run: `args` as the cluster's user, output appended to the log; its pid
  // (or -1).
  pid_t Spawn(const std::vector<std::string>& args) const;
  bool Launch(std::string* error);

  std::string bin_dir_;
  std::string dir_;  // data in dir_/data, socket and log in dir_
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace passkey_server::test_util

#endif  // PASSKEY_EXAMPLES_SERVER_TESTS_POSTGRES_CLUSTER_H_
