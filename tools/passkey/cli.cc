#include "cli.h"

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <passkey/passkey.h>

#include "cli_args.h"
#include "cli_authenticator.h"
#include "cli_demo.h"
#include "cli_io.h"
#include "cli_record.h"

#ifndef PASSKEY_VERSION_STRING
#define PASSKEY_VERSION_STRING "unknown"
#endif

namespace passkey::cli {
namespace {

constexpr std::string_view kTopHelp =
    R"(Usage: passkey <command> [options]

Verifies WebAuthn (passkey) responses the way a relying party's server does.

Commands:
  verify-registration    verify a RegistrationResponseJSON; prints the new
                         credential record
  verify-authentication  verify an AuthenticationResponseJSON against a stored
                         credential record; prints the updated record
  aaguid                 look up an AAGUID's provider name and icons
                         (built-in catalog, --catalog files, an MDS3 BLOB)
  mds verify             verify a FIDO Metadata Service 3 BLOB
  options                print the creation or request options JSON (with
                         a fresh challenge) to send to the browser
  authenticator          a software authenticator with a key store file:
                         answers a server's options JSON with the
                         response JSON a browser would send (create, get)
  demo                   full round trip with the built-in software
                         authenticator (registration, two sign-ins, one
                         tampered assertion that must be rejected)

Run 'passkey <command> --help' for a command's options.
Exit status: 0 verified, 1 rejected (stdout has {"error": {...}}), 2 usage,
3 standard output could not be written (the reason is on stderr).
)";

RelyingParty MakeRelyingParty(const VerifyArgs& args) {
  RelyingParty rp;
  rp.ids = args.rp_ids;
  rp.origins = args.origins;
  rp.top_origins = args.top_origins;
  rp.allow_cross_origin = args.allow_cross_origin;
  return rp;
}

UnixSeconds NowOrClock(const VerifyArgs& args) {
  if (args.now.has_value()) {
    return *args.now;
  }
  return static_cast<UnixSeconds>(std::time(nullptr));
}

// FillCommonOptions sets what RegistrationOptions and AuthenticationOptions
// share (same member names) from the parsed flags.
template <class Options>
void FillCommonOptions(const VerifyArgs& args, Options* options) {
  options->rp = MakeRelyingParty(args);
  options->challenge = args.challenge;
  options->user_verification = args.user_verification;
  options->allowed_algorithms = args.algorithms;
  options->expected_types = args.expected_types;
  options->now = NowOrClock(args);
}

// Reads the response (file or stdin). Returns -1 when `*text` was filled,
// otherwise the exit code to return.
int ReadResponse(const VerifyArgs& args, const CommandIo& io, std::string* text) {
  std::string why;
  const std::string path = args.response_path.value_or("-");
  switch (io.Read(path, "the response JSON", kMaxInputBytes, text, &why)) {
    case ReadStatus::kOk:
      return -1;
    case ReadStatus::kTooLarge:
      return io.Reject(ErrorCode::kMalformedResponse, "response is larger than 1 MiB");
    case ReadStatus::kIoError:
      return io.Usage(why);
  }
  return io.Usage("cannot read the response");
}

// AddTrustFile adds the certificates (`anchor`) or CRLs of one file to
// `trust` (PEM when the text has a PEM header, DER otherwise). A file that
// cannot be read or does not hold certificates / CRLs is a usage error: it
// is the caller's setup.
bool AddTrustFile(const std::string& path, bool anchor, const CommandIo& io,
                  AttestationTrust* trust, std::string* why) {
  std::string text;
  std::string read_error;
  if (io.Read(path, anchor ? "certificates (PEM or DER)" : "CRLs (PEM or DER)", kMaxInputBytes,
              &text, &read_error) != ReadStatus::kOk) {
    *why = read_error.empty() ? "cannot read " + path : read_error;
    return false;
  }
  const bool pem = text.find("-----BEGIN ") != std::string::npos;
  const Status added = anchor ? (pem ? trust->AddAnchorsPem(text) : trust->AddAnchorDer(AsBytes(text)))
                              : (pem ? trust->AddCrlsPem(text) : trust->AddCrlDer(AsBytes(text)));
  if (!added.has_value()) {
    *why = path + ": " + added.error().message;
    return false;
  }
  return true;
}

// LoadTrust reads the `anchor_paths` and `crl_paths` files into `trust`.
bool LoadTrust(const std::vector<std::string>& anchor_paths,
               const std::vector<std::string>& crl_paths, const CommandIo& io,
               AttestationTrust* trust, std::string* why) {
  for (const std::string& path : anchor_paths) {
    if (!AddTrustFile(path, true, io, trust, why)) return false;
  }
  for (const std::string& path : crl_paths) {
    if (!AddTrustFile(path, false, io, trust, why)) return false;
  }
  return true;
}

// Caps of the metadata files: the library's own caps plus one byte, so an
// oversized file reaches the library's size check and its error code.
constexpr std::size_t kMaxCatalogFileBytes = 8 * 1024 * 1024 + 1;
constexpr std::size_t kMaxMdsFileBytes = 16 * 1024 * 1024 + 1;

// Metadata: the merged catalog (built-in < --catalog files < MDS) and the
// verified MDS BLOB, when one was given.
// The built-in catalog is used in place (no copy) until a file or BLOB is
// merged over it.
struct Metadata {
  const AaguidCatalog& catalog() const { return merged ? *merged : AaguidCatalog::Embedded(); }
  AaguidCatalog& MutableCatalog() {
    if (!merged) merged.emplace(AaguidCatalog::Embedded());
    return *merged;
  }
  std::optional<AaguidCatalog> merged;
  std::optional<MdsBlob> blob;
};

// BlobRevocation: the CRLs (--crl files) and policy for an MDS BLOB chain.
struct BlobRevocation {
  std::vector<std::string> crl_paths;
  bool require_check = false;
};

// LoadMetadata reads --catalog, --mds and --mds-root (and the --crl files
// for the BLOB's chain). Returns -1 when `*metadata` was filled, otherwise
// the exit code to return: 2 for a file that cannot be read or a root or
// CRL that does not parse (setup), 1 with the library's code for a catalog
// or BLOB that is rejected (input data).
int LoadMetadata(const MetadataArgs& args, UnixSeconds now, const BlobRevocation& revocation,
                 const CommandIo& io, Metadata* metadata) {
  std::string why;
  for (const std::string& path : args.catalog_paths) {
    std::string text;
    switch (io.Read(path, "an AAGUID catalog", kMaxCatalogFileBytes, &text, &why)) {
      case ReadStatus::kOk:
        break;
      case ReadStatus::kTooLarge:
        return io.Reject(ErrorCode::kCatalogLimitExceeded, path + ": catalog larger than 8 MiB");
      case ReadStatus::kIoError:
        return io.Usage(why);
    }
    Result<AaguidCatalog> catalog = AaguidCatalog::FromJson(text);
    if (!catalog.has_value()) {
      return io.Reject(catalog.error().code, path + ": " + catalog.error().message);
    }
    metadata->MutableCatalog().Merge(*catalog);
  }
  if (args.mds_path.empty()) return -1;
  AttestationTrust roots;
  if (!LoadTrust({args.mds_root_path}, revocation.crl_paths, io, &roots, &why)) {
    return io.Usage(why);
  }
  std::string blob_text;
  switch (io.Read(args.mds_path, "the MDS3 BLOB", kMaxMdsFileBytes, &blob_text, &why)) {
    case ReadStatus::kOk:
      break;
    case ReadStatus::kTooLarge:
      return io.Reject(ErrorCode::kMdsLimitExceeded, args.mds_path + ": BLOB larger than 16 MiB");
    case ReadStatus::kIoError:
      return io.Usage(why);
  }
  MdsVerifyOptions options;
  options.now = now;
  options.require_revocation_check = revocation.require_check;
  Result<MdsBlob> blob = MdsBlob::Verify(blob_text, roots, options);
  if (!blob.has_value()) return io.Reject(blob.error());
  metadata->MutableCatalog().Merge(blob->ToCatalog());
  metadata->blob.emplace(std::move(*blob));
  return -1;
}

UnixSeconds NowOr(const std::optional<UnixSeconds>& now) {
  return now.has_value() ? *now : static_cast<UnixSeconds>(std::time(nullptr));
}

// Dump: one line of JSON for stdout.
std::string Dump(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int AaguidCommand(const std::vector<std::string>& words, const CommandIo& io) {
  AaguidArgs args;
  std::string usage_error;
  if (!ParseAaguidArgs(words, &args, &usage_error)) return io.Usage(usage_error);
  if (args.help) return io.Help(AaguidHelp());
  Metadata metadata;
  if (int code = LoadMetadata(args.metadata, NowOr(args.now), BlobRevocation{}, io, &metadata);
      code >= 0) {
    return code;
  }
  const AuthenticatorInfo* info = metadata.catalog().Find(args.aaguid);
  if (info == nullptr) {
    return io.Reject(ErrorCode::kUnknownAaguid,
                     "no catalog knows AAGUID " + args.aaguid.ToString());
  }
  nlohmann::ordered_json output = {{"aaguid", args.aaguid.ToString()},
                                   {"name", info->name},
                                   {"iconLight", info->icon_light},
                                   {"iconDark", info->icon_dark}};
  return io.Succeed(Dump(output));
}

// `passkey mds verify ...` (`io` is named "passkey mds verify" once the
// subcommand is known).
int MdsCommand(const std::vector<std::string>& words, CommandIo io) {
  if (words.empty()) return io.Usage("missing subcommand (verify)");
  if (words[0] == "--help" || words[0] == "-h") return io.Help(MdsHelp());
  if (words[0] != "verify") return io.Usage("unknown subcommand '" + words[0] + "'");
  io.name += " verify";
  MdsVerifyArgs args;
  std::string usage_error;
  if (!ParseMdsVerifyArgs(std::vector<std::string>(words.begin() + 1, words.end()), &args,
                          &usage_error)) {
    return io.Usage(usage_error);
  }
  if (args.help) return io.Help(MdsHelp());
  std::string why;
  AttestationTrust roots;
  if (!LoadTrust({args.root_path}, args.crl_paths, io, &roots, &why)) return io.Usage(why);
  std::string blob_text;
  switch (io.Read(args.blob_path, "the MDS3 BLOB", kMaxMdsFileBytes, &blob_text, &why)) {
    case ReadStatus::kOk:
      break;
    case ReadStatus::kTooLarge:
      return io.Reject(ErrorCode::kMdsLimitExceeded, "BLOB larger than 16 MiB");
    case ReadStatus::kIoError:
      return io.Usage(why);
  }
  MdsVerifyOptions options;
  const UnixSeconds now = NowOr(args.now);
  options.now = now;
  options.last_number = args.min_number;
  options.require_revocation_check = args.require_revocation_check;
  Result<MdsBlob> blob = MdsBlob::Verify(blob_text, roots, options);
  if (!blob.has_value()) return io.Reject(blob.error());
  nlohmann::ordered_json output = {{"no", blob->number()},
                                   {"nextUpdate", blob->next_update()},
                                   {"entries", blob->entries().size()},
                                   {"stale", blob->stale(now)},
                                   {"revocationChecked", blob->revocation_checked()}};
  return io.Succeed(Dump(output));
}

int VerifyRegistrationCommand(const std::vector<std::string>& words, const CommandIo& io) {
  VerifyArgs args;
  std::string usage_error;
  if (!ParseVerifyArgs(Ceremony::kRegistration, words, &args, &usage_error)) {
    return io.Usage(usage_error);
  }
  if (args.help) return io.Help(VerifyHelp(Ceremony::kRegistration));
  std::string text;
  if (int code = ReadResponse(args, io, &text); code >= 0) return code;

  RegistrationOptions options;
  FillCommonOptions(args, &options);
  options.allow_sha1_attestation = args.allow_sha1_attestation;
  AttestationTrust trust;
  if (!args.trust_anchor_paths.empty() || !args.crl_paths.empty()) {
    std::string why;
    if (!LoadTrust(args.trust_anchor_paths, args.crl_paths, io, &trust, &why)) {
      return io.Usage(why);
    }
    options.attestation_trust = &trust;
  }
  options.require_trusted_attestation = args.require_trusted_attestation;
  options.require_revocation_check = args.require_revocation_check;
  options.android_key_require_tee = args.android_key_require_tee;
  options.allow_safetynet_without_cts_profile_match =
      args.allow_safetynet_without_cts_profile_match;
  options.danger_skip_safetynet_timestamp_check = args.danger_skip_safetynet_timestamp_check;
  options.user_handle = args.user_handle;
  options.mediation = args.mediation;
  Metadata metadata;
  if (args.metadata.any()) {
    const BlobRevocation revocation{args.crl_paths, args.require_revocation_check};
    if (int code = LoadMetadata(args.metadata, *options.now, revocation, io, &metadata);
        code >= 0) {
      return code;
    }
    options.aaguid_catalog = &metadata.catalog();
    if (metadata.blob.has_value()) {
      // The MDS attestation roots vouch only for their own AAGUID; the
      // status policy rejects compromised models (passkey/mds.h).
      const Status added = metadata.blob->AddAttestationRoots(&trust);
      if (!added.has_value()) return io.Reject(added.error());
      options.attestation_trust = &trust;
      options.mds_blob = &*metadata.blob;
    }
  }

  Result<RegistrationResponse> response = ParseRegistrationResponseJson(text);
  if (!response.has_value()) return io.Reject(response.error());
  Result<CredentialRecord> record = VerifyRegistration(options, *response);
  if (!record.has_value()) return io.Reject(record.error());
  return io.Succeed(CredentialRecordToJson(*record));
}

int VerifyAuthenticationCommand(const std::vector<std::string>& words, const CommandIo& io) {
  VerifyArgs args;
  std::string usage_error;
  if (!ParseVerifyArgs(Ceremony::kAuthentication, words, &args, &usage_error)) {
    return io.Usage(usage_error);
  }
  if (args.help) return io.Help(VerifyHelp(Ceremony::kAuthentication));

  // Both inputs are read before anything is verified, so an unreadable file
  // is always a usage error (exit 2).
  if (args.credential_path == "-" && args.response_path.value_or("-") == "-") {
    return io.Usage("--credential - needs the response in --response FILE");
  }
  std::string record_text;
  std::string why;
  switch (io.Read(args.credential_path, "the credential record JSON", kMaxInputBytes,
                  &record_text, &why)) {
    case ReadStatus::kOk:
      break;
    case ReadStatus::kTooLarge:
      return io.Reject(ErrorCode::kMalformedCredentialRecord,
                       "credential record is larger than 1 MiB");
    case ReadStatus::kIoError:
      return io.Usage(why);
  }
  std::string text;
  if (int code = ReadResponse(args, io, &text); code >= 0) return code;

  // The record as stored, or as a previous run printed it.
  Result<StoredRecord> stored = ReadStoredRecord(record_text);
  if (!stored.has_value()) return io.Reject(stored.error());
  const CredentialRecord& record = stored->record;

  AuthenticationOptions options;
  FillCommonOptions(args, &options);
  // --allow-sha1-attestation (CONTRACT.md §6) admits RS1 credential keys.
  options.allow_rs1_credentials = args.allow_sha1_attestation;
  Metadata metadata;
  if (args.metadata.any()) {
    if (int code = LoadMetadata(args.metadata, *options.now, BlobRevocation{}, io, &metadata);
        code >= 0) {
      return code;
    }
  }
  options.appid = args.appid;
  options.user_handle = args.user_handle;
  options.allow_credentials = args.allow_credentials;
  options.discoverable = args.discoverable;
  options.allow_sign_count_rollback = args.allow_sign_count_rollback;

  Result<AuthenticationResponse> response = ParseAuthenticationResponseJson(text);
  if (!response.has_value()) return io.Reject(response.error());
  Result<AuthenticationResult> result = VerifyAuthentication(options, record, *response);
  if (!result.has_value()) return io.Reject(result.error());
  CredentialRecord updated = record;
  UpdateCredentialRecord(updated, *result);
  if (args.metadata.any()) {
    // The provider comes from the merged catalog (absent when unknown).
    const AuthenticatorInfo* info = metadata.catalog().Find(updated.aaguid);
    updated.provider = info != nullptr ? std::optional<AuthenticatorInfo>(*info) : std::nullopt;
  }

  Result<nlohmann::ordered_json> credential = RewriteStoredRecord(*stored, updated);
  if (!credential.has_value()) return io.Reject(credential.error());
  nlohmann::ordered_json output = nlohmann::ordered_json::object();
  output["credential"] = std::move(credential).value();
  output["signCount"] = result->sign_count;
  output["userVerified"] = result->user_verified;
  output["backupState"] = result->backup_state;
  if (result->backup_state_changed) {
    output["backupStateChanged"] = true;
  }
  if (result->sign_count_rollback) {
    output["signCountRollback"] = true;
  }
  return io.Succeed(Dump(output));
}

// `passkey options registration|authentication ...`: the library's
// MakeRegistrationOptions / MakeAuthenticationOptions on the command line
// (`io` is named after the ceremony once it is known).
int OptionsCommand(const std::vector<std::string>& words, CommandIo io) {
  if (!words.empty() && (words[0] == "registration" || words[0] == "authentication")) {
    io.name += " " + words[0];
  }
  OptionsArgs args;
  std::string usage_error;
  if (!ParseOptionsArgs(words, &args, &usage_error)) return io.Usage(usage_error);
  if (args.help) return io.Help(OptionsHelp());
  Result<GeneratedOptions> options = Unexpected(ErrorCode::kInternal, "not generated");
  if (args.ceremony == Ceremony::kRegistration) {
    if (!args.user_id_given) {
      Result<Bytes> user_id = GenerateUserHandle();
      if (!user_id.has_value()) return io.Reject(user_id.error());
      args.creation.user_id = std::move(user_id).value();
    }
    options = MakeRegistrationOptions(args.creation);
  } else {
    options = MakeAuthenticationOptions(args.request);
  }
  if (!options.has_value()) {
    // The flags are the only input: an invalid value is a usage error,
    // named by its flag.
    if (options.error().code == ErrorCode::kInvalidArgument) {
      return io.Usage(WithFlagNames(options.error().message));
    }
    return io.Reject(options.error());
  }
  return io.Succeed(options->json);
}

}  // namespace

int Run(const std::vector<std::string>& args, std::FILE* in, std::FILE* out, std::FILE* err) {
  CommandIo io{"passkey", in, out, err};
  if (args.empty()) {
    std::fputs(std::string(kTopHelp).c_str(), err);
    std::fflush(err);
    return kExitUsage;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "-h" || command == "help") return io.Help(kTopHelp);
  if (command == "--version") return io.Succeed("passkey " PASSKEY_VERSION_STRING);
  // Every message of a command starts with its name.
  const CommandIo named{"passkey " + command, in, out, err};
  if (command == "verify-registration") return VerifyRegistrationCommand(rest, named);
  if (command == "verify-authentication") return VerifyAuthenticationCommand(rest, named);
  if (command == "aaguid") return AaguidCommand(rest, named);
  if (command == "mds") return MdsCommand(rest, named);
  if (command == "options") return OptionsCommand(rest, named);
  if (command == "authenticator") return RunAuthenticator(rest, named);
  if (command == "demo") return RunDemo(rest, named);
  return io.Usage("unknown command '" + command + "'");
}

}  // namespace passkey::cli
