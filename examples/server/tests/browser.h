// Browser: an HTTP client holding one session cookie, like a browser tab,
// for the tests that drive a passkey-server over HTTP (server_http_test.cc,
// scale_test.cc), and helpers to read its replies.
#ifndef PASSKEY_EXAMPLES_SERVER_TESTS_BROWSER_H_
#define PASSKEY_EXAMPLES_SERVER_TESTS_BROWSER_H_

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <httplib.h>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <passkey/bytes.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/types.h>

#include "server_process.h"

namespace passkey_server::test_util {

using nlohmann::json;
using passkey::testing::SoftwareAuthenticator;

// Reply: one HTTP response with its body parsed as JSON when it is JSON.
struct Reply {
  int status = 0;
  json body;
  std::string set_cookie;
};

// Browser: an HTTP client with one cookie (sid), like a browser tab.
class Browser {
 public:
  explicit Browser(int port) : client_("127.0.0.1", port) {
    client_.set_read_timeout(std::chrono::seconds(30));
  }

  Reply Get(const std::string& path) { return Finish(client_.Get(path.c_str(), Headers())); }
  Reply Post(const std::string& path, const std::string& body) {
    return Finish(client_.Post(path.c_str(), Headers(), body, "application/json"));
  }
  Reply Post(const std::string& path, const json& body) { return Post(path, body.dump()); }
  Reply Patch(const std::string& path, const json& body) {
    return Finish(client_.Patch(path.c_str(), Headers(), body.dump(), "application/json"));
  }
  Reply Delete(const std::string& path) { return Finish(client_.Delete(path.c_str(), Headers())); }

  const std::string& sid() const { return sid_; }
  // set_sid: the cookie of another tab (a browser whose requests the load
  // balancer sends to another instance).
  void set_sid(std::string sid) { sid_ = std::move(sid); }

 private:
  httplib::Headers Headers() const {
    if (sid_.empty())
      return {};
    return {{"Cookie", "sid=" + sid_}};
  }
  Reply Finish(const httplib::Result& result) {
    Reply reply;
    if (!result)
      return reply;
    reply.status = result->status;
    reply.body = json::parse(result->body, nullptr, false);
    reply.set_cookie = result->get_header_value("Set-Cookie");
    if (!reply.set_cookie.empty()) {
      const std::size_t start = reply.set_cookie.find('=') + 1;
      sid_ = reply.set_cookie.substr(start, reply.set_cookie.find(';') - start);
    }
    return reply;
  }

  httplib::Client client_;
  std::string sid_;
};

// Challenge: the challenge of an options reply (empty when absent).
inline passkey::Bytes Challenge(const Reply& options) {
  auto decoded = passkey::Base64UrlDecode(options.body.value("challenge", std::string()));
  return decoded.has_value() ? *decoded : passkey::Bytes();
}

// ErrorCode: error.code of an error reply.
inline std::string ErrorCode(const Reply& reply) {
  if (!reply.body.is_object() || !reply.body.contains("error"))
    return "<no error JSON>";
  return reply.body["error"].value("code", std::string("<no code>"));
}

// MakeAuthenticator: an ES256 software authenticator whose key derives from
// `seed` (aborts if the library cannot make one: nothing could be tested).
inline SoftwareAuthenticator MakeAuthenticator(const std::string& seed) {
  auto authenticator = SoftwareAuthenticator::Create(passkey::CoseAlgorithm::kEs256, seed);
  if (!authenticator.has_value())
    std::abort();
  return std::move(authenticator).value();
}

// Register: sign-up (or a further passkey, when signed in) with
// `authenticator` (platform, synced); `body` is the options request. The
// user handle the server chose goes to *user_handle when given.
inline Reply Register(Browser& browser, const SoftwareAuthenticator& authenticator,
                      const json& body, passkey::testing::Flags flags = {true, true, true, true},
                      std::string origin = kServerOrigin, passkey::Bytes* user_handle = nullptr) {
  const Reply options = browser.Post("/registration/options", body);
  if (options.status != 200)
    return options;
  if (user_handle != nullptr && options.body.contains("user")) {
    auto handle = passkey::Base64UrlDecode(options.body["user"].value("id", std::string()));
    *user_handle = handle.has_value() ? *handle : passkey::Bytes();
  }
  passkey::testing::RegistrationParams params;
  params.rp_id = kServerRpId;
  params.origin = std::move(origin);
  params.challenge = Challenge(options);
  params.flags = flags;
  params.attachment = passkey::Attachment::kPlatform;
  params.transports = {"internal"};
  auto response = authenticator.MakeCredentialJson(params);
  EXPECT_TRUE(response.has_value());
  return browser.Post("/registration/verify", *response);
}

// Assertion: an assertion for `options` (the options reply) by `authenticator`.
inline std::string Assertion(const Reply& options, const SoftwareAuthenticator& authenticator,
                             const passkey::Bytes& user_handle, std::uint32_t sign_count,
                             bool user_verified = true) {
  passkey::testing::AssertionParams params;
  params.rp_id = kServerRpId;
  params.origin = kServerOrigin;
  params.challenge = Challenge(options);
  params.flags = {true, user_verified, true, true};
  params.sign_count = sign_count;
  params.attachment = passkey::Attachment::kPlatform;
  params.user_handle = user_handle;
  auto response = authenticator.GetAssertionJson(params);
  EXPECT_TRUE(response.has_value());
  return *response;
}

// SignIn: options and verify of a sign-in on `browser`.
inline Reply SignIn(Browser& browser, const SoftwareAuthenticator& authenticator,
                    const passkey::Bytes& user_handle, std::uint32_t sign_count) {
  const Reply options = browser.Post("/authentication/options", json::object());
  EXPECT_EQ(options.status, 200);
  return browser.Post("/authentication/verify",
                      Assertion(options, authenticator, user_handle, sign_count));
}

}  // namespace passkey_server::test_util

#endif  // PASSKEY_EXAMPLES_SERVER_TESTS_BROWSER_H_
