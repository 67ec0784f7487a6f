// The CredentialStore contract (stores.h) as a typed test suite, run
// against every implementation: stores_test.cc instantiates it for SQLite,
// postgres_store_test.cc for PostgreSQL.
//
// Backend: default-constructible, with `static constexpr int kSchemaVersion`
// and `std::unique_ptr<CredentialStore> Open(std::string* error)` returning
// a fresh, empty, migrated store (nullptr with *error on failure).
#ifndef PASSKEY_EXAMPLES_SERVER_TESTS_CREDENTIAL_STORE_CONTRACT_H_
#define PASSKEY_EXAMPLES_SERVER_TESTS_CREDENTIAL_STORE_CONTRACT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <passkey/bytes.h>
#include <passkey/credential_record.h>

#include "store_test_util.h"
#include "stores.h"

// In namespace passkey_server (not test_util): INSTANTIATE_TYPED_TEST_SUITE_P
// names the suite unqualified, so it must be visible from the test files'
// passkey_server::<anonymous> namespace.
namespace passkey_server {

using test_util::NewUser;
using test_util::Record;

template <class Backend>
class CredentialStoreTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kNow = 1700000000;

  void SetUp() override {
    std::string error;
    store_ = backend_.Open(&error);
    ASSERT_NE(store_, nullptr) << error;
  }
  CredentialStore& store() { return *store_; }
  // Created: a new user with one passkey, whose id is returned.
  std::int64_t Created(const std::string& name, std::uint8_t handle_byte,
                       const passkey::CredentialRecord& record) {
    auto user = store().CreateUserWithPasskey(NewUser(name, handle_byte), "Key", record);
    EXPECT_TRUE(user.has_value());
    return user.has_value() ? user->id : -1;
  }

  Backend backend_;
  std::unique_ptr<CredentialStore> store_;
};

TYPED_TEST_SUITE_P(CredentialStoreTest);

TYPED_TEST_P(CredentialStoreTest, SchemaIsCurrentAndMigrateIsANoOpThen) {
  auto version = this->store().SchemaVersion();
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(*version, TypeParam::kSchemaVersion);
  EXPECT_TRUE(this->store().Migrate().has_value());
  auto again = this->store().SchemaVersion();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, TypeParam::kSchemaVersion);
}

TYPED_TEST_P(CredentialStoreTest, FindsUsersByNameIdAndHandle) {
  const std::int64_t id = this->Created("alice", 1, Record(7));
  auto by_name = this->store().FindUserByName("ALICE");  // names compare ignoring case
  ASSERT_TRUE(by_name.has_value());
  EXPECT_EQ(by_name->id, id);
  EXPECT_EQ(by_name->name, "alice");
  EXPECT_EQ(by_name->display_name, "alice Example");
  auto by_id = this->store().FindUserById(id);
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->handle, passkey::Bytes(32, 1));
  auto by_handle = this->store().FindUserByHandle(passkey::Bytes(32, 1));
  ASSERT_TRUE(by_handle.has_value());
  EXPECT_EQ(by_handle->id, id);

  auto no_name = this->store().FindUserByName("bob");
  ASSERT_FALSE(no_name.has_value());
  EXPECT_EQ(no_name.error(), StoreError::kNotFound);
  auto no_id = this->store().FindUserById(id + 1);
  ASSERT_FALSE(no_id.has_value());
  EXPECT_EQ(no_id.error(), StoreError::kNotFound);
  auto no_handle = this->store().FindUserByHandle(passkey::Bytes(32, 2));
  ASSERT_FALSE(no_handle.has_value());
  EXPECT_EQ(no_handle.error(), StoreError::kNotFound);
}

TYPED_TEST_P(CredentialStoreTest, ATakenNameOrCredentialStoresNeither) {
  this->Created("alice", 1, Record(7));
  auto same_name = this->store().CreateUserWithPasskey(NewUser("Alice", 2), "Key", Record(8));
  ASSERT_FALSE(same_name.has_value());
  EXPECT_EQ(same_name.error(), StoreError::kUsernameTaken);
  auto same_credential = this->store().CreateUserWithPasskey(NewUser("bob", 3), "Key", Record(7));
  ASSERT_FALSE(same_credential.has_value());
  EXPECT_EQ(same_credential.error(), StoreError::kCredentialExists);
  // Neither bob nor credential 8 was left behind.
  auto bob = this->store().FindUserByName("bob");
  ASSERT_FALSE(bob.has_value());
  EXPECT_EQ(bob.error(), StoreError::kNotFound);
  auto eight = this->store().FindPasskey(Record(8).id);
  ASSERT_FALSE(eight.has_value());
  EXPECT_EQ(eight.error(), StoreError::kNotFound);
}

TYPED_TEST_P(CredentialStoreTest, AddListRenameDeleteOnlyTheOwnersPasskeys) {
  const std::int64_t alice = this->Created("alice", 1, Record(1));
  const std::int64_t bob = this->Created("bob", 2, Record(2));
  passkey::CredentialRecord later = Record(3);
  later.created_at = this->kNow + 10;
  EXPECT_TRUE(this->store().AddPasskey(alice, "Second", later).has_value());
  StoreStatus taken = this->store().AddPasskey(alice, "Again", Record(2));  // bob's credential
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error(), StoreError::kCredentialExists);
  StoreStatus nobody = this->store().AddPasskey(bob + 100, "Orphan", Record(4));
  ASSERT_FALSE(nobody.has_value());
  EXPECT_EQ(nobody.error(), StoreError::kNotFound);

  auto list = this->store().ListPasskeys(alice);
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 2u);  // oldest first
  EXPECT_EQ((*list)[0].record.id, Record(1).id);
  EXPECT_EQ((*list)[1].record.id, later.id);
  EXPECT_EQ((*list)[1].name, "Second");
  EXPECT_EQ((*list)[1].user_id, alice);
  auto none = this->store().ListPasskeys(bob + 100);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());

  StoreStatus not_bobs = this->store().RenamePasskey(bob, Record(1).id, "Mine now");
  ASSERT_FALSE(not_bobs.has_value());
  EXPECT_EQ(not_bobs.error(), StoreError::kNotFound);
  EXPECT_TRUE(this->store().RenamePasskey(alice, Record(1).id, "Laptop").has_value());
  auto renamed = this->store().FindPasskey(Record(1).id);
  ASSERT_TRUE(renamed.has_value());
  EXPECT_EQ(renamed->name, "Laptop");
  EXPECT_EQ(renamed->user_id, alice);

  StoreStatus not_bobs_either = this->store().DeletePasskey(bob, Record(1).id);
  ASSERT_FALSE(not_bobs_either.has_value());
  EXPECT_EQ(not_bobs_either.error(), StoreError::kNotFound);
  EXPECT_TRUE(this->store().DeletePasskey(alice, Record(1).id).has_value());
  StoreStatus twice = this->store().DeletePasskey(alice, Record(1).id);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error(), StoreError::kNotFound);
}

TYPED_TEST_P(CredentialStoreTest, UpdateAfterSignInIsACompareAndSet) {
  this->Created("alice", 1, Record(7, /*sign_count=*/5));
  passkey::CredentialRecord first = Record(7, 6);
  first.last_used_at = this->kNow + 60;
  auto applied = this->store().UpdateAfterSignIn(first.id, 5, first);
  ASSERT_TRUE(applied.has_value());
  EXPECT_TRUE(*applied);

  // A stale old value (a second sign-in verified against 5 too): not
  // applied, nothing written.
  passkey::CredentialRecord stale = Record(7, 9);
  stale.last_used_at = this->kNow + 120;
  auto refused = this->store().UpdateAfterSignIn(stale.id, 5, stale);
  ASSERT_TRUE(refused.has_value());
  EXPECT_FALSE(*refused);
  auto stored = this->store().FindPasskey(first.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->record.sign_count, 6u);
  EXPECT_EQ(stored->record.last_used_at, this->kNow + 60);

  // The id must be the record's; a removed passkey is kNotFound.
  auto wrong_id = this->store().UpdateAfterSignIn(Record(8).id, 6, Record(7, 7));
  ASSERT_FALSE(wrong_id.has_value());
  EXPECT_EQ(wrong_id.error(), StoreError::kInternal);
  auto missing = this->store().UpdateAfterSignIn(Record(9).id, 0, Record(9, 1));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), StoreError::kNotFound);
}

TYPED_TEST_P(CredentialStoreTest, ConcurrentSignInsWithOneCounterValueHaveOneWinner) {
  this->Created("alice", 1, Record(7, 5));
  constexpr int kThreads = 4;
  std::atomic<int> applied{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const passkey::CredentialRecord next = Record(7, 6 + static_cast<std::uint32_t>(t));
      auto result = this->store().UpdateAfterSignIn(next.id, 5, next);
      if (result.has_value())
        ++(*result ? applied : refused);
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(applied.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
}

REGISTER_TYPED_TEST_SUITE_P(CredentialStoreTest, SchemaIsCurrentAndMigrateIsANoOpThen,
                            FindsUsersByNameIdAndHandle, ATakenNameOrCredentialStoresNeither,
                            AddListRenameDeleteOnlyTheOwnersPasskeys,
                            UpdateAfterSignInIsACompareAndSet,
                            ConcurrentSignInsWithOneCounterValueHaveOneWinner);

}  // namespace passkey_server

#endif  // PASSKEY_EXAMPLES_SERVER_TESTS_CREDENTIAL_STORE_CONTRACT_H_
