/* c_api_smoke: a C99 program (-Wall -Wextra -Werror -pedantic) that
 * includes passkey/passkey_c.h and calls it, proving the header is valid C
 * and the library links into a C program. Exits 0 when every check holds. */
#include <passkey/passkey_c.h>

#include <stdio.h>
#include <string.h>

static int failures = 0;

static void check(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "FAIL: %s\n", what);
    ++failures;
  }
}

int main(void) {
  char expected[32];
  passkey_error err = PASSKEY_ERROR_INIT;
  char* record = NULL;
  int rc;

  sprintf(expected, "%d.%d.%d", PASSKEY_VERSION_MAJOR, PASSKEY_VERSION_MINOR,
          PASSKEY_VERSION_PATCH);
  check(strcmp(passkey_version(), expected) == 0, "passkey_version matches the macros");

  rc = passkey_verify_registration(
      "{\"rpIds\":[\"example.com\"],\"origins\":[\"https://example.com\"],"
      "\"challenge\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"now\":1767225600}",
      "{}", &record, &err);
  check(rc == 1, "a response of {} is rejected");
  check(record == NULL, "no record on failure");
  check(strcmp(err.code, "malformed_response") == 0, "the code is malformed_response");
  check(err.message != NULL && err.message[0] != '\0', "a message is set");
  passkey_error_clear(&err);
  check(err.code[0] == '\0' && err.message == NULL, "passkey_error_clear resets the error");

  rc = passkey_verify_registration(NULL, NULL, &record, &err);
  check(rc == 1 && strcmp(err.code, "invalid_argument") == 0, "NULL arguments: invalid_argument");
  passkey_error_clear(&err);
  passkey_string_free(record);

  if (failures == 0) printf("c_api_smoke: ok (passkey %s)\n", passkey_version());
  return failures == 0 ? 0 : 1;
}
