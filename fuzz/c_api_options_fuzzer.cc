// C API options JSON (passkey/passkey_c.h): the input is handed, as the
// options of each entry point, to the verifiers (with a response of "{}"),
// the options generators and passkey_mds_verify (with a BLOB that is not a
// JWS). Invariants: the return convention holds (0 with an output and no
// error, 1 with no output and a known code), and the code tells how far the
// call got: options refused (invalid_argument) or accepted and the next
// input rejected (malformed_response / mds_malformed); a generator either
// refuses the params or returns {"options", "challenge"} with the same
// challenge inside.
#include <passkey/passkey_c.h>

#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include <passkey/result.h>

#include "fuzz_check.h"

namespace {

// A minimal record (an ES256 credential of testdata/generated) so that
// passkey_verify_authentication gets past the record to the response.
constexpr char kRecord[] =
    R"({"id":"gokBRPH0zJlDbK0PJ8s8RIRDSfK5pyzWtpcvMaSofSw","publicKey":"pQECAyYgASFYIA-kUGSqZubJ)"
    R"(-bICqAWpN5KcQPdWKUm-xbdZvopJT2D3IlggOWAIyyOHrxWk8NVWRqhAdzaD_-wctJIxN6jgT9UQzH8"})";

// Checks the convention and returns the code ("" on success).
std::string Check(int rc, char* out, const passkey_error& err) {
  FUZZ_CHECK(rc == 0 || rc == 1);
  if (rc == 0) {
    FUZZ_CHECK(out != nullptr);
    FUZZ_CHECK(err.code[0] == '\0' && err.message == nullptr);
    return "";
  }
  FUZZ_CHECK(out == nullptr);
  FUZZ_CHECK(std::memchr(err.code, '\0', sizeof(err.code)) != nullptr);
  passkey::ErrorCode code;
  FUZZ_CHECK(passkey::ErrorCodeFromName(err.code, &code));
  return err.code;
}

void CheckGenerated(int rc, char* out, passkey_error* err) {
  const std::string code = Check(rc, out, *err);
  if (code.empty()) {
    const nlohmann::json generated = nlohmann::json::parse(out, nullptr, false);
    FUZZ_CHECK(generated.is_object() && generated.contains("challenge"));
    FUZZ_CHECK(generated["options"]["challenge"] == generated["challenge"]);
  } else {
    FUZZ_CHECK(code == "invalid_argument");
  }
  passkey_string_free(out);
  passkey_error_clear(err);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A C string: the input up to its first NUL.
  const std::string_view input = passkey::fuzz::AsText(data, size);
  const std::string options(input.substr(0, input.find('\0')));
  const char* text = options.c_str();
  passkey_error err = PASSKEY_ERROR_INIT;
  char* out = nullptr;

  int rc = passkey_verify_registration(text, "{}", &out, &err);
  std::string code = Check(rc, out, err);
  FUZZ_CHECK(code == "invalid_argument" || code == "malformed_response");
  const bool accepted = code == "malformed_response";

  rc = passkey_verify_authentication(text, kRecord, "{}", &out, &err);
  code = Check(rc, out, err);
  // One options object for both ceremonies: accepted by one, by both.
  FUZZ_CHECK(code == (accepted ? "malformed_response" : "invalid_argument"));

  rc = passkey_make_registration_options(text, &out, &err);
  CheckGenerated(rc, out, &err);
  rc = passkey_make_authentication_options(text, &out, &err);
  CheckGenerated(rc, out, &err);

  rc = passkey_mds_verify("not a JWS", text, &out, &err);
  code = Check(rc, out, err);
  FUZZ_CHECK(code == "invalid_argument" || code == "mds_malformed");
  passkey_string_free(out);
  passkey_error_clear(&err);
  return 0;
}
