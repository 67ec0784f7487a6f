/* Uses the installed C API only; exits 0 when every check holds. */
#include <passkey/passkey_c.h>

#include <stdio.h>
#include <string.h>

int main(void) {
  passkey_error err = PASSKEY_ERROR_INIT;
  char* info = NULL;
  int failures = 0;
  if (passkey_version()[0] == '\0') {
    fprintf(stderr, "FAIL: passkey_version is empty\n");
    ++failures;
  }
  if (passkey_aaguid_lookup("00000000-0000-0000-0000-000000000000", &info, &err) != 1 ||
      strcmp(err.code, "unknown_aaguid") != 0 || info != NULL) {
    fprintf(stderr, "FAIL: the zero AAGUID is unknown_aaguid\n");
    ++failures;
  }
  passkey_error_clear(&err);
  passkey_string_free(info);
  return failures == 0 ? 0 : 1;
}
