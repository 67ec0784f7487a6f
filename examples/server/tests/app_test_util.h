// Helpers for tests that drive the handlers (shared by stores_test.cc and
// redis_state_store_test.cc): the App in this process over given stores,
// and a run of the passkey-server binary.
#ifndef PASSKEY_EXAMPLES_SERVER_TESTS_APP_TEST_UTIL_H_
#define PASSKEY_EXAMPLES_SERVER_TESTS_APP_TEST_UTIL_H_

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <utility>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "http_server.h"
#include "server.h"
#include "store_test_util.h"
#include "stores.h"

namespace passkey_server::test_util {

// InProcessServer: App over the given stores on an HttpServer on a free
// port, in this process.
class InProcessServer {
 public:
  InProcessServer(CredentialStore& credentials, StateStore& state) {
    ServerConfig config;
    config.rp_id = "localhost";
    config.origins = {"http://localhost:8080"};
    config.static_dir = static_dir_.path();
    app_ = std::make_unique<App>(config, credentials, state);
    std::string error;
    EXPECT_TRUE(app_->Install(server_, &error)) << error;
    port_ = server_.Bind("127.0.0.1", 0);
    EXPECT_GT(port_, 0);
    // Bind listens already: a client connecting before the thread accepts waits.
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~InProcessServer() {
    // stop() only works once listen_after_bind runs.
    for (int i = 0; i < 5000 && !server_.is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server_.stop();
    thread_.join();
  }
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  // Post: status and error code of POST `path` with JSON `body`.
  std::pair<int, std::string> Post(const std::string& path, const std::string& body) {
    httplib::Client client("127.0.0.1", port_);
    auto res = client.Post(path, body, "application/json");
    if (!res)
      return {-1, ""};
    const auto json = nlohmann::json::parse(res->body, nullptr, false);
    std::string code;
    if (json.is_object() && json.contains("error"))
      code = json["error"].value("code", "");
    return {res->status, code};
  }

 private:
  TempDir static_dir_;
  HttpServer server_{4};
  std::unique_ptr<App> app_;
  int port_ = -1;
  std::thread thread_;
};

// RunResult: how a passkey-server run ended.
struct RunResult {
  int status = -1;
  std::string err;
};

// RunServer: passkey-server (PASSKEY_SERVER_PATH) with `args`, waited for;
// its exit status and stderr.
inline RunResult RunServer(const TempDir& dir, const std::string& args) {
  const std::string err_file = dir.File("stderr.txt");
  const std::string command =
      std::string(PASSKEY_SERVER_PATH) + " " + args + " >/dev/null 2>" + err_file;
  const int status = std::system(command.c_str());
  RunResult run;
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream file(err_file);
  std::stringstream text;
  text << file.rdbuf();
  run.err = text.str();
  return run;
}

}  // namespace passkey_server::test_util

#endif  // PASSKEY_EXAMPLES_SERVER_TESTS_APP_TEST_UTIL_H_
