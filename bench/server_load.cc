// passkey_server_load: a load generator for passkey-server (issue #18).
//
// Virtual users (one thread each, with their own cookie and keep-alive
// connections) first sign up once (registration options + verify with an
// ES256 software authenticator), then sign in in a loop (authentication
// options + verify with a fresh assertion, the counter rising by one each
// time). It reports sign-ins per second, the latency of a whole sign-in
// (options + verify), errors by HTTP status, and the CPU the servers spent
// per sign-in (from /proc/<pid>/stat of the PIDs given). Loopback only: it
// refuses any other host, so it cannot be pointed at someone else's server.
//
// Bounded in time always (--duration, default 10 s) and in requests when
// --requests is given: whichever comes first ends the measured phase.
// Exit status: 0 when every request succeeded and at least one sign-in was
// measured, 1 otherwise (the report says what failed), 2 usage error.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <passkey/bytes.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/types.h>

namespace {

using nlohmann::json;
using passkey::testing::SoftwareAuthenticator;
using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: passkey_server_load --server http://127.0.0.1:PORT [--server URL ...]\n"
    "                           [--server-pid PID ...] [--backend-pid PID ...] [--users N] [--duration S]\n"
    "                           [--requests R] [--warmup S] [--spread] [--json FILE]\n"
    "                           [--rp-id ID] [--origin URL]\n"
    "\n"
    "  --server URL      a passkey-server on loopback; repeatable: users are spread\n"
    "                    round-robin over the servers\n"
    "  --server-pid PID  a server process whose CPU time is measured; repeatable\n"
    "  --backend-pid PID a database process whose CPU time, with its children's, is\n"
    "                    measured too (PostgreSQL postmaster, redis-server); repeatable\n"
    "  --users N         concurrent virtual users, one thread each (default 32)\n"
    "  --duration S      length of the measured phase in seconds (default 10)\n"
    "  --requests R      stop the measured phase after R sign-ins (default: no limit)\n"
    "  --warmup S        sign-ins before measuring, not counted (default 2)\n"
    "  --spread          options on a user's server, verify on the next one (tests\n"
    "                    state shared between instances; needs 2 or more servers)\n"
    "  --json FILE       also write the results as JSON\n"
    "  --rp-id ID        RP ID the servers run with (default localhost)\n"
    "  --origin URL      origin the servers accept (default http://localhost:8080)\n";

struct Endpoint {
  std::string host;
  int port = 0;
  std::string url;
};

struct Config {
  std::vector<Endpoint> servers;
  std::vector<int> server_pids;
  std::vector<int> backend_pids;
  unsigned users = 32;
  double duration_s = 10;
  std::uint64_t requests = 0;  // 0: bounded by time only
  double warmup_s = 2;
  bool spread = false;
  std::string json_path;
  std::string rp_id = "localhost";
  std::string origin = "http://localhost:8080";
};

// ParseEndpoint accepts http://HOST:PORT[/] with HOST a loopback address.
std::optional<Endpoint> ParseEndpoint(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0)
    return std::nullopt;
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/')
    rest.remove_suffix(1);
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos)
    return std::nullopt;
  Endpoint endpoint;
  endpoint.host = std::string(rest.substr(0, colon));
  if (endpoint.host != "127.0.0.1" && endpoint.host != "localhost")
    return std::nullopt;
  const std::string port(rest.substr(colon + 1));
  char* end = nullptr;
  const long value = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || value < 1 || value > 65535)
    return std::nullopt;
  endpoint.port = static_cast<int>(value);
  endpoint.url = std::string(url);
  return endpoint;
}

bool ParseNumber(const std::string& text, double min, double max, double* out) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(value >= min && value <= max))
    return false;
  *out = value;
  return true;
}

// ParseFlags: 0 = run, 1 = --help printed, 2 = usage error printed.
int ParseFlags(int argc, char** argv, Config* config) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::optional<std::string> value;
    if (const std::size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != flag.npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    }
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 1;
    }
    if (flag == "--spread") {
      config->spread = true;
      continue;
    }
    if (flag != "--server" && flag != "--server-pid" && flag != "--backend-pid" && flag != "--users" &&
        flag != "--duration" && flag != "--requests" && flag != "--warmup" && flag != "--json" &&
        flag != "--rp-id" && flag != "--origin") {
      std::fprintf(stderr, "passkey_server_load: unknown flag %s\n%s", flag.c_str(), kUsage);
      return 2;
    }
    if (!value) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "passkey_server_load: %s needs a value\n", flag.c_str());
        return 2;
      }
      value = argv[++i];
    }
    double number = 0;
    if (flag == "--server") {
      auto endpoint = ParseEndpoint(*value);
      if (!endpoint) {
        std::fprintf(stderr,
                     "passkey_server_load: --server must be http://127.0.0.1:PORT or "
                     "http://localhost:PORT (loopback only), not %s\n",
                     value->c_str());
        return 2;
      }
      config->servers.push_back(*endpoint);
    } else if (flag == "--server-pid" || flag == "--backend-pid") {
      if (!ParseNumber(*value, 1, 4194304, &number)) {
        std::fprintf(stderr, "passkey_server_load: bad %s %s\n", flag.c_str(), value->c_str());
        return 2;
      }
      (flag == "--server-pid" ? config->server_pids : config->backend_pids)
          .push_back(static_cast<int>(number));
    } else if (flag == "--users") {
      if (!ParseNumber(*value, 1, 1024, &number)) {
        std::fprintf(stderr, "passkey_server_load: --users must be 1..1024\n");
        return 2;
      }
      config->users = static_cast<unsigned>(number);
    } else if (flag == "--duration") {
      if (!ParseNumber(*value, 0.1, 3600, &config->duration_s)) {
        std::fprintf(stderr, "passkey_server_load: --duration must be 0.1..3600 s\n");
        return 2;
      }
    } else if (flag == "--requests") {
      if (!ParseNumber(*value, 1, 1e12, &number)) {
        std::fprintf(stderr, "passkey_server_load: --requests must be at least 1\n");
        return 2;
      }
      config->requests = static_cast<std::uint64_t>(number);
    } else if (flag == "--warmup") {
      if (!ParseNumber(*value, 0, 600, &config->warmup_s)) {
        std::fprintf(stderr, "passkey_server_load: --warmup must be 0..600 s\n");
        return 2;
      }
    } else if (flag == "--json") {
      config->json_path = *value;
    } else if (flag == "--rp-id") {
      config->rp_id = *value;
    } else if (flag == "--origin") {
      config->origin = *value;
    }
  }
  if (config->servers.empty()) {
    std::fprintf(stderr, "passkey_server_load: --server is required\n%s", kUsage);
    return 2;
  }
  if (config->spread && config->servers.size() < 2) {
    std::fprintf(stderr, "passkey_server_load: --spread needs two or more --server\n");
    return 2;
  }
  return 0;
}

// ProcStat: the CPU times of one process from /proc/<pid>/stat, in seconds.
struct ProcStat {
  int ppid = 0;
  double cpu = 0;           // utime + stime: all threads of the process
  double children_cpu = 0;  // cutime + cstime: its children that have exited
};

std::optional<ProcStat> ReadProcStat(const std::string& pid) {
  std::ifstream file("/proc/" + pid + "/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // The command name (field 2) is in parentheses and may hold spaces, so
  // count fields after the last ')': field 3 (state) is the first there.
  const std::size_t paren = text.rfind(')');
  if (paren == std::string::npos)
    return std::nullopt;
  std::istringstream fields(text.substr(paren + 1));
  std::string field;
  unsigned long long ticks[18] = {};
  for (int number = 3; number <= 17 && fields >> field; ++number)
    ticks[number] = std::strtoull(field.c_str(), nullptr, 10);
  if (!fields)
    return std::nullopt;
  const auto hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  ProcStat stat;
  stat.ppid = static_cast<int>(ticks[4]);
  stat.cpu = static_cast<double>(ticks[14] + ticks[15]) / hz;
  stat.children_cpu = static_cast<double>(ticks[16] + ticks[17]) / hz;
  return stat;
}

// CpuSeconds: CPU time of `pid`; nullopt when the process is gone. With
// `children`, also that of its children, living or exited: PostgreSQL
// serves each connection in a child of the postmaster.
std::optional<double> CpuSeconds(int pid, bool children) {
  const std::optional<ProcStat> self = ReadProcStat(std::to_string(pid));
  if (!self)
    return std::nullopt;
  if (!children)
    return self->cpu;
  double total = self->cpu + self->children_cpu;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const std::optional<ProcStat> child = ReadProcStat(name);
    if (child && child->ppid == pid)
      total += child->cpu;
  }
  return total;
}

// CpuSum: the CPU time of a set of processes, or nullopt when one is gone.
std::optional<double> CpuSum(const std::vector<int>& pids, bool children) {
  double total = 0;
  for (const int pid : pids) {
    const std::optional<double> cpu = CpuSeconds(pid, children);
    if (!cpu) {
      std::fprintf(stderr, "passkey_server_load: cannot read /proc/%d/stat\n", pid);
      return std::nullopt;
    }
    total += *cpu;
  }
  return total;
}

// Phases of a run. Virtual users move on when the main thread says so.
enum Phase : int { kSetup = 0, kWarmup = 1, kMeasure = 2, kStop = 3 };

// Shared: what the main thread and the virtual users share.
struct Shared {
  const Config* config = nullptr;
  std::string run_id;  // makes user names and credential IDs unique per run
  std::atomic<int> phase{kSetup};
  std::atomic<unsigned> signed_up{0};
  std::atomic<unsigned> setup_failed{0};
  std::atomic<std::uint64_t> tickets{0};  // measured sign-ins started
};

// Outcome of one request: 200 is success, 0 a transport failure (no
// response: refused, reset, timeout).
struct Reply {
  int status = 0;
  json body;
};

// VirtualUser: one browser tab of one user: a cookie and one keep-alive
// connection per server it talks to.
class VirtualUser {
 public:
  VirtualUser(Shared* shared, unsigned index) : shared_(shared), index_(index) {
    const Config& config = *shared->config;
    home_ = index % config.servers.size();
    verify_ = config.spread ? (home_ + 1) % config.servers.size() : home_;
    for (const Endpoint& server : config.servers) {
      auto client = std::make_unique<httplib::Client>(server.host, server.port);
      client->set_keep_alive(true);
      // As browsers do: httplib writes the headers and the body of a request
      // separately, and with Nagle's algorithm the body then waits for the
      // server's delayed ACK (about 40 ms on Linux).
      client->set_tcp_nodelay(true);
      // Bounds a hung server: a request fails (status 0) after 10 s.
      client->set_connection_timeout(std::chrono::seconds(10));
      client->set_read_timeout(std::chrono::seconds(10));
      client->set_write_timeout(std::chrono::seconds(10));
      clients_.push_back(std::move(client));
    }
  }

  void Run() {
    if (!SignUp()) {
      shared_->setup_failed.fetch_add(1);
      return;
    }
    shared_->signed_up.fetch_add(1);
    while (shared_->phase.load() == kSetup)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    for (;;) {
      const int phase = shared_->phase.load();
      if (phase == kStop)
        return;
      if (phase == kMeasure && shared_->config->requests != 0 &&
          shared_->tickets.fetch_add(1) >= shared_->config->requests)
        return;
      const Clock::time_point start = Clock::now();
      const int status = SignIn();
      const auto micros =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
      // Only sign-ins that started in the measured phase count.
      if (phase != kMeasure)
        continue;
      if (status == 200)
        latencies_us_.push_back(micros);
      else
        ++errors_[status];
    }
  }

  const std::vector<std::int64_t>& latencies_us() const { return latencies_us_; }
  const std::map<int, std::uint64_t>& errors() const { return errors_; }
  const std::map<int, std::string>& first_error() const { return first_error_; }
  const std::string& setup_error() const { return setup_error_; }

 private:
  Reply Post(std::size_t server, const char* path, const std::string& body) {
    httplib::Headers headers;
    if (!sid_.empty())
      headers.emplace("Cookie", "sid=" + sid_);
    const httplib::Result result =
        clients_[server]->Post(path, headers, body, "application/json");
    Reply reply;
    if (!result) {
      Note(0, std::string(path) + ": " + httplib::to_string(result.error()));
      return reply;
    }
    reply.status = result->status;
    reply.body = json::parse(result->body, nullptr, false);
    const std::string cookie = result->get_header_value("Set-Cookie");
    if (cookie.rfind("sid=", 0) == 0)
      sid_ = cookie.substr(4, cookie.find(';') - 4);
    if (reply.status != 200)
      Note(reply.status, std::string(path) + ": " + result->body.substr(0, 200));
    return reply;
  }

  // Note keeps the first response seen for each failing status, so the
  // report can say what went wrong and not only how often.
  void Note(int status, std::string what) { first_error_.try_emplace(status, std::move(what)); }

  static passkey::Bytes DecodeField(const json& body, std::initializer_list<const char*> path) {
    const json* node = &body;
    for (const char* key : path) {
      if (!node->is_object() || !node->contains(key))
        return {};
      node = &(*node)[key];
    }
    if (!node->is_string())
      return {};
    auto decoded = passkey::Base64UrlDecode(node->get<std::string>());
    return decoded.has_value() ? *decoded : passkey::Bytes();
  }

  bool SignUp() {
    const Config& config = *shared_->config;
    const std::string name = "load-" + shared_->run_id + "-" + std::to_string(index_);
    auto authenticator =
        SoftwareAuthenticator::Create(passkey::CoseAlgorithm::kEs256, "server-load/" + name);
    if (!authenticator.has_value()) {
      setup_error_ = "software authenticator: " + authenticator.error().message;
      return false;
    }
    authenticator_ = std::make_unique<SoftwareAuthenticator>(std::move(authenticator).value());
    const Reply options = Post(home_, "/registration/options",
                               json{{"username", name}, {"displayName", name}}.dump());
    if (options.status != 200) {
      setup_error_ = "/registration/options: HTTP " + std::to_string(options.status);
      return false;
    }
    user_handle_ = DecodeField(options.body, {"user", "id"});
    passkey::testing::RegistrationParams params;
    params.rp_id = config.rp_id;
    params.origin = config.origin;
    params.challenge = DecodeField(options.body, {"challenge"});
    params.flags = {true, true, true, true};
    params.attachment = passkey::Attachment::kPlatform;
    params.transports = {"internal"};
    auto response = authenticator_->MakeCredentialJson(params);
    if (!response.has_value()) {
      setup_error_ = "MakeCredential: " + response.error().message;
      return false;
    }
    const Reply verified = Post(home_, "/registration/verify", *response);
    if (verified.status != 200) {
      setup_error_ = "/registration/verify: HTTP " + std::to_string(verified.status) + " " +
                     first_error_[verified.status];
      return false;
    }
    return true;
  }

  // SignIn: options + verify; returns the first non-200 status (0: no
  // response), or 200.
  int SignIn() {
    const Config& config = *shared_->config;
    const Reply options = Post(home_, "/authentication/options", "{}");
    if (options.status != 200)
      return options.status;
    passkey::testing::AssertionParams params;
    params.rp_id = config.rp_id;
    params.origin = config.origin;
    params.challenge = DecodeField(options.body, {"challenge"});
    params.flags = {true, true, true, true};
    params.sign_count = ++sign_count_;
    params.attachment = passkey::Attachment::kPlatform;
    params.user_handle = user_handle_;
    auto response = authenticator_->GetAssertionJson(params);
    if (!response.has_value()) {
      Note(-1, "GetAssertion: " + response.error().message);
      return -1;
    }
    return Post(verify_, "/authentication/verify", *response).status;
  }

  Shared* shared_;
  unsigned index_;
  std::size_t home_ = 0;
  std::size_t verify_ = 0;
  std::vector<std::unique_ptr<httplib::Client>> clients_;
  std::string sid_;
  std::unique_ptr<SoftwareAuthenticator> authenticator_;
  passkey::Bytes user_handle_;
  std::uint32_t sign_count_ = 0;
  std::vector<std::int64_t> latencies_us_;
  std::map<int, std::uint64_t> errors_;
  std::map<int, std::string> first_error_;
  std::string setup_error_;
};

// Percentile by nearest rank over sorted values, in milliseconds.
double PercentileMs(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty())
    return 0;
  const double rank = p / 100.0 * static_cast<double>(sorted.size());
  std::size_t index = static_cast<std::size_t>(rank);
  if (static_cast<double>(index) < rank)
    ++index;  // ceil
  index = std::clamp<std::size_t>(index, 1, sorted.size()) - 1;
  return static_cast<double>(sorted[index]) / 1000.0;
}

std::string StatusName(int status) {
  if (status == 0)
    return "no response";
  if (status < 0)
    return "client error";
  return "HTTP " + std::to_string(status);
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  if (const int parsed = ParseFlags(argc, argv, &config); parsed != 0)
    return parsed == 1 ? 0 : 2;

  Shared shared;
  shared.config = &config;
  shared.run_id = std::to_string(getpid()) + "-" +
                  std::to_string(std::chrono::system_clock::now().time_since_epoch().count());

  std::vector<std::unique_ptr<VirtualUser>> users;
  for (unsigned i = 0; i < config.users; ++i)
    users.push_back(std::make_unique<VirtualUser>(&shared, i));
  std::vector<std::thread> threads;
  for (auto& user : users)
    threads.emplace_back([&user] { user->Run(); });

  auto stop_and_join = [&] {
    shared.phase.store(kStop);
    for (std::thread& thread : threads)
      thread.join();
  };

  // Setup: every user signs up once. Bounded: each request times out after
  // 10 s, so this ends.
  while (shared.signed_up.load() + shared.setup_failed.load() < config.users)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (shared.setup_failed.load() != 0) {
    stop_and_join();
    for (const auto& user : users) {
      if (!user->setup_error().empty()) {
        std::fprintf(stderr, "passkey_server_load: sign-up failed (%u of %u users): %s\n",
                     shared.setup_failed.load(), config.users, user->setup_error().c_str());
        break;
      }
    }
    return 1;
  }

  shared.phase.store(kWarmup);
  std::this_thread::sleep_for(std::chrono::duration<double>(config.warmup_s));

  // Measured phase: CPU of the servers, the backends and this process
  // before and after.
  const std::optional<double> server_before = CpuSum(config.server_pids, false);
  const std::optional<double> backend_before = CpuSum(config.backend_pids, true);
  const double self_before = CpuSeconds(getpid(), false).value_or(0);
  const Clock::time_point start = Clock::now();
  shared.phase.store(kMeasure);
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(config.duration_s));
  while (Clock::now() < deadline &&
         (config.requests == 0 || shared.tickets.load() < config.requests))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // Sign-ins in flight finish (they count, having started in the window),
  // so the window ends when the last user has stopped.
  stop_and_join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const std::optional<double> server_after = CpuSum(config.server_pids, false);
  const std::optional<double> backend_after = CpuSum(config.backend_pids, true);
  const double self_cpu = CpuSeconds(getpid(), false).value_or(0) - self_before;
  const bool server_cpu_known = !config.server_pids.empty() && server_before && server_after;
  const bool backend_cpu_known = !config.backend_pids.empty() && backend_before && backend_after;
  const double server_cpu = server_cpu_known ? *server_after - *server_before : 0;
  const double backend_cpu = backend_cpu_known ? *backend_after - *backend_before : 0;

  std::vector<std::int64_t> latencies;
  std::map<int, std::uint64_t> errors;
  std::map<int, std::string> first_error;
  for (const auto& user : users) {
    latencies.insert(latencies.end(), user->latencies_us().begin(), user->latencies_us().end());
    for (const auto& [status, count] : user->errors())
      errors[status] += count;
    for (const auto& [status, what] : user->first_error())
      first_error.try_emplace(status, what);
  }
  std::sort(latencies.begin(), latencies.end());
  std::uint64_t error_count = 0;
  for (const auto& [status, count] : errors)
    error_count += count;
  const auto sign_ins = static_cast<double>(latencies.size());
  const double rate = sign_ins / elapsed;
  const double p50 = PercentileMs(latencies, 50);
  const double p90 = PercentileMs(latencies, 90);
  const double p99 = PercentileMs(latencies, 99);
  const double max = latencies.empty() ? 0 : static_cast<double>(latencies.back()) / 1000.0;
  const double cpu_ms_per_sign_in = sign_ins > 0 ? server_cpu * 1000.0 / sign_ins : 0;
  const double backend_ms_per_sign_in = sign_ins > 0 ? backend_cpu * 1000.0 / sign_ins : 0;
  // Cores used on the server side: the servers and their backends, not
  // the load generator (which shares the machine, see client CPU).
  const double cores = (server_cpu + backend_cpu) / elapsed;
  const double rate_per_core = cores > 0 ? rate / cores : 0;

  std::printf("servers            %zu%s\n", config.servers.size(),
              config.spread ? " (options and verify on different servers)" : "");
  std::printf("users              %u\n", config.users);
  std::printf("measured           %.0f sign-ins in %.2f s (warmup %.1f s)\n", sign_ins, elapsed,
              config.warmup_s);
  std::printf("sign-ins/s         %.0f\n", rate);
  std::printf("latency ms         p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", p50, p90, p99, max);
  if (server_cpu_known) {
    std::printf("server CPU         %.2f s = %.3f ms per sign-in\n", server_cpu,
                cpu_ms_per_sign_in);
  } else {
    std::printf("server CPU         unknown (give --server-pid)\n");
  }
  if (backend_cpu_known) {
    std::printf("backend CPU        %.2f s = %.3f ms per sign-in\n", backend_cpu,
                backend_ms_per_sign_in);
  }
  if (server_cpu_known) {
    std::printf("cores used         %.2f (servers%s): %.0f sign-ins/s per core\n", cores,
                backend_cpu_known ? " and backends" : "", rate_per_core);
  }
  std::printf("client CPU         %.2f s = %.2f cores (the load generator itself)\n", self_cpu,
              self_cpu / elapsed);
  if (errors.empty()) {
    std::printf("errors             none\n");
  } else {
    for (const auto& [status, count] : errors)
      std::printf("errors             %s: %" PRIu64 " (first: %s)\n", StatusName(status).c_str(),
                  count, first_error[status].c_str());
  }

  if (!config.json_path.empty()) {
    json out = {
        {"servers", json::array()},
        {"spread", config.spread},
        {"users", config.users},
        {"warmup_s", config.warmup_s},
        {"elapsed_s", elapsed},
        {"sign_ins", latencies.size()},
        {"sign_ins_per_s", rate},
        {"latency_ms", {{"p50", p50}, {"p90", p90}, {"p99", p99}, {"max", max}}},
        {"errors", json::object()},
        {"client_cpu_s", self_cpu},
    };
    for (const Endpoint& server : config.servers)
      out["servers"].push_back(server.url);
    for (const auto& [status, count] : errors)
      out["errors"][std::to_string(status)] = count;
    if (server_cpu_known) {
      out["server_cpu_s"] = server_cpu;
      out["server_cpu_ms_per_sign_in"] = cpu_ms_per_sign_in;
      out["total_cpu_ms_per_sign_in"] = cpu_ms_per_sign_in + backend_ms_per_sign_in;
      out["cores_used"] = cores;
      out["sign_ins_per_s_per_core"] = rate_per_core;
    }
    if (backend_cpu_known) {
      out["backend_cpu_s"] = backend_cpu;
      out["backend_cpu_ms_per_sign_in"] = backend_ms_per_sign_in;
    }
    std::ofstream file(config.json_path);
    file << out.dump(2) << "\n";
    if (!file) {
      std::fprintf(stderr, "passkey_server_load: cannot write %s\n", config.json_path.c_str());
      return 1;
    }
  }
  return error_count == 0 && !latencies.empty() ? 0 : 1;
}
