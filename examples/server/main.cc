// passkey-server: the example auth server (see README.md).
//
//   passkey-server --db [sqlite:]FILE|postgresql://... --rp-id ID --origin URL [--origin URL ...]
//                  [--state memory|redis://...] [--port N] [--bind ADDR] [--rp-name NAME]
//                  [--rate-limit N_PER_MINUTE] [--threads N] [--static DIR]
//                  [--catalog FILE ...] [--help]
//
// Shutdown: SIGTERM and SIGINT are blocked in every thread and collected by
// one watcher thread with sigwait(), which then calls httplib's stop() from
// ordinary (not signal-handler) context. listen returns once in-flight
// requests finish; the database closes as main returns; exit status 0.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <httplib.h>
#include <memory>
#include <optional>
#include <pthread.h>
#include <signal.h>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <passkey/aaguid_catalog.h>
#include <passkey/options.h>
#include <passkey/result.h>

#include "http_server.h"
#include "memory_state_store.h"
#ifdef PASSKEY_SERVER_WITH_POSTGRES
#include "postgres_credential_store.h"
#endif
#include "server.h"
#include "sqlite_credential_store.h"
#ifdef PASSKEY_SERVER_HAVE_REDIS
#include "redis_state_store.h"
#endif

namespace {

#ifndef PASSKEY_SERVER_STATIC_DIR
#define PASSKEY_SERVER_STATIC_DIR "static"
#endif

constexpr const char* kUsage =
    "usage: passkey-server --db [sqlite:]FILE|postgresql://... --rp-id ID --origin URL\n"
    "                      [--origin URL ...] [--state memory|URL] [--port N] [--bind ADDR]\n"
    "                      [--rp-name NAME] [--rate-limit N_PER_MINUTE] [--threads N]\n"
    "                      [--static DIR] [--catalog FILE ...] [--help]\n"
    "\n"
    "  --db [sqlite:]FILE SQLite database of users and passkeys (created and migrated\n"
    "                     when needed)\n"
    "  --db postgresql://USER@HOST:PORT/DB  the same in PostgreSQL (a libpq URL), shared\n"
    "                     by every server given it (when built with libpq)\n"
    "  --state memory     where challenges, sessions and rate limits live (default: this\n"
    "                     process's memory, for one process only)\n"
#ifdef PASSKEY_SERVER_HAVE_REDIS
    "  --state redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] | unix:PATH\n"
    "                     ... or a Redis (>= 6.2) shared by every instance behind a load\n"
    "                     balancer; while it is down, requests that need it get 503\n"
#else
    "                     (redis://... is not built in this version: needs libhiredis-dev)\n"
#endif
    "  --rp-id ID         WebAuthn RP ID, e.g. localhost or example.com\n"
    "  --origin URL       an origin the page is served from, e.g. http://localhost:8080\n"
    "                     (repeatable; compared exactly with clientDataJSON.origin)\n"
    "  --port N           TCP port (default 8080; 0 picks a free port)\n"
    "  --bind ADDR        address to listen on (default 127.0.0.1)\n"
    "  --rp-name NAME     rp.name shown by the browser (default \"Passkey example\")\n"
    "  --rate-limit N     verify requests per minute per client IP (default 60; 0 = off)\n"
    "  --threads N        worker threads, one connection each (default 64; 1..1024); an\n"
    "                     idle keep-alive connection gives its worker up to a waiting one\n"
    "  --static DIR       directory of the page (default: the source tree's static/)\n"
    "  --catalog FILE     AAGUID catalog in the community format ({aaguid: {name, icon_light,\n"
    "                     icon_dark}}) merged over the embedded one (repeatable; later wins)\n"
    "\n"
    "Prints \"listening on http://ADDR:PORT\" once it accepts connections, then one line\n"
    "per request on stderr (METHOD PATH STATUS ms). SIGTERM/SIGINT stop it (exit 0).\n";

bool ParseUnsigned(std::string_view text, unsigned max, unsigned* out) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty() || value > max)
    return false;
  *out = value;
  return true;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// ParseDb: --db sqlite:FILE or FILE (the SQLite store, as before issue #18),
// or a PostgreSQL URL (refused when built without libpq; the URL is never
// echoed: it may hold a password). 0 or 2 (usage error printed).
int ParseDb(std::string_view value, passkey_server::ServerConfig* config) {
  if (StartsWith(value, "postgresql://") || StartsWith(value, "postgres://")) {
#ifdef PASSKEY_SERVER_WITH_POSTGRES
    config->db_path.clear();
    config->db_url = std::string(value);
    return 0;
#else
    std::fprintf(stderr, "passkey-server: --db postgresql: not built in this version\n");
    return 2;
#endif
  }
  constexpr std::string_view kSqlite = "sqlite:";
  if (StartsWith(value, kSqlite))
    value.remove_prefix(kSqlite.size());
  if (value.empty()) {
    std::fprintf(stderr, "passkey-server: --db needs a file name\n");
    return 2;
  }
  config->db_path = std::string(value);
  config->db_url.clear();  // the last --db wins
  return 0;
}

// ParseState: --state memory (the default), or a Redis URL when built with
// hiredis (the URL is not echoed: it may hold a password). 0 or 2 (usage
// error printed).
int ParseState(std::string_view value, passkey_server::ServerConfig* config) {
  if (value == "memory") {
    config->state_url.clear();
    return 0;
  }
  if (StartsWith(value, "rediss://")) {
    std::fprintf(stderr, "passkey-server: --state rediss:// (TLS) is not supported\n");
    return 2;
  }
  if (StartsWith(value, "redis://") || StartsWith(value, "unix:")) {
#ifdef PASSKEY_SERVER_HAVE_REDIS
    std::string error;
    if (!passkey_server::ParseRedisUrl(value, &error).has_value()) {
      std::fprintf(stderr, "passkey-server: --state: %s\n", error.c_str());
      return 2;
    }
    config->state_url = std::string(value);
    return 0;
#else
    std::fprintf(stderr, "passkey-server: --state redis: not built in this version\n");
    return 2;
#endif
  }
  std::fprintf(stderr, "passkey-server: --state must be memory or a redis:// URL\n");
  return 2;
}

// OpenState: the StateStore --state asks for. A Redis store must answer
// PING before the server starts; nullptr (the reason in *error) otherwise.
std::unique_ptr<passkey_server::StateStore> OpenState(const passkey_server::ServerConfig& config,
                                                      std::string* error) {
#ifdef PASSKEY_SERVER_HAVE_REDIS
  if (!config.state_url.empty()) {
    std::optional<passkey_server::RedisAddress> address =
        passkey_server::ParseRedisUrl(config.state_url, error);
    if (!address.has_value())
      return nullptr;  // ParseState accepted it already
    passkey_server::RedisStateStore::Options options;
    options.address = std::move(*address);
    options.rate_limit_per_minute = config.rate_limit_per_minute;
    // Enough connections that the workers seldom wait for one.
    options.pool_size = std::min(config.threads, 32u);
    auto redis = std::make_unique<passkey_server::RedisStateStore>(std::move(options));
    if (!redis->Ping(error).has_value())
      return nullptr;
    return redis;
  }
#else
  (void)error;
#endif
  passkey_server::MemoryStateStore::Options options;
  options.rate_limit_per_minute = config.rate_limit_per_minute;
  return std::make_unique<passkey_server::MemoryStateStore>(options);
}

// ParseFlags: 0 = run, 1 = --help printed, 2 = usage error printed.
int ParseFlags(int argc, char** argv, passkey_server::ServerConfig* config) {
  config->static_dir = PASSKEY_SERVER_STATIC_DIR;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    std::optional<std::string_view> value;
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 1;
    }
    // --flag=value or --flag value (a value may begin with '-').
    if (const std::size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != flag.npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[i + 1];
    }
    auto take = [&]() -> std::optional<std::string> {
      if (!value.has_value())
        return std::nullopt;
      if (args[i] == flag)
        ++i;  // the value was the next argument
      return std::string(*value);
    };
    std::optional<std::string> text;
    if (flag != "--db" && flag != "--rp-id" && flag != "--origin" && flag != "--port" &&
        flag != "--bind" && flag != "--rp-name" && flag != "--rate-limit" && flag != "--static" &&
        flag != "--catalog" && flag != "--threads" && flag != "--state") {
      std::fprintf(stderr, "passkey-server: unknown argument %.*s\n%s",
                   static_cast<int>(flag.size()), flag.data(), kUsage);
      return 2;
    }
    text = take();
    if (!text.has_value()) {
      std::fprintf(stderr, "passkey-server: %.*s needs a value\n", static_cast<int>(flag.size()),
                   flag.data());
      return 2;
    }
    if (flag == "--db") {
      if (int rc = ParseDb(*text, config); rc != 0)
        return rc;
    } else if (flag == "--state") {
      if (int rc = ParseState(*text, config); rc != 0)
        return rc;
    } else if (flag == "--rp-id") {
      config->rp_id = *text;
    } else if (flag == "--origin") {
      config->origins.push_back(*text);
    } else if (flag == "--bind") {
      config->bind = *text;
    } else if (flag == "--rp-name") {
      config->rp_name = *text;
    } else if (flag == "--static") {
      config->static_dir = *text;
    } else if (flag == "--catalog") {
      std::ifstream file(*text, std::ios::binary);
      std::stringstream content;
      content << file.rdbuf();
      if (!file) {
        std::fprintf(stderr, "passkey-server: cannot read --catalog %s\n", text->c_str());
        return 2;
      }
      auto catalog = passkey::AaguidCatalog::FromJson(content.str());
      if (!catalog.has_value()) {
        std::fprintf(stderr, "passkey-server: --catalog %s: %s: %s\n", text->c_str(),
                     std::string(passkey::ErrorCodeName(catalog.error().code)).c_str(),
                     catalog.error().message.c_str());
        return 2;
      }
      if (!config->catalog.has_value())
        config->catalog = passkey::AaguidCatalog::Embedded();
      config->catalog->Merge(*catalog);
    } else if (flag == "--port") {
      unsigned port = 0;
      if (!ParseUnsigned(*text, 65535, &port)) {
        std::fprintf(stderr, "passkey-server: --port must be 0..65535\n");
        return 2;
      }
      config->port = static_cast<int>(port);
    } else if (flag == "--rate-limit") {
      if (!ParseUnsigned(*text, 1000000, &config->rate_limit_per_minute)) {
        std::fprintf(stderr, "passkey-server: --rate-limit must be 0..1000000\n");
        return 2;
      }
    } else if (flag == "--threads") {
      if (!ParseUnsigned(*text, passkey_server::kMaxThreads, &config->threads) ||
          config->threads == 0) {
        std::fprintf(stderr, "passkey-server: --threads must be 1..%u\n",
                     passkey_server::kMaxThreads);
        return 2;
      }
    }
  }
  if ((config->db_path.empty() && config->db_url.empty()) || config->rp_id.empty() ||
      config->origins.empty()) {
    std::fprintf(stderr, "passkey-server: --db, --rp-id and --origin are required\n%s", kUsage);
    return 2;
  }
  // A bad RP ID or origin would reject every sign-in: refuse to start.
  passkey::RelyingParty rp;
  rp.ids = {config->rp_id};
  rp.origins = config->origins;
  if (const passkey::Status valid = passkey::ValidateRelyingParty(rp); !valid.has_value()) {
    std::fprintf(stderr, "passkey-server: %s\n", valid.error().message.c_str());
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  passkey_server::ServerConfig config;
  if (int rc = ParseFlags(argc, argv, &config); rc != 0)
    return rc == 1 ? 0 : 2;

  // Block the shutdown signals before any thread exists, so every thread
  // (httplib's workers included) inherits the mask and only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);  // main → watcher: "listen has returned"
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A client that disconnects mid-response must not kill the process.
  signal(SIGPIPE, SIG_IGN);

  std::string error;
  std::unique_ptr<passkey_server::CredentialStore> credentials;
#ifdef PASSKEY_SERVER_WITH_POSTGRES
  if (!config.db_url.empty()) {
    credentials = passkey_server::PostgresCredentialStore::Open(
        config.db_url, passkey_server::PostgresCredentialStore::Options{}, &error);
    if (credentials == nullptr)
      error = "--db postgresql: " + error;
  }
#endif
  if (config.db_url.empty())
    credentials = passkey_server::SqliteCredentialStore::Open(config.db_path, &error);
  if (credentials == nullptr) {
    std::fprintf(stderr, "passkey-server: %s\n", error.c_str());
    return 1;
  }
  std::unique_ptr<passkey_server::StateStore> state = OpenState(config, &error);
  if (state == nullptr) {
    std::fprintf(stderr, "passkey-server: cannot reach Redis (--state): %s\n", error.c_str());
    return 1;
  }

  passkey_server::HttpServer server(config.threads);
  passkey_server::App app(config, *credentials, *state);
  if (!app.Install(server, &error)) {
    std::fprintf(stderr, "passkey-server: %s\n", error.c_str());
    return 1;
  }
  const int port = server.Bind(config.bind, config.port);
  if (port <= 0) {
    std::fprintf(stderr, "passkey-server: cannot listen on %s:%d\n", config.bind.c_str(),
                 config.port);
    return 1;
  }

  std::atomic<bool> listen_done{false};
  std::thread watcher([&] {
    int signal_number = 0;
    if (sigwait(&signals, &signal_number) != 0 || signal_number == SIGUSR1)
      return;
    std::fprintf(stderr, "passkey-server: %s, shutting down\n",
                 signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
    // stop() is a no-op until listen_after_bind has started; call it once
    // the server runs (calling it twice trips an assertion in httplib).
    while (!listen_done.load()) {
      if (server.is_running()) {
        server.stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });

  // An IPv6 address goes in brackets (RFC 3986 host syntax).
  const std::string host =
      config.bind.find(':') != std::string::npos ? "[" + config.bind + "]" : config.bind;
  std::printf("listening on http://%s:%d\n", host.c_str(), port);
  std::fflush(stdout);
  const bool ok = server.listen_after_bind();
  listen_done.store(true);
  pthread_kill(watcher.native_handle(), SIGUSR1);  // wakes it if still waiting
  watcher.join();
  credentials.reset();  // close the database (checkpoints the WAL)
  std::fprintf(stderr, "passkey-server: stopped\n");
  return ok ? 0 : 1;
}
