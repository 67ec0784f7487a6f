// Links passkey::passkey from a parent project (configured, not built, by
// ctest packaging_subproject).
#include <passkey/passkey.h>

int main() { return passkey::Base64UrlEncode(passkey::AsBytes("x")) == "eA" ? 0 : 1; }
