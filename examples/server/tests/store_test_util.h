// Helpers shared by the store tests (server_units_test.cc, stores_test.cc).
#ifndef PASSKEY_EXAMPLES_SERVER_TESTS_STORE_TEST_UTIL_H_
#define PASSKEY_EXAMPLES_SERVER_TESTS_STORE_TEST_UTIL_H_

#include <cstdint>
#include <filesystem>
#include <stdlib.h>
#include <string>
#include <system_error>

#include <passkey/bytes.h>
#include <passkey/credential_record.h>

#include "stores.h"

namespace passkey_server::test_util {

// TempDir: a fresh directory, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "passkey-server-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty())
      std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }  // empty when mkdtemp failed
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Record: a credential record of 16 bytes `id_byte`, created at 1700000000.
inline passkey::CredentialRecord Record(std::uint8_t id_byte, std::uint32_t sign_count = 0) {
  passkey::CredentialRecord record;
  record.id = passkey::Bytes(16, id_byte);
  record.public_key = {0xa1, 0x01, 0x02};  // stored opaquely by the server
  record.sign_count = sign_count;
  record.backup_eligible = true;
  record.backup_state = true;
  record.created_at = 1700000000;
  return record;
}

// NewUser: user `name` ("<name> Example") with a handle of 32 `handle_byte`s.
inline User NewUser(const std::string& name, std::uint8_t handle_byte) {
  User user;
  user.handle = passkey::Bytes(32, handle_byte);
  user.name = name;
  user.display_name = name + " Example";
  user.created_at = 1700000000;
  return user;
}

}  // namespace passkey_server::test_util

#endif  // PASSKEY_EXAMPLES_SERVER_TESTS_STORE_TEST_UTIL_H_
