// `passkey authenticator`: a software authenticator plus WebAuthn client on
// the command line, driven by the options JSON a server sends, with its
// credentials in a key store file. For testing servers end to end from a
// shell script; NOT a real authenticator (the private keys sit in the file).
#ifndef PASSKEY_TOOLS_PASSKEY_CLI_AUTHENTICATOR_H_
#define PASSKEY_TOOLS_PASSKEY_CLI_AUTHENTICATOR_H_

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli_io.h"

namespace passkey::cli {

// RunAuthenticator runs `passkey authenticator create|get|ca ...` (`words`
// are the arguments after "authenticator"). create reads
// PublicKeyCredentialCreationOptionsJSON on `in` and prints a
// RegistrationResponseJSON; get reads PublicKeyCredentialRequestOptionsJSON
// and prints an AuthenticationResponseJSON; ca prints the attestation CA's
// certificate (PEM), the trust anchor for the attestation formats that have
// one. Exit 0 on success; 1 with {"error": {"code", "message"}} on stdout
// when the options cannot be honoured or the store is corrupt (codes in
// AuthenticatorHelp()); 2 for a usage error or a store file that cannot be
// read or written.
// `io` is named "passkey authenticator"; the subcommand is added to it.
// Exit 3 when the response cannot be written to stdout (the store is saved
// by then).
int RunAuthenticator(const std::vector<std::string>& words, CommandIo io);

// AuthenticatorHelp: the --help text of `passkey authenticator`.
std::string_view AuthenticatorHelp();

}  // namespace passkey::cli

#endif  // PASSKEY_TOOLS_PASSKEY_CLI_AUTHENTICATOR_H_
