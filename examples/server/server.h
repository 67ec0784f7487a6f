// The example server's HTTP API (see README.md): routes, sessions, the
// challenge store and the rate limiter, wired onto an httplib::Server.
#ifndef PASSKEY_EXAMPLES_SERVER_SERVER_H_
#define PASSKEY_EXAMPLES_SERVER_SERVER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <passkey/aaguid_catalog.h>

namespace httplib {
class Server;
}  // namespace httplib

namespace passkey_server {

class CredentialStore;
class StateStore;

// ServerConfig: the command-line flags.
struct ServerConfig {
  std::string db_path;  // --db, without the "sqlite:" prefix
  std::string db_url;   // --db postgresql://... (PostgreSQL instead of db_path)
  std::string rp_id;
  std::string rp_name = "Passkey example";
  std::vector<std::string> origins;
  std::string bind = "127.0.0.1";
  int port = 8080;
  unsigned rate_limit_per_minute = 60;  // 0 = no limit
  unsigned threads = 64;                // workers (--threads), 1..kMaxThreads
  std::string static_dir;
  // catalog: where a new passkey's provider name and icons come from;
  // nullopt = the library's embedded catalog (--catalog merges files over it).
  std::optional<passkey::AaguidCatalog> catalog;
  // state_url: --state; empty = this process's memory, else where Redis is
  // (redis://... or unix:PATH, checked by main.cc).
  std::string state_url;
};

// kMaxThreads: the most workers --threads may ask for.
inline constexpr unsigned kMaxThreads = 1024;
// kMaxBodyBytes: requests with a larger body get 413 payload_too_large.
// A registration response with a large attestation is well under this.
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;
// kStepUpSeconds: how long a step-up assertion counts as fresh.
inline constexpr std::int64_t kStepUpSeconds = 5 * 60;

// App: the routes of one server. It sees storage only through the two
// interfaces (stores.h); `credentials` and `state` must outlive it.
// config.rate_limit_per_minute is the state store's business (main.cc
// passes it on).
class App {
 public:
  App(ServerConfig config, CredentialStore& credentials, StateStore& state);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Install registers the routes, the static files, the logger and the
  // error handlers on `server`. False (with *error) when --static is not a
  // directory.
  bool Install(httplib::Server& server, std::string* error);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_SERVER_H_
