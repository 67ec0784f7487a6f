// Option parsing for `passkey verify-registration` / `verify-authentication`.
#ifndef PASSKEY_TOOLS_PASSKEY_CLI_ARGS_H_
#define PASSKEY_TOOLS_PASSKEY_CLI_ARGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <passkey/bytes.h>
#include <passkey/ceremony_options.h>
#include <passkey/options.h>
#include <passkey/types.h>

namespace passkey::cli {

enum class Ceremony { kRegistration, kAuthentication };

// MetadataArgs: where provider names, icons and MDS data come from
// (--catalog FILE ..., --mds BLOB --mds-root PEM). Shared by `aaguid` and
// the verify-* commands.
struct MetadataArgs {
  std::vector<std::string> catalog_paths;  // community-format catalogs, in order
  std::string mds_path;                    // FIDO MDS3 BLOB (empty: none)
  std::string mds_root_path;               // its root certificate (PEM or DER)
  bool any() const { return !catalog_paths.empty() || !mds_path.empty(); }
};

// VerifyArgs: the parsed command line of a verify-* command.
struct VerifyArgs {
  bool help = false;  // --help / -h seen: print help, exit 0
  std::vector<std::string> rp_ids;
  std::vector<std::string> origins;
  std::vector<std::string> top_origins;
  std::vector<std::string> expected_types;
  bool allow_cross_origin = false;
  bool allow_sha1_attestation = false;
  Bytes challenge;
  UserVerification user_verification = UserVerification::kRequired;
  std::vector<CoseAlgorithm> algorithms;
  std::optional<std::string> response_path;  // nullopt or "-": stdin
  std::optional<UnixSeconds> now;            // nullopt: the current time
  // Registration only.
  std::vector<std::string> trust_anchor_paths;
  std::vector<std::string> crl_paths;  // with --mds also for the BLOB chain
  bool require_revocation_check = false;
  bool require_trusted_attestation = false;
  bool android_key_require_tee = false;
  bool allow_safetynet_without_cts_profile_match = false;
  bool danger_skip_safetynet_timestamp_check = false;
  Mediation mediation = Mediation::kDefault;
  // Registration and authentication.
  Bytes user_handle;
  // Authentication only.
  std::string credential_path;
  std::string appid;
  std::vector<Bytes> allow_credentials;
  bool discoverable = false;
  bool allow_sign_count_rollback = false;
  // Both.
  MetadataArgs metadata;
};

// AaguidArgs: `passkey aaguid UUID [--catalog FILE ...] [--mds BLOB
// --mds-root PEM] [--now ISO8601]`.
struct AaguidArgs {
  bool help = false;
  Aaguid aaguid;
  MetadataArgs metadata;
  std::optional<UnixSeconds> now;  // nullopt: the current time
};

// MdsVerifyArgs: `passkey mds verify BLOB --root PEM [--now ISO8601]
// [--min-number N] [--crl FILE ...] [--require-revocation-check]`.
struct MdsVerifyArgs {
  bool help = false;
  std::string blob_path;  // "-": stdin
  std::string root_path;
  std::optional<UnixSeconds> now;
  std::optional<std::uint64_t> min_number;  // reject unless no > N
  std::vector<std::string> crl_paths;
  bool require_revocation_check = false;
};

// ParseVerifyArgs parses `args` (the words after the command name). Every
// option that takes a value accepts both `--opt VALUE` and `--opt=VALUE`, and
// the value may begin with '-'. On a usage error returns false and sets
// `*error` to a one-line message.
bool ParseVerifyArgs(Ceremony ceremony, const std::vector<std::string>& args, VerifyArgs* out,
                     std::string* error);

// ParseAaguidArgs / ParseMdsVerifyArgs parse the words after `aaguid` /
// `mds verify`, with the conventions of ParseVerifyArgs.
bool ParseAaguidArgs(const std::vector<std::string>& args, AaguidArgs* out, std::string* error);
bool ParseMdsVerifyArgs(const std::vector<std::string>& args, MdsVerifyArgs* out,
                        std::string* error);

// AaguidHelp / MdsHelp: the --help texts of `aaguid` and `mds`.
std::string_view AaguidHelp();
std::string_view MdsHelp();


// OptionsArgs: `passkey options registration|authentication [options]`.
struct OptionsArgs {
  bool help = false;
  Ceremony ceremony = Ceremony::kRegistration;
  CreationOptionsParams creation;  // registration
  bool user_id_given = false;      // false: a fresh user handle is generated
  RequestOptionsParams request;    // authentication
};

// ParseOptionsArgs parses the words after `options` (the ceremony first),
// with the conventions of ParseVerifyArgs. Value checks the library makes
// (RP ID syntax, sizes, duplicates) are left to MakeRegistrationOptions /
// MakeAuthenticationOptions.
bool ParseOptionsArgs(const std::vector<std::string>& args, OptionsArgs* out,
                      std::string* error);

// OptionsHelp: the --help text of `options`.
std::string_view OptionsHelp();

// WithFlagNames rewrites a library message about the caller's options
// (kInvalidArgument of ValidateRelyingParty, MakeRegistrationOptions,
// MakeAuthenticationOptions) to name the flag the value came from: the
// leading field name ("rp_id", "RP ID", "exclude_credentials[1]") becomes
// the flag ("--rp-id", "--exclude #2"). Other messages are returned as is.
std::string WithFlagNames(std::string_view message);

// VerifyHelp returns the --help text of a verify-* command.
std::string_view VerifyHelp(Ceremony ceremony);

}  // namespace passkey::cli

#endif  // PASSKEY_TOOLS_PASSKEY_CLI_ARGS_H_
