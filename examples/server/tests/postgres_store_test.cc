// PostgresCredentialStore against a real PostgreSQL server (a throw-away
// cluster this binary starts once, see postgres_cluster.h): the
// CredentialStore contract, several stores (servers) on one database, the
// migration lock, a schema newer than the build, kUnavailable while the
// server is down and recovery after it returns, and passkey-server's
// --db postgresql:// flag. Exits 77 (ctest: skipped) when PostgreSQL is not
// installed.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <libpq-fe.h>
#include <memory>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <passkey/bytes.h>
#include <passkey/credential_record.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/types.h>

#include "credential_store_contract.h"
#include "postgres_cluster.h"
#include "postgres_credential_store.h"
#include "server_process.h"
#include "store_test_util.h"
#include "stores.h"

namespace passkey_server {
namespace {

using test_util::NewUser;
using test_util::PostgresCluster;
using test_util::Record;
using test_util::ServerProcess;
using test_util::TempDir;

// The cluster every test uses (started by main).
PostgresCluster* cluster = nullptr;

// FreshDatabase: the URL of a new, empty database.
std::string FreshDatabase() {
  static std::atomic<int> next{0};
  const std::string name = "passkey_test_" + std::to_string(next++);
  std::string error;
  EXPECT_TRUE(cluster->CreateDatabase(name, &error)) << error;
  return cluster->Url(name);
}

std::unique_ptr<PostgresCredentialStore> OpenStore(const std::string& url, std::string* error,
                                                   PostgresCredentialStore::Options options = {}) {
  return PostgresCredentialStore::Open(url, options, error);
}

// PostgresBackend: a fresh database per test.
struct PostgresBackend {
  static constexpr int kSchemaVersion = PostgresCredentialStore::kSchemaVersion;
  std::unique_ptr<CredentialStore> Open(std::string* error) {
    return OpenStore(FreshDatabase(), error);
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, CredentialStoreTest, PostgresBackend);

TEST(PostgresStoreTest, NamesIgnoreAsciiCaseOnlyLikeSqlite) {
  std::string error;
  auto store = OpenStore(FreshDatabase(), &error);
  ASSERT_NE(store, nullptr) << error;
  // C.UTF-8 folds É to é, lower(... COLLATE "C") does not: like SQLite's
  // NOCASE, "Émile" and "émile" are two names.
  ASSERT_TRUE(
      store->CreateUserWithPasskey(NewUser("\xc3\x89mile", 1), "Key", Record(1)).has_value());
  auto other = store->CreateUserWithPasskey(NewUser("\xc3\xa9mile", 2), "Key", Record(2));
  EXPECT_TRUE(other.has_value());
  auto taken = store->CreateUserWithPasskey(NewUser("\xc3\x89MILE", 3), "Key", Record(3));
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error(), StoreError::kUsernameTaken);
}

TEST(PostgresStoreTest, TwoServersShareUsersAndTheCounterCheck) {
  const std::string url = FreshDatabase();
  std::string error;
  auto first = OpenStore(url, &error);
  ASSERT_NE(first, nullptr) << error;
  auto second = OpenStore(url, &error);  // migrated already: a no-op
  ASSERT_NE(second, nullptr) << error;
  auto alice = first->CreateUserWithPasskey(NewUser("alice", 1), "Key", Record(7, 5));
  ASSERT_TRUE(alice.has_value());
  auto seen = second->FindUserByName("alice");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->id, alice->id);
  auto again = second->CreateUserWithPasskey(NewUser("ALICE", 2), "Key", Record(8));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error(), StoreError::kUsernameTaken);

  // Sign-ins verified against counter 5 on both servers at once: one wins.
  std::atomic<int> applied{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      CredentialStore& store = t % 2 == 0 ? *first : *second;
      const passkey::CredentialRecord next = Record(7, 6 + static_cast<std::uint32_t>(t));
      auto result = store.UpdateAfterSignIn(next.id, 5, next);
      if (result.has_value())
        ++(*result ? applied : refused);
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(applied.load(), 1);
  EXPECT_EQ(refused.load(), 5);
}

TEST(PostgresStoreTest, ServersStartingTogetherMigrateOnce) {
  const std::string url = FreshDatabase();
  constexpr std::size_t kServers = 4;
  std::vector<std::unique_ptr<PostgresCredentialStore>> stores(kServers);
  std::vector<std::string> errors(kServers);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < kServers; ++i)
    threads.emplace_back([&, i] { stores[i] = OpenStore(url, &errors[i]); });
  for (std::thread& thread : threads)
    thread.join();
  for (std::size_t i = 0; i < kServers; ++i) {
    ASSERT_NE(stores[i], nullptr) << errors[i];
    auto version = stores[i]->SchemaVersion();
    ASSERT_TRUE(version.has_value());
    EXPECT_EQ(*version, PostgresCredentialStore::kSchemaVersion);
  }
}

TEST(PostgresStoreTest, RefusesASchemaNewerThanTheBuild) {
  const std::string url = FreshDatabase();
  std::string error;
  auto store = OpenStore(url, &error);
  ASSERT_NE(store, nullptr) << error;
  const std::string name = url.substr(url.rfind('/') + 1);
  ASSERT_TRUE(
      cluster->Exec(name, "INSERT INTO schema_migrations (version, name) VALUES (99, 'x')", &error))
      << error;
  StoreStatus migrate = store->Migrate();
  ASSERT_FALSE(migrate.has_value());
  EXPECT_EQ(migrate.error(), StoreError::kInternal);
  EXPECT_EQ(OpenStore(url, &error), nullptr);
  EXPECT_NE(error.find("schema version 99 is newer"), std::string::npos) << error;
}

TEST(PostgresStoreTest, AnUnreachableServerFailsOpen) {
  std::string error;
  // Port 1: privileged, nothing listens there; connection refused.
  PostgresCredentialStore::Options options;
  options.connect_timeout_seconds = 2;
  EXPECT_EQ(OpenStore("postgresql://passkey:hunter2@127.0.0.1:1/none", &error, options), nullptr);
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(error.find("hunter2"), std::string::npos) << "no password in messages: " << error;
}

TEST(PostgresStoreTest, AStatementStuckBehindALockIsUnavailable) {
  const std::string url = FreshDatabase();
  PostgresCredentialStore::Options options;
  options.statement_timeout = std::chrono::milliseconds(300);
  std::string error;
  auto store = OpenStore(url, &error, options);
  ASSERT_NE(store, nullptr) << error;
  ASSERT_TRUE(store->CreateUserWithPasskey(NewUser("alice", 1), "Key", Record(7, 5)).has_value());
  // Another client holds the passkey's row lock in an open transaction.
  std::unique_ptr<PGconn, decltype(&PQfinish)> other(PQconnectdb(url.c_str()), &PQfinish);
  ASSERT_EQ(PQstatus(other.get()), CONNECTION_OK) << PQerrorMessage(other.get());
  auto exec = [&](const char* sql) {
    PGresult* result = PQexec(other.get(), sql);
    const ExecStatusType status = PQresultStatus(result);
    PQclear(result);
    return status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
  };
  ASSERT_TRUE(exec("BEGIN; SELECT 1 FROM passkeys FOR UPDATE"));
  auto stuck = store->UpdateAfterSignIn(Record(7).id, 5, Record(7, 6));
  ASSERT_FALSE(stuck.has_value());
  EXPECT_EQ(stuck.error(), StoreError::kUnavailable);  // 57014, statement_timeout
  ASSERT_TRUE(exec("ROLLBACK"));
  auto applied = store->UpdateAfterSignIn(Record(7).id, 5, Record(7, 6));
  ASSERT_TRUE(applied.has_value());
  EXPECT_TRUE(*applied);
}

// Runs last among the store tests (it stops and restarts the cluster).
TEST(PostgresStoreTest, UnavailableWhileTheServerIsDownThenRecovers) {
  std::string error;
  auto store = OpenStore(FreshDatabase(), &error);
  ASSERT_NE(store, nullptr) << error;
  auto alice = store->CreateUserWithPasskey(NewUser("alice", 1), "Key", Record(7, 5));
  ASSERT_TRUE(alice.has_value());
  ASSERT_TRUE(store->FindPasskey(Record(7).id).has_value());  // a pooled connection

  ASSERT_TRUE(cluster->Stop());
  auto find = store->FindUserByName("alice");
  ASSERT_FALSE(find.has_value());
  EXPECT_EQ(find.error(), StoreError::kUnavailable);
  auto update = store->UpdateAfterSignIn(Record(7).id, 5, Record(7, 6));
  ASSERT_FALSE(update.has_value());
  EXPECT_EQ(update.error(), StoreError::kUnavailable);
  auto create = store->CreateUserWithPasskey(NewUser("bob", 2), "Key", Record(8));
  ASSERT_FALSE(create.has_value());
  EXPECT_EQ(create.error(), StoreError::kUnavailable);

  ASSERT_TRUE(cluster->Restart(&error)) << error;
  auto back = store->FindUserByName("alice");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->id, alice->id);
  auto applied = store->UpdateAfterSignIn(Record(7).id, 5, Record(7, 6));
  ASSERT_TRUE(applied.has_value());
  EXPECT_TRUE(*applied);
}

TEST(PostgresStoreTest, ARestartedServerIsReconnectedForReadsWithout503) {
  std::string error;
  auto store = OpenStore(FreshDatabase(), &error);
  ASSERT_NE(store, nullptr) << error;
  ASSERT_TRUE(store->CreateUserWithPasskey(NewUser("alice", 1), "Key", Record(7)).has_value());
  // The pooled connection dies with the restart; the next read is retried
  // on a new connection instead of answering kUnavailable.
  ASSERT_TRUE(cluster->Stop());
  ASSERT_TRUE(cluster->Restart(&error)) << error;
  auto find = store->FindUserByName("alice");
  EXPECT_TRUE(find.has_value());
}

// ---- passkey-server --db postgresql:// ----

// TwoServersTest: two passkey-server processes on one fresh database, each
// with its own directory (no SQLite file may appear there); both must exit
// 0 on SIGTERM.
class TwoServersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(first_dir_.path().empty() || second_dir_.path().empty());
    first_ = ServerProcess::Start(first_dir_.path(), {"--db", url_});
    ASSERT_NE(first_, nullptr) << "the first server did not start";
    second_ = ServerProcess::Start(second_dir_.path(), {"--db", url_});
    ASSERT_NE(second_, nullptr) << "the second server did not start";
  }
  void TearDown() override {
    for (auto* server : {&first_, &second_}) {
      if (*server != nullptr) {
        EXPECT_EQ((*server)->Stop(), 0) << (*server)->Log();
      }
    }
    EXPECT_FALSE(std::filesystem::exists(first_dir_.File("passkeys.db")));
  }

  TempDir first_dir_;
  TempDir second_dir_;
  const std::string url_ = FreshDatabase();
  std::unique_ptr<ServerProcess> first_;
  std::unique_ptr<ServerProcess> second_;
};

TEST_F(TwoServersTest, SeeTheSameUsers) {
  // A user created through the store is taken on both servers.
  std::string error;
  auto store = OpenStore(url_, &error);
  ASSERT_NE(store, nullptr) << error;
  ASSERT_TRUE(store->CreateUserWithPasskey(NewUser("alice", 1), "Key", Record(1)).has_value());
  for (ServerProcess* server : {first_.get(), second_.get()}) {
    httplib::Client client("127.0.0.1", server->port());
    auto taken =
        client.Post("/registration/options", R"({"username":"Alice"})", "application/json");
    ASSERT_TRUE(taken);
    EXPECT_EQ(taken->status, 409) << taken->body;
    EXPECT_NE(taken->body.find("username_taken"), std::string::npos) << taken->body;
    auto free = client.Post("/registration/options", R"({"username":"bob"})", "application/json");
    ASSERT_TRUE(free);
    EXPECT_EQ(free->status, 200) << free->body;
  }
}

// Tab: one browser tab on one server: its sid cookie, set by the server's
// first answer, goes with every later request.
class Tab {
 public:
  explicit Tab(int port) : client_("127.0.0.1", port) {}
  // Post: the JSON reply to POST `path` (null on a transport error), and
  // its status in *status.
  nlohmann::json Post(const std::string& path, const std::string& body, int* status) {
    httplib::Headers headers;
    if (!sid_.empty())
      headers.emplace("Cookie", "sid=" + sid_);
    auto reply = client_.Post(path.c_str(), headers, body, "application/json");
    *status = reply ? reply->status : -1;
    if (!reply)
      return nullptr;
    const std::string cookie = reply->get_header_value("Set-Cookie");
    if (cookie.rfind("sid=", 0) == 0)
      sid_ = cookie.substr(4, cookie.find(';') - 4);
    return nlohmann::json::parse(reply->body, nullptr, false);
  }

 private:
  httplib::Client client_;
  std::string sid_;
};

// Both halves of a ceremony go to one server (challenges are per process
// until the state store is shared); the account is in the shared database.
TEST_F(TwoServersTest, SignUpOnOneSignInOnTheOther) {
  auto phone =
      passkey::testing::SoftwareAuthenticator::Create(passkey::CoseAlgorithm::kEs256, "phone");
  ASSERT_TRUE(phone.has_value());
  auto challenge = [](const nlohmann::json& options) {
    auto bytes = passkey::Base64UrlDecode(options.value("challenge", std::string()));
    return bytes.has_value() ? *bytes : passkey::Bytes();
  };
  int status = 0;

  Tab on_first(first_->port());
  const nlohmann::json creation =
      on_first.Post("/registration/options", R"({"username":"alice"})", &status);
  ASSERT_EQ(status, 200) << creation;
  passkey::testing::RegistrationParams registration;
  registration.rp_id = test_util::kServerRpId;
  registration.origin = test_util::kServerOrigin;
  registration.challenge = challenge(creation);
  registration.flags = {true, true, true, true};
  auto credential = phone->MakeCredentialJson(registration);
  ASSERT_TRUE(credential.has_value());
  const nlohmann::json registered = on_first.Post("/registration/verify", *credential, &status);
  ASSERT_EQ(status, 200) << registered;
  auto handle = passkey::Base64UrlDecode(creation["user"].value("id", std::string()));
  ASSERT_TRUE(handle.has_value());

  Tab on_second(second_->port());
  const nlohmann::json request = on_second.Post("/authentication/options", "{}", &status);
  ASSERT_EQ(status, 200) << request;
  passkey::testing::AssertionParams assertion;
  assertion.rp_id = test_util::kServerRpId;
  assertion.origin = test_util::kServerOrigin;
  assertion.challenge = challenge(request);
  assertion.flags = {true, true, true, true};
  assertion.sign_count = 1;
  assertion.user_handle = *handle;
  auto signed_assertion = phone->GetAssertionJson(assertion);
  ASSERT_TRUE(signed_assertion.has_value());
  const nlohmann::json signed_in =
      on_second.Post("/authentication/verify", *signed_assertion, &status);
  EXPECT_EQ(status, 200) << signed_in;
  EXPECT_EQ(signed_in["user"].value("name", std::string()), "alice") << signed_in;

  // The counter the second server stored is the one the first checks.
  std::string error;
  auto store = OpenStore(url_, &error);
  ASSERT_NE(store, nullptr) << error;
  auto stored = store->FindPasskey(phone->credential_id());
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->record.sign_count, 1u);
  EXPECT_TRUE(stored->record.last_used_at.has_value());
}

TEST(PostgresFlagTest, AnUnreachableDatabaseIsAStartUpFailure) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string command =
      std::string(PASSKEY_SERVER_PATH) +
      " --db 'postgresql://passkey:hunter2@127.0.0.1:1/none?connect_timeout=2'"
      " --rp-id localhost --origin http://localhost:8080 --port 0 >/dev/null 2>" +
      dir.File("stderr.txt");
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  std::ifstream file(dir.File("stderr.txt"));
  std::stringstream text;
  text << file.rdbuf();
  const std::string log = text.str();
  EXPECT_NE(log.find("--db postgresql: "), std::string::npos) << log;
  EXPECT_EQ(log.find("hunter2"), std::string::npos) << "the password is not echoed: " << log;
}

}  // namespace
}  // namespace passkey_server

// main: skip (77) without PostgreSQL; otherwise one cluster for every test.
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (passkey_server::test_util::PostgresCluster::BinDir().empty()) {
    std::printf("SKIP: PostgreSQL server binaries not found (Debian: postgresql-15)\n");
    return 77;
  }
  std::string error;
  auto cluster = passkey_server::test_util::PostgresCluster::Start(&error);
  if (cluster == nullptr) {
    std::fprintf(stderr, "cannot start PostgreSQL: %s\n", error.c_str());
    return 1;
  }
  passkey_server::cluster = cluster.get();
  const int rc = RUN_ALL_TESTS();
  passkey_server::cluster = nullptr;
  return rc;
}
