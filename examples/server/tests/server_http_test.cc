// HTTP tests: start the real passkey-server binary on a free port with a
// fresh database and drive it with httplib::Client, using the library's
// software authenticator where a browser would use a real one.
//
// With PASSKEY_SERVER_BACKEND=postgresql-redis (ctest label `scale`) the
// ServerHttpTest cases run against a throwaway PostgreSQL and Redis
// (shared_backends.h) instead of SQLite and memory: each test gets a fresh
// database and a flushed Redis database.
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <memory>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <stdlib.h>
#include <string>
#include <string_view>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <passkey/bytes.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/types.h>

#include "browser.h"
#include "server_process.h"
#include "shared_backends.h"

namespace {

using nlohmann::json;
using passkey::testing::SoftwareAuthenticator;
using passkey_server::test_util::Assertion;
using passkey_server::test_util::Browser;
using passkey_server::test_util::Challenge;
using passkey_server::test_util::ErrorCode;
using passkey_server::test_util::MakeAuthenticator;
using passkey_server::test_util::Register;
using passkey_server::test_util::Reply;
using passkey_server::test_util::SignIn;

using passkey_server::test_util::ServerProcess;
constexpr const char* kOrigin = passkey_server::test_util::kServerOrigin;
constexpr const char* kRpId = passkey_server::test_util::kServerRpId;

// RawConnection: a plain TCP connection to the server, for what
// httplib::Client does not send (no Content-Length, a chunked body cut
// short, a connection left idle).
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0)
      close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool Send(std::string_view data) {
    while (fd_ >= 0 && !data.empty()) {
      const ssize_t sent = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent <= 0)
        return false;
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return fd_ >= 0;
  }

  // ReadResponse: the next response (head and Content-Length body) as it
  // arrived; empty when it is not complete within `timeout`.
  std::string ReadResponse(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const std::size_t head_end = buffered_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const std::size_t size = head_end + 4 + ContentLength(buffered_.substr(0, head_end));
        if (buffered_.size() >= size) {
          std::string response = buffered_.substr(0, size);
          buffered_.erase(0, size);
          return response;
        }
      }
      if (!Receive(deadline))
        return {};
    }
  }

  // ClosedByServer: the server closed the connection within `timeout`
  // (nothing more arrives but the end of the stream).
  bool ClosedByServer(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::size_t before = buffered_.size();
    while (Receive(deadline)) {
    }
    return closed_ && buffered_.size() == before;
  }

 private:
  static std::size_t ContentLength(const std::string& head) {
    constexpr std::string_view kName = "\r\ncontent-length:";
    for (std::size_t i = 0; i + kName.size() <= head.size(); ++i) {
      if (strncasecmp(head.c_str() + i, kName.data(), kName.size()) == 0)
        return std::strtoul(head.c_str() + i + kName.size(), nullptr, 10);
    }
    return 0;
  }
  // Receive: more bytes before `deadline`; false on timeout or end of stream.
  bool Receive(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd entry{fd_, POLLIN, 0};
    if (fd_ < 0 || left.count() <= 0 || poll(&entry, 1, static_cast<int>(left.count())) <= 0)
      return false;
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    buffered_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  std::string buffered_;
  bool closed_ = false;
};

int StatusOf(const std::string& response) {
  return response.rfind("HTTP/1.1 ", 0) == 0 ? std::atoi(response.c_str() + 9) : 0;
}

std::string HeaderOf(const std::string& response, const std::string& name) {
  const std::string key = "\r\n" + name + ": ";
  const std::size_t at = response.find(key);
  if (at == std::string::npos)
    return "<absent>";
  const std::size_t start = at + key.size();
  return response.substr(start, response.find("\r\n", start) - start);
}

json BodyOf(const std::string& response) {
  const std::size_t head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos)
    return json();
  return json::parse(response.substr(head_end + 4), nullptr, false);
}

class ServerHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "passkey-server-http-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    if (!passkey_server::test_util::SharedBackends::Requested())
      return;
#ifdef PASSKEY_SERVER_TEST_BACKENDS
    passkey_server::test_util::SharedBackends* backends = nullptr;
    SHARED_BACKENDS_OR_SKIP(backends);
    std::string database;
    std::string error;
    backend_flags_ = backends->Fresh(&database, &error);
    ASSERT_FALSE(backend_flags_.empty()) << error;
#else
    GTEST_SKIP() << "PASSKEY_SERVER_BACKEND=postgresql-redis, but built without libpq-dev or "
                    "libhiredis-dev";
#endif
  }
  void TearDown() override {
    if (server_ != nullptr) {
      const std::string log = server_->Log();
      EXPECT_EQ(server_->Stop(), 0) << "SIGTERM must exit 0; log:\n" << log;
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void StartServer(std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), backend_flags_.begin(), backend_flags_.end());
    server_ = ServerProcess::Start(dir_, std::move(extra));
    ASSERT_NE(server_, nullptr) << "the server did not start";
  }
  int port() const { return server_->port(); }

  std::string dir_;
  // --db and --state of the PostgreSQL/Redis run; empty for SQLite/memory.
  std::vector<std::string> backend_flags_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServerHttpTest, SessionIsSignedOutAtFirst) {
  StartServer();
  Browser browser(port());
  const Reply reply = browser.Get("/api/session");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, json::parse(R"({"signedIn":false,"user":null,"stepUpUntil":null})"));
  EXPECT_EQ(browser.Get("/passkeys").status, 401);
  EXPECT_EQ(ErrorCode(browser.Get("/passkeys")), "not_signed_in");
}

TEST_F(ServerHttpTest, RegistrationOptionsHaveTheContractShape) {
  StartServer();
  Browser browser(port());
  const Reply reply =
      browser.Post("/registration/options", json{{"username", "alice"}, {"displayName", "Alice"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json& o = reply.body;
  EXPECT_EQ(Challenge(reply).size(), 32u);
  EXPECT_EQ(o["rp"]["id"], kRpId);
  EXPECT_EQ(o["user"]["name"], "alice");
  EXPECT_EQ(o["user"]["displayName"], "Alice");
  auto handle = passkey::Base64UrlDecode(o["user"]["id"].get<std::string>());
  ASSERT_TRUE(handle.has_value());
  EXPECT_EQ(handle->size(), 32u);
  EXPECT_EQ(o["authenticatorSelection"]["residentKey"], "required");
  EXPECT_EQ(o["authenticatorSelection"]["userVerification"], "preferred");
  EXPECT_EQ(o["attestation"], "none");
  EXPECT_EQ(o["excludeCredentials"], json::array());
  EXPECT_EQ(o["hints"], json::array());
  EXPECT_EQ(o["pubKeyCredParams"][0]["alg"], -7);
  // The session cookie: HttpOnly, SameSite=Lax, not Secure on localhost.
  EXPECT_EQ(reply.set_cookie, "sid=" + browser.sid() + "; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(browser.sid().size(), 43u);

  EXPECT_EQ(ErrorCode(browser.Post("/registration/options", json{{"username", ""}})),
            "invalid_request");
  EXPECT_EQ(browser.Post("/registration/options", std::string("[1]")).status, 400);
}

TEST_F(ServerHttpTest, MalformedVerifyBodiesAre400WithErrorJson) {
  StartServer();
  Browser browser(port());
  for (const char* path : {"/registration/verify", "/authentication/verify"}) {
    for (const char* body : {"", "not json", "{}", R"({"id":"AAAA","type":"public-key"})"}) {
      const Reply reply = browser.Post(path, std::string(body));
      EXPECT_EQ(reply.status, 400) << path << " " << body;
      EXPECT_EQ(ErrorCode(reply), "malformed_response") << path << " " << body;
      EXPECT_TRUE(reply.body["error"]["message"].is_string());
    }
  }
  // Signed out, step-up answers not_signed_in before looking at the body.
  EXPECT_EQ(ErrorCode(browser.Post("/stepup/verify", std::string("{}"))), "not_signed_in");
  EXPECT_EQ(ErrorCode(browser.Get("/no/such/path")), "not_found");
}

TEST_F(ServerHttpTest, OversizedBodiesAre413) {
  StartServer();
  Browser browser(port());
  const Reply reply = browser.Post("/registration/verify", std::string(70 * 1024, 'a'));
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(ErrorCode(reply), "payload_too_large");
}

// What a client that sends the body in chunks (Transfer-Encoding: chunked)
// gets: the same cap. Before, httplib read a chunked body whole whatever its
// size (50 MiB: RSS 76 MB). Now reading stops at the cap: the 413 arrives
// while the body is still unfinished, and the connection closes (the rest is
// never parsed).
TEST_F(ServerHttpTest, ChunkedBodiesOverTheCapAre413BeforeTheEnd) {
  StartServer();
  const std::string head =
      "POST /authentication/options HTTP/1.1\r\nHost: localhost\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  {
    RawConnection small(port());
    ASSERT_TRUE(small.connected());
    ASSERT_TRUE(small.Send(head + "1\r\n{\r\n1\r\n}\r\n0\r\n\r\n"));
    const std::string response = small.ReadResponse(std::chrono::seconds(30));
    EXPECT_EQ(StatusOf(response), 200) << response;
    EXPECT_TRUE(BodyOf(response).contains("challenge")) << response;
  }
  RawConnection big(port());
  ASSERT_TRUE(big.connected());
  // Two 48 KiB chunks (96 KiB, over the 64 KiB cap), and no last chunk.
  const std::string chunk = "c000\r\n" + std::string(48 * 1024, 'a') + "\r\n";
  ASSERT_TRUE(big.Send(head + chunk + chunk));
  const std::string response = big.ReadResponse(std::chrono::seconds(30));
  EXPECT_EQ(StatusOf(response), 413) << response;
  EXPECT_EQ(BodyOf(response)["error"]["code"], "payload_too_large") << response;
  EXPECT_EQ(HeaderOf(response, "Connection"), "close");
  EXPECT_EQ(HeaderOf(response, "Keep-Alive"), "<absent>");
  EXPECT_TRUE(big.ClosedByServer(std::chrono::seconds(30)));

  // A Content-Length over the cap is refused before any of the body is sent.
  RawConnection announced(port());
  ASSERT_TRUE(
      announced.Send("POST /registration/verify HTTP/1.1\r\nHost: localhost\r\n"
                     "Content-Type: application/json\r\nContent-Length: 52428800\r\n\r\n"));
  const std::string refused = announced.ReadResponse(std::chrono::seconds(30));
  EXPECT_EQ(StatusOf(refused), 413) << refused;
  EXPECT_TRUE(announced.ClosedByServer(std::chrono::seconds(30)));
}

// A request with neither Content-Length nor Transfer-Encoding has no body
// (RFC 9112 §6.3). Before, httplib read "until the connection closes" and
// answered 400 after its 5 s read timeout; now it is answered at once (the
// 4 s bound only keeps a regression from waiting for the 5 s), and the
// connection stays usable.
TEST_F(ServerHttpTest, PostWithoutContentLengthHasAnEmptyBody) {
  StartServer();
  RawConnection connection(port());
  ASSERT_TRUE(connection.connected());
  for (const char* path : {"/authentication/options", "/authentication/options"}) {
    ASSERT_TRUE(
        connection.Send(std::string("POST ") + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    const std::string response = connection.ReadResponse(std::chrono::seconds(4));
    EXPECT_EQ(StatusOf(response), 200) << response;
    EXPECT_TRUE(BodyOf(response).contains("challenge")) << response;
  }
  // An unknown path with no body is a 404 at once as well.
  ASSERT_TRUE(connection.Send("POST /no/such/path HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  const std::string response = connection.ReadResponse(std::chrono::seconds(4));
  EXPECT_EQ(StatusOf(response), 404) << response;
  EXPECT_EQ(BodyOf(response)["error"]["code"], "not_found") << response;
}

TEST_F(ServerHttpTest, WrongMethodIs405WithAllow) {
  StartServer();
  httplib::Client client("127.0.0.1", port());
  const auto expect_405 = [](const httplib::Result& result, const std::string& allow) {
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 405);
    EXPECT_EQ(result->get_header_value("Allow"), allow);
    const json body = json::parse(result->body, nullptr, false);
    EXPECT_EQ(body["error"]["code"], "method_not_allowed") << result->body;
    EXPECT_TRUE(body["error"]["message"].is_string()) << result->body;
  };
  expect_405(client.Get("/registration/options"), "POST");
  expect_405(client.Delete("/authentication/verify"), "POST");
  expect_405(client.Post("/api/session", "{}", "application/json"), "GET, HEAD");
  expect_405(client.Put("/passkeys/AAAA", "{}", "application/json"), "PATCH, DELETE");
  expect_405(client.Get("/passkeys/AAAA"), "PATCH, DELETE");
  expect_405(client.Patch("/passkeys", "{}", "application/json"), "GET, HEAD");
  // The refused body was not read: the connection is closed, not reused.
  RawConnection raw(port());
  ASSERT_TRUE(
      raw.Send("POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
               "Content-Length: 2\r\n\r\n{}"));
  const std::string response = raw.ReadResponse(std::chrono::seconds(30));
  EXPECT_EQ(StatusOf(response), 405) << response;
  EXPECT_EQ(HeaderOf(response, "Connection"), "close");
  EXPECT_TRUE(raw.ClosedByServer(std::chrono::seconds(30)));
  // Unknown paths are still 404, known ones still work.
  EXPECT_EQ(client.Get("/no/such/path")->status, 404);
  EXPECT_EQ(client.Delete("/no/such/path")->status, 404);
  EXPECT_EQ(client.Get("/api/session")->status, 200);
}

TEST_F(ServerHttpTest, JsonEndpointsRefuseOtherContentTypesWith415) {
  StartServer();
  httplib::Client client("127.0.0.1", port());
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                           "multipart/form-data; boundary=x", ""}) {
    const auto result = client.Post("/authentication/options", "{}", type);
    ASSERT_TRUE(result) << type;
    EXPECT_EQ(result->status, 415) << type;
    EXPECT_EQ(json::parse(result->body, nullptr, false)["error"]["code"], "unsupported_media_type")
        << type << ": " << result->body;
  }
  // Before any session check: a PATCH is 415, not 401.
  const auto patch = client.Patch("/passkeys/AAAA", "{\"name\":\"x\"}", "text/plain");
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->status, 415);
  // application/json with parameters, in any case, is JSON.
  for (const char* type :
       {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"}) {
    const auto result = client.Post("/authentication/options", "{}", type);
    ASSERT_TRUE(result) << type;
    EXPECT_EQ(result->status, 200) << type << ": " << result->body;
  }
  // No body needs no Content-Type.
  RawConnection raw(port());
  ASSERT_TRUE(raw.Send("POST /signout HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_EQ(StatusOf(raw.ReadResponse(std::chrono::seconds(30))), 204);
}

// 64 connections that stay open (a load balancer's idle pool: half send one
// keep-alive request, half never send anything) must not stall a new client
// that comes right after them. Before: 8 workers (httplib's default on 2
// cores), each held by an idle connection for the 2 s keep-alive timeout,
// and a listen backlog of 5; the new request waited 14.0 s (measured, ASan
// build). After: 64 workers, and an idle connection gives its worker up to a
// waiting one once it has been idle for 100 ms: 0.13 to 0.17 s. The 1 s
// bound is far from both.
TEST_F(ServerHttpTest, IdleConnectionsDoNotStallANewClient) {
  StartServer();
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 64; ++i) {
    idle.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(idle.back()->connected()) << i;
    if (i % 2 == 0) {
      ASSERT_TRUE(idle.back()->Send("GET /api/session HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    }
  }
  Browser browser(port());
  const auto start = std::chrono::steady_clock::now();
  const Reply reply = browser.Get("/api/session");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(reply.status, 200);
  EXPECT_LT(elapsed, std::chrono::seconds(1))
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
  // The pool's requests were answered too.
  for (int i = 0; i < 64; i += 2) {
    EXPECT_EQ(StatusOf(idle[static_cast<std::size_t>(i)]->ReadResponse(std::chrono::seconds(30))),
              200)
        << i;
  }
}

// --threads 1: the one worker is held by an idle keep-alive connection; a
// new client still gets it once that connection has been idle for 100 ms
// (without the hand-over it would wait for the 2 s keep-alive timeout).
TEST_F(ServerHttpTest, OneWorkerIsHandedFromAnIdleConnectionToANewClient) {
  StartServer({"--threads", "1"});
  RawConnection idle(port());
  ASSERT_TRUE(idle.Send("GET /api/session HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  ASSERT_EQ(StatusOf(idle.ReadResponse(std::chrono::seconds(30))), 200);
  Browser browser(port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(browser.Get("/api/session").status, 200);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(1))
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
  // The idle connection was the one closed.
  EXPECT_TRUE(idle.ClosedByServer(std::chrono::seconds(30)));
}

TEST_F(ServerHttpTest, ServesThePage) {
  StartServer();
  httplib::Client client("127.0.0.1", port());
  auto index = client.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("id=\"passkey-list\""), std::string::npos);
  for (const char* path : {"/app.js", "/style.css", "/passkey-light.svg", "/passkey-dark.svg"}) {
    auto file = client.Get(path);
    ASSERT_TRUE(file) << path;
    EXPECT_EQ(file->status, 200) << path;
  }
  EXPECT_EQ(client.Get("/passkey-light.svg")->get_header_value("Content-Type"), "image/svg+xml");
}

TEST_F(ServerHttpTest, SignUpSignInStepUpRenameRemove) {
  StartServer();
  Browser browser(port());
  const SoftwareAuthenticator phone = MakeAuthenticator("phone");

  // Sign up: the user and the passkey are created; the session signs in with
  // a new id.
  (void)browser.Get("/api/session");
  const Reply registered =
      Register(browser, phone, {{"username", "alice"}, {"displayName", "Alice Example"}});
  ASSERT_EQ(registered.status, 200) << registered.body;
  EXPECT_EQ(registered.body["verified"], true);
  const json passkey = registered.body["passkey"];
  const std::string id = passkey::Base64UrlEncode(phone.credential_id());
  EXPECT_EQ(passkey["id"], id);
  EXPECT_EQ(passkey["name"], "Passkey");
  EXPECT_EQ(passkey["provider"], nullptr);
  EXPECT_EQ(passkey["deviceType"], "multiDevice");
  EXPECT_EQ(passkey["backupEligible"], true);
  EXPECT_EQ(passkey["backupState"], true);
  EXPECT_EQ(passkey["attachment"], "platform");
  EXPECT_EQ(passkey["transports"], json::array({"internal"}));
  EXPECT_EQ(passkey["aaguid"], "00000000-0000-0000-0000-000000000000");
  EXPECT_TRUE(passkey["createdAt"].is_string());
  EXPECT_EQ(passkey["lastUsedAt"], nullptr);
  EXPECT_EQ(passkey["signCount"], 0);

  Reply session = browser.Get("/api/session");
  EXPECT_EQ(session.body["signedIn"], true);
  EXPECT_EQ(session.body["user"], json::parse(R"({"name":"alice","displayName":"Alice Example"})"));

  // The user handle the server chose, as the authenticator stored it.
  Reply list = browser.Get("/passkeys");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["passkeys"].size(), 1u);
  const Reply again = browser.Post("/registration/options", json::object());
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body["user"]["name"], "alice");
  EXPECT_EQ(again.body["excludeCredentials"][0]["id"], id);
  EXPECT_EQ(again.body["excludeCredentials"][0]["transports"], json::array({"internal"}));
  const passkey::Bytes handle =
      *passkey::Base64UrlDecode(again.body["user"]["id"].get<std::string>());

  // Sign out, then sign in with the discoverable credential.
  EXPECT_EQ(browser.Post("/signout", std::string()).status, 204);
  EXPECT_EQ(browser.Get("/api/session").body["signedIn"], false);
  const Reply signin_options = browser.Post("/authentication/options", json::object());
  ASSERT_EQ(signin_options.status, 200);
  EXPECT_EQ(signin_options.body["rpId"], kRpId);
  EXPECT_EQ(signin_options.body.value("allowCredentials", json::array()), json::array());
  EXPECT_EQ(signin_options.body["userVerification"], "preferred");
  const std::string assertion = Assertion(signin_options, phone, handle, 1);
  const Reply signed_in = browser.Post("/authentication/verify", assertion);
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_EQ(
      signed_in.body,
      json::parse(R"({"verified":true,"user":{"name":"alice","displayName":"Alice Example"}})"));

  // The same assertion again: its challenge was used up.
  const Reply replay = browser.Post("/authentication/verify", assertion);
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(ErrorCode(replay), "challenge_not_found");

  // A counter that did not increase is refused.
  const Reply rollback = SignIn(browser, phone, handle, 1);
  EXPECT_EQ(rollback.status, 401);
  EXPECT_EQ(ErrorCode(rollback), "sign_count_rollback");

  list = browser.Get("/passkeys");
  EXPECT_EQ(list.body["passkeys"][0]["signCount"], 1);
  EXPECT_TRUE(list.body["passkeys"][0]["lastUsedAt"].is_string());

  // Step-up: allowCredentials lists the user's passkeys; UV is required.
  Reply stepup_options = browser.Post("/stepup/options", json::object());
  ASSERT_EQ(stepup_options.status, 200);
  EXPECT_EQ(stepup_options.body["userVerification"], "required");
  EXPECT_EQ(stepup_options.body["allowCredentials"][0]["id"], id);
  Reply stepup = browser.Post("/stepup/verify", Assertion(stepup_options, phone, handle, 2, false));
  EXPECT_EQ(stepup.status, 401);
  EXPECT_EQ(ErrorCode(stepup), "user_not_verified");
  EXPECT_EQ(browser.Get("/api/session").body["stepUpUntil"], nullptr);
  // A sign-in challenge is not a step-up challenge.
  const Reply signin_challenge = browser.Post("/authentication/options", json::object());
  stepup = browser.Post("/stepup/verify", Assertion(signin_challenge, phone, handle, 3));
  EXPECT_EQ(ErrorCode(stepup), "challenge_not_found");
  stepup_options = browser.Post("/stepup/options", json::object());
  stepup = browser.Post("/stepup/verify", Assertion(stepup_options, phone, handle, 4));
  ASSERT_EQ(stepup.status, 200) << stepup.body;
  EXPECT_EQ(stepup.body["verified"], true);
  EXPECT_EQ(browser.Get("/api/session").body["stepUpUntil"], stepup.body["stepUpUntil"]);

  // Rename, with validation.
  EXPECT_EQ(ErrorCode(browser.Patch("/passkeys/" + id, {{"name", ""}})), "invalid_request");
  const Reply renamed = browser.Patch("/passkeys/" + id, {{"name", "  My phone "}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.body["name"], "My phone");
  EXPECT_EQ(renamed.body["id"], id);
  EXPECT_EQ(browser.Patch("/passkeys/AAAA", {{"name", "x"}}).status, 404);

  // Remove; then signing in with it fails.
  EXPECT_EQ(browser.Delete("/passkeys/" + id).status, 204);
  const Reply removed_again = browser.Delete("/passkeys/" + id);
  EXPECT_EQ(removed_again.status, 404);
  EXPECT_EQ(ErrorCode(removed_again), "not_found");
  EXPECT_EQ(browser.Get("/passkeys").body["passkeys"], json::array());
  EXPECT_EQ(browser.Post("/signout", std::string()).status, 204);
  const Reply gone = SignIn(browser, phone, handle, 5);
  EXPECT_EQ(gone.status, 401);
  EXPECT_EQ(ErrorCode(gone), "credential_not_found");
}

TEST_F(ServerHttpTest, SecondPasskeyAndOtherUsersPasskeys) {
  StartServer();
  Browser alice(port());
  Browser bob(port());
  const SoftwareAuthenticator phone = MakeAuthenticator("alice-phone");
  const SoftwareAuthenticator key = MakeAuthenticator("alice-key");
  const SoftwareAuthenticator bobs = MakeAuthenticator("bob-phone");
  ASSERT_EQ(Register(alice, phone, {{"username", "alice"}}).status, 200);
  // A USB key (BE=0): single-device.
  const Reply second = Register(alice, key, json::object(), {true, true, false, false});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.body["passkey"]["deviceType"], "singleDevice");
  EXPECT_EQ(second.body["passkey"]["backupState"], false);
  EXPECT_EQ(alice.Get("/passkeys").body["passkeys"].size(), 2u);

  // Username taken (any case), and a credential already registered.
  const Reply taken = bob.Post("/registration/options", json{{"username", "ALICE"}});
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(ErrorCode(taken), "username_taken");
  const Reply duplicate = Register(bob, phone, {{"username", "bob"}});
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(ErrorCode(duplicate), "credential_already_registered");
  // Bob was not created by the failed registration.
  EXPECT_EQ(bob.Get("/api/session").body["signedIn"], false);
  ASSERT_EQ(Register(bob, bobs, {{"username", "bob"}}).status, 200);

  // Bob can neither see, rename, remove nor step up with Alice's passkeys.
  const std::string alice_key = passkey::Base64UrlEncode(key.credential_id());
  EXPECT_EQ(bob.Get("/passkeys").body["passkeys"].size(), 1u);
  EXPECT_EQ(bob.Patch("/passkeys/" + alice_key, {{"name", "mine"}}).status, 404);
  EXPECT_EQ(bob.Delete("/passkeys/" + alice_key).status, 404);
  const Reply options = bob.Post("/stepup/options", json::object());
  const Reply stolen = bob.Post("/stepup/verify", Assertion(options, key, {}, 7));
  EXPECT_EQ(stolen.status, 401);
  EXPECT_EQ(ErrorCode(stolen), "credential_not_found");
}

TEST_F(ServerHttpTest, RejectsAWrongOriginAndAMissingUserHandle) {
  StartServer();
  Browser browser(port());
  const SoftwareAuthenticator phone = MakeAuthenticator("phone");
  const Reply wrong = Register(browser, phone, {{"username", "mallory"}}, {true, true, true, true},
                               "http://evil.example");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(ErrorCode(wrong), "origin_mismatch");
  EXPECT_EQ(browser.Get("/api/session").body["signedIn"], false);

  ASSERT_EQ(Register(browser, phone, {{"username", "alice"}}).status, 200);
  EXPECT_EQ(browser.Post("/signout", std::string()).status, 204);
  const Reply options = browser.Post("/authentication/options", json::object());
  passkey::testing::AssertionParams params;
  params.rp_id = kRpId;
  params.origin = kOrigin;
  params.challenge = Challenge(options);
  params.sign_count = 1;
  const Reply reply = browser.Post("/authentication/verify", *phone.GetAssertionJson(params));
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(ErrorCode(reply), "user_handle_mismatch");
}

TEST_F(ServerHttpTest, RateLimitsTheVerifyEndpointsPerClient) {
  StartServer({"--rate-limit", "3"});
  Browser browser(port());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(browser.Post("/authentication/verify", std::string("{}")).status, 400) << i;
  }
  const Reply limited = browser.Post("/registration/verify", std::string("{}"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(ErrorCode(limited), "too_many_requests");
  EXPECT_EQ(ErrorCode(browser.Post("/stepup/verify", std::string("{}"))), "too_many_requests");
  // Options and the rest are not limited.
  EXPECT_EQ(browser.Post("/authentication/options", json::object()).status, 200);
  EXPECT_EQ(browser.Get("/api/session").status, 200);
}

TEST_F(ServerHttpTest, ConcurrentSignInsWithOneCounterValueSucceedOnce) {
  StartServer();
  Browser owner(port());
  const SoftwareAuthenticator phone = MakeAuthenticator("phone");
  ASSERT_EQ(Register(owner, phone, {{"username", "alice"}}).status, 200);
  const passkey::Bytes handle = *passkey::Base64UrlDecode(
      owner.Post("/registration/options", json::object()).body["user"]["id"].get<std::string>());

  constexpr int kTabs = 6;
  std::vector<std::unique_ptr<Browser>> tabs;
  std::vector<std::string> assertions;
  for (int i = 0; i < kTabs; ++i) {
    tabs.push_back(std::make_unique<Browser>(port()));
    const Reply options = tabs.back()->Post("/authentication/options", json::object());
    ASSERT_EQ(options.status, 200);
    assertions.push_back(Assertion(options, phone, handle, 9));  // the same counter
  }
  std::atomic<int> ok{0};
  std::atomic<int> rollback{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kTabs; ++i) {
    threads.emplace_back([&, i] {
      const Reply reply = tabs[static_cast<std::size_t>(i)]->Post(
          "/authentication/verify", assertions[static_cast<std::size_t>(i)]);
      if (reply.status == 200)
        ++ok;
      if (reply.status == 401 && ErrorCode(reply) == "sign_count_rollback")
        ++rollback;
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(rollback.load(), kTabs - 1);
  EXPECT_EQ(owner.Get("/passkeys").body["passkeys"][0]["signCount"], 9);
}

TEST_F(ServerHttpTest, PasskeysSurviveARestart) {
  StartServer();
  const SoftwareAuthenticator phone = MakeAuthenticator("phone");
  passkey::Bytes handle;
  {
    Browser browser(port());
    ASSERT_EQ(Register(browser, phone, {{"username", "alice"}}).status, 200);
    handle = *passkey::Base64UrlDecode(browser.Post("/registration/options", json::object())
                                           .body["user"]["id"]
                                           .get<std::string>());
  }
  ASSERT_EQ(server_->Stop(), 0);
  StartServer();
  Browser browser(port());
  const Reply reply = SignIn(browser, phone, handle, 1);
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(browser.Get("/x%0Ay").status, 404);
  // One line per request: METHOD PATH STATUS ms (written after the response,
  // so read once the server has stopped).
  ASSERT_EQ(server_->Stop(), 0);
  const std::string log = server_->Log();
  server_.reset();
  EXPECT_NE(log.find("POST /registration/verify 200 "), std::string::npos) << log;
  EXPECT_NE(log.find("POST /authentication/verify 200 "), std::string::npos) << log;
  EXPECT_NE(log.find("GET /x?y 404 "), std::string::npos) << log;  // no raw newline
}

TEST_F(ServerHttpTest, CatalogFlagNamesTheProvider) {
  const std::string catalog = dir_ + "/catalog.json";
  std::ofstream(catalog) << R"({"01020304-0506-0708-0102-030405060708": {"name": "Test provider",
      "icon_light": "data:image/svg+xml;base64,AA", "icon_dark": "data:image/svg+xml;base64,AB"}})";
  StartServer({"--catalog", catalog});
  Browser browser(port());
  const SoftwareAuthenticator phone = MakeAuthenticator("phone");
  const Reply options = browser.Post("/registration/options", json{{"username", "alice"}});
  passkey::testing::RegistrationParams params;
  params.rp_id = kRpId;
  params.origin = kOrigin;
  params.challenge = Challenge(options);
  params.aaguid = *passkey::Aaguid::Parse("01020304-0506-0708-0102-030405060708");
  const Reply reply = browser.Post("/registration/verify", *phone.MakeCredentialJson(params));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body["passkey"]["name"], "Test provider");
  EXPECT_EQ(reply.body["passkey"]["provider"],
            json::parse(R"({"name":"Test provider","iconLight":"data:image/svg+xml;base64,AA",
                            "iconDark":"data:image/svg+xml;base64,AB"})"));
  EXPECT_EQ(reply.body["passkey"]["attachment"], nullptr);
}

TEST(ServerFlagsTest, HelpAndUsageErrors) {
  auto run = [](const std::string& args) {
    const std::string command = std::string(PASSKEY_SERVER_PATH) + " " + args + " >/dev/null 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(run("--help"), 0);
  EXPECT_EQ(run(""), 2);
  EXPECT_EQ(run("--db x.db --rp-id localhost"), 2);           // no --origin
  EXPECT_EQ(run("--db x.db --rp-id localhost --origin"), 2);  // missing value
  EXPECT_EQ(run("--bogus"), 2);
  EXPECT_EQ(run("--db x.db --rp-id l --origin http://l --port 70000"), 2);
  EXPECT_EQ(run("--db x.db --rp-id l --origin http://l --threads 0"), 2);
  EXPECT_EQ(run("--db x.db --rp-id l --origin http://l --threads 1025"), 2);
  EXPECT_EQ(run("--db x.db --rp-id l --origin http://l --catalog /nonexistent"), 2);
  // A configuration no browser response can match: refused at start.
  EXPECT_EQ(run("--db x.db --rp-id https://localhost --origin http://localhost:8080"), 2);
  EXPECT_EQ(run("--db x.db --rp-id localhost --origin http://localhost:8080/"), 2);
  EXPECT_EQ(run("--db x.db --rp-id Localhost --origin http://localhost:8080"), 2);
}

}  // namespace
