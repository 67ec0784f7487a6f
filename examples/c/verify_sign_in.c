/* verify_sign_in: a relying party's sign-in check in C99 through the C API
 * (include/passkey/passkey_c.h), linked against libpasskey.so.
 *
 *   verify_sign_in OPTIONS_JSON RECORD_JSON RESPONSE_JSON
 *
 * OPTIONS_JSON is the verification options object (passkey_c_options.schema.json:
 * rpIds, origins, the challenge this server issued, ...), RECORD_JSON the
 * stored credential record, RESPONSE_JSON the browser's
 * AuthenticationResponseJSON. Prints the result JSON (its "credential" is
 * the updated record to store) and exits 0, or prints the error code and
 * exits 1; 2 on usage. Built and run by ctest (examples_c_verify_sign_in)
 * on the repository's generated vectors; README.md quotes it. */
#include <passkey/passkey_c.h>

#include <stdio.h>

int main(int argc, char** argv) {
  passkey_credential* credential = NULL;
  passkey_error err = PASSKEY_ERROR_INIT;
  char* result = NULL;
  int status = 1;

  if (argc != 4) {
    fprintf(stderr, "usage: verify_sign_in OPTIONS_JSON RECORD_JSON RESPONSE_JSON\n");
    return 2;
  }
  const char* options_json = argv[1];
  const char* record_json = argv[2];
  const char* response_json = argv[3];

  /* Prepare the stored record once (a server may cache the handle). */
  if (passkey_credential_prepare(record_json, &credential, &err) != 0) {
    printf("refused: %s (%s)\n", err.code, err.message);
    goto done;
  }
  if (passkey_verify_authentication_prepared(options_json, credential, response_json,
                                             &result, &err) != 0) {
    printf("refused: %s (%s)\n", err.code, err.message); /* e.g. challenge_mismatch */
    goto done;
  }
  printf("%s\n", result); /* store result's "credential": the updated record */
  status = 0;

done:
  passkey_string_free(result);
  passkey_credential_free(credential);
  passkey_error_clear(&err);
  return status;
}
