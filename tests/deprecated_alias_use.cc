// Compiled by the ctest deprecated_allow_sha1_attestation (not linked): a
// caller still setting the former name of
// AuthenticationOptions::allow_rs1_credentials must get a deprecation
// warning naming the replacement.
#include <passkey/options.h>

int main() {
  passkey::AuthenticationOptions options;
  options.allow_sha1_attestation = true;
  return options.allow_rs1_credentials ? 1 : 0;
}
