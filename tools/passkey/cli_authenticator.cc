#include "cli_authenticator.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>
#include <passkey/testing/standard_attestation.h>
#include <passkey/testing/test_ca.h>

#include "cli.h"
#include "cli_io.h"

namespace passkey::cli {
namespace {

using Json = nlohmann::json;
using testing::SoftwareAuthenticator;
using testing::TestCa;

constexpr std::string_view kHelp =
    R"(Usage: passkey authenticator create --store FILE --origin ORIGIN [options]
           < creationOptions.json > registrationResponse.json
       passkey authenticator get --store FILE --origin ORIGIN [options]
           < requestOptions.json > authenticationResponse.json
       passkey authenticator ca --store FILE > attestation-ca.pem

A software authenticator and WebAuthn client for testing a server without a
browser. It reads the options JSON the server sends (WebAuthn L3
PublicKeyCredentialCreationOptionsJSON / PublicKeyCredentialRequestOptionsJSON,
bare or wrapped as {"publicKey": {...}}) and prints the response JSON a
browser would post back. Credentials (with their private keys, in the clear:
test use only) live in the store FILE: JSON, created if missing, mode 0600,
replaced atomically on every change.

create: honours rp.id (default: the origin's host; it must be the host or a
parent domain of it), challenge, user.id, pubKeyCredParams (the first
algorithm it can make: ES256, EdDSA, Ed448, ES384, ES512, PS256, PS384, PS512,
RS256, RS384, RS512; fido-u2f only ES256, tpm no EdDSA), excludeCredentials,
authenticatorSelection.residentKey / requireResidentKey (discouraged: the
credential is not discoverable) and userVerification.
get: honours rpId, challenge, allowCredentials (only those; empty or absent:
the newest discoverable credential for the RP ID) and userVerification. The
signature counter of the credential used goes up by one and is stored.

Options (a value may begin with '-'; --opt=VALUE also works):
  --store FILE           the key store (created if missing)
  --origin ORIGIN        the page's origin, e.g. https://example.com
                         (https, or http for localhost)
  --attestation FMT      create: none (default) | packed | fido-u2f | tpm |
                         android-key | apple; the certificates chain to the
                         store's attestation CA ('authenticator ca')
  --backup-eligible      create: set BE (a synced passkey)
  --backup-state         create: set BS too (needs --backup-eligible)
  --no-uv                create/get: leave UV clear (user present only)
  --user-handle          get: include response.userHandle (always included
                         for a discoverable credential, i.e. no
                         allowCredentials)

Errors (exit 1, stdout {"error": {"code", "message"}}):
  invalid_argument       the options JSON is malformed or lacks a member
  rp_id_mismatch         the RP ID is not the origin's host or a parent
                         domain of it (a browser's SecurityError)
  unsupported_algorithm  no pubKeyCredParams algorithm can be made (with this
                         --attestation) (NotSupportedError)
  credential_excluded    excludeCredentials lists a stored credential for the
                         RP ID (InvalidStateError)
  user_not_verified      userVerification is required and --no-uv is given
  no_credentials         get: no stored credential matches (NotAllowedError)
  malformed_store        the store file is not a store this tool wrote
  internal_error         OpenSSL failed
Exit 2: a usage error, or the store cannot be read or written. Exit 3: the
response could not be written to standard output (the store is saved).
)";

// Store layout version; a store with another version is malformed_store.
constexpr int kStoreVersion = 1;
// kMaxStoreBytes: a stored RSA credential is about 2 KiB.
constexpr std::size_t kMaxStoreBytes = 64 * 1024 * 1024;
constexpr std::string_view kCaName = "passkey software authenticator attestation CA";

// kAlgorithms: what the software authenticator can make (RS1 left out: it
// is deprecated and refused by default by verifiers, this one included).
constexpr CoseAlgorithm kAlgorithms[] = {
    CoseAlgorithm::kEs256, CoseAlgorithm::kEdDsa, CoseAlgorithm::kEd448,
    CoseAlgorithm::kEs384, CoseAlgorithm::kEs512, CoseAlgorithm::kPs256,
    CoseAlgorithm::kPs384, CoseAlgorithm::kPs512, CoseAlgorithm::kRs256,
    CoseAlgorithm::kRs384, CoseAlgorithm::kRs512};

// Failure: an exit-1 outcome with the code printed on stdout.
struct Failure {
  std::string code;
  std::string message;
};

int Reject(const CommandIo& io, const Failure& failure) {
  return io.Print(ErrorJson(failure.code, failure.message), kExitRejected);
}

Failure FromError(const Error& error) {
  return {std::string(ErrorCodeName(error.code)), error.message};
}

// --- Command line ------------------------------------------------------------

struct Args {
  std::string command;  // create | get | ca
  bool help = false;
  std::string store;
  std::string origin;
  std::string attestation = "none";
  bool backup_eligible = false;
  bool backup_state = false;
  bool no_uv = false;
  bool user_handle = false;
};

bool ParseArgs(const std::vector<std::string>& words, Args* args, std::string* error) {
  if (words.empty()) {
    *error = "missing subcommand (create, get or ca)";
    return false;
  }
  if (words[0] == "--help" || words[0] == "-h") {
    args->help = true;
    return true;
  }
  args->command = words[0];
  if (args->command != "create" && args->command != "get" && args->command != "ca") {
    *error = "unknown subcommand '" + args->command + "'";
    return false;
  }
  const bool create = args->command == "create";
  const bool get = args->command == "get";
  bool attestation_given = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "--help" || word == "-h") {
      args->help = true;
      return true;
    }
    if (word.rfind("--", 0) != 0) {
      *error = "unexpected argument '" + word + "'";
      return false;
    }
    const std::size_t equals = word.find('=');
    const std::string name = word.substr(0, equals);
    std::optional<std::string> inline_value;
    if (equals != std::string::npos) inline_value = word.substr(equals + 1);

    bool* flag = nullptr;
    if (name == "--backup-eligible" && create) flag = &args->backup_eligible;
    if (name == "--backup-state" && create) flag = &args->backup_state;
    if (name == "--no-uv" && (create || get)) flag = &args->no_uv;
    if (name == "--user-handle" && get) flag = &args->user_handle;
    if (flag != nullptr) {
      if (inline_value.has_value()) {
        *error = name + " takes no value";
        return false;
      }
      *flag = true;
      continue;
    }

    std::string* target = nullptr;
    bool* seen = nullptr;
    bool store_seen = !args->store.empty();
    bool origin_seen = !args->origin.empty();
    if (name == "--store") {
      target = &args->store;
      seen = &store_seen;
    } else if (name == "--origin" && (create || get)) {
      target = &args->origin;
      seen = &origin_seen;
    } else if (name == "--attestation" && create) {
      target = &args->attestation;
      seen = &attestation_given;
    }
    if (target == nullptr) {
      *error = "unknown option '" + name + "' for " + args->command;
      return false;
    }
    if (*seen) {
      *error = name + " given twice";
      return false;
    }
    if (inline_value.has_value()) {
      *target = *inline_value;
    } else if (i + 1 < words.size()) {
      *target = words[++i];  // may begin with '-' (CONTRACT.md 1)
    } else {
      *error = name + " needs a value";
      return false;
    }
    if (target->empty()) {
      *error = name + " needs a non-empty value";
      return false;
    }
    *seen = true;
  }
  if (args->store.empty()) {
    *error = "--store FILE is required";
    return false;
  }
  if (args->store == "-") {
    *error = "--store must name a file (stdin carries the options)";
    return false;
  }
  if ((create || get) && args->origin.empty()) {
    *error = "--origin ORIGIN is required";
    return false;
  }
  const auto& formats = testing::StandardAttestationFormats();
  if (std::find(formats.begin(), formats.end(), args->attestation) == formats.end()) {
    *error = "unknown --attestation '" + args->attestation +
             "' (none, packed, fido-u2f, tpm, android-key, apple)";
    return false;
  }
  if (args->backup_state && !args->backup_eligible) {
    *error = "--backup-state needs --backup-eligible (BS without BE is invalid)";
    return false;
  }
  return true;
}

bool IsLdhHost(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') {
    return false;
  }
  char previous = '.';
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok || (c == '.' && previous == '.')) return false;
    previous = c;
  }
  return true;
}

bool IsIpv4(std::string_view host) {
  return !host.empty() &&
         host.find_first_not_of("0123456789.") == std::string_view::npos;
}

// ParseOrigin checks that `origin` is a secure-context origin (https, or
// http on localhost) serialized as browsers do (lowercase host, no path),
// and returns its host. IP-address hosts are refused: an RP ID is a domain.
bool ParseOrigin(const std::string& origin, std::string* host, std::string* error) {
  std::string_view rest = origin;
  bool http = false;
  if (rest.rfind("https://", 0) == 0) {
    rest.remove_prefix(8);
  } else if (rest.rfind("http://", 0) == 0) {
    rest.remove_prefix(7);
    http = true;
  } else {
    *error = "--origin must start with https:// (or http:// for localhost)";
    return false;
  }
  const std::size_t colon = rest.find(':');
  std::string_view name = rest.substr(0, colon);
  if (colon != std::string_view::npos) {
    const std::string_view port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string_view::npos) {
      *error = "--origin has a bad port (no path is allowed either)";
      return false;
    }
  }
  if (!IsLdhHost(name) || IsIpv4(name)) {
    *error = "--origin needs a lowercase domain name host and no path";
    return false;
  }
  const bool localhost = name == "localhost" ||
                         (name.size() > 10 && name.substr(name.size() - 10) == ".localhost");
  if (http && !localhost) {
    *error = "an http:// origin is a secure context only on localhost";
    return false;
  }
  *host = std::string(name);
  return true;
}

// RpIdAllowed: WebAuthn L3 §5.1.3 "rpId is a registrable domain suffix of
// or is equal to" the origin's effective domain. Without the Public Suffix
// List the "registrable" part is approximated: a parent domain must have
// at least two labels (so "com" is refused, "co.uk" is not).
bool RpIdAllowed(std::string_view rp_id, std::string_view host) {
  if (!IsLdhHost(rp_id)) return false;
  if (rp_id == host) return true;
  if (rp_id.find('.') == std::string_view::npos) return false;
  return host.size() > rp_id.size() && host.substr(host.size() - rp_id.size()) == rp_id &&
         host[host.size() - rp_id.size() - 1] == '.';
}

// --- Key store ---------------------------------------------------------------

struct StoredCredential {
  Bytes id;
  std::string rp_id;
  Bytes user_handle;
  std::string user_name;
  CoseAlgorithm alg = CoseAlgorithm::kEs256;
  std::string private_key_pem;
  std::uint32_t sign_count = 0;
  bool backup_eligible = false;
  bool backup_state = false;
  bool discoverable = true;
  std::string format;  // the attestation format it was registered with
};

struct Store {
  std::vector<StoredCredential> credentials;
  std::string ca_certificate_pem;  // empty: no CA yet
  std::string ca_private_key_pem;
};

bool SupportedAlgorithm(std::int64_t value, CoseAlgorithm* alg) {
  for (const CoseAlgorithm candidate : kAlgorithms) {
    if (static_cast<std::int64_t>(candidate) == value) {
      *alg = candidate;
      return true;
    }
  }
  return false;
}

const Json* Member(const Json& object, const char* name) {
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

bool StringMember(const Json& object, const char* name, std::string* out) {
  const Json* value = Member(object, name);
  if (value == nullptr || !value->is_string()) return false;
  *out = value->get<std::string>();
  return true;
}

bool BytesMember(const Json& object, const char* name, Bytes* out) {
  std::string text;
  if (!StringMember(object, name, &text)) return false;
  Result<Bytes> decoded = Base64UrlDecode(text);
  if (!decoded.has_value()) return false;
  *out = std::move(decoded).value();
  return true;
}

bool BoolMember(const Json& object, const char* name, bool* out) {
  const Json* value = Member(object, name);
  if (value == nullptr || !value->is_boolean()) return false;
  *out = value->get<bool>();
  return true;
}

// ParseStore reads the store JSON strictly: every member present with its
// type, so a hand-edited or truncated file is reported, not half-used.
bool ParseStore(const std::string& text, Store* store, std::string* why) {
  const Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    *why = "the store is not a JSON object";
    return false;
  }
  const Json* version = Member(root, "version");
  if (version == nullptr || !version->is_number_integer() ||
      version->get<std::int64_t>() != kStoreVersion) {
    *why = "the store has no version or one this tool does not know";
    return false;
  }
  if (const Json* ca = Member(root, "attestationCa"); ca != nullptr) {
    if (!ca->is_object() || !StringMember(*ca, "certificate", &store->ca_certificate_pem) ||
        !StringMember(*ca, "privateKey", &store->ca_private_key_pem)) {
      *why = "attestationCa needs certificate and privateKey (PEM)";
      return false;
    }
  }
  const Json* credentials = Member(root, "credentials");
  if (credentials == nullptr || !credentials->is_array()) {
    *why = "the store has no credentials array";
    return false;
  }
  for (const Json& entry : *credentials) {
    StoredCredential credential;
    const Json* alg = entry.is_object() ? Member(entry, "alg") : nullptr;
    const Json* count = entry.is_object() ? Member(entry, "signCount") : nullptr;
    if (alg == nullptr || !alg->is_number_integer() ||
        !SupportedAlgorithm(alg->get<std::int64_t>(), &credential.alg) || count == nullptr ||
        !count->is_number_unsigned() ||
        count->get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max() ||
        !BytesMember(entry, "id", &credential.id) || credential.id.empty() ||
        !StringMember(entry, "rpId", &credential.rp_id) ||
        !BytesMember(entry, "userHandle", &credential.user_handle) ||
        !StringMember(entry, "userName", &credential.user_name) ||
        !StringMember(entry, "privateKey", &credential.private_key_pem) ||
        !StringMember(entry, "format", &credential.format) ||
        !BoolMember(entry, "backupEligible", &credential.backup_eligible) ||
        !BoolMember(entry, "backupState", &credential.backup_state) ||
        !BoolMember(entry, "discoverable", &credential.discoverable)) {
      *why = "credential " + std::to_string(store->credentials.size()) +
             " lacks a member or has one of the wrong type";
      return false;
    }
    credential.sign_count = static_cast<std::uint32_t>(count->get<std::uint64_t>());
    store->credentials.push_back(std::move(credential));
  }
  return true;
}

std::string StoreJson(const Store& store) {
  nlohmann::ordered_json root = nlohmann::ordered_json::object();
  root["version"] = kStoreVersion;
  if (!store.ca_certificate_pem.empty()) {
    root["attestationCa"] = {{"certificate", store.ca_certificate_pem},
                             {"privateKey", store.ca_private_key_pem}};
  }
  nlohmann::ordered_json credentials = nlohmann::ordered_json::array();
  for (const StoredCredential& credential : store.credentials) {
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    entry["id"] = Base64UrlEncode(credential.id);
    entry["rpId"] = credential.rp_id;
    entry["userHandle"] = Base64UrlEncode(credential.user_handle);
    entry["userName"] = credential.user_name;
    entry["alg"] = static_cast<std::int32_t>(credential.alg);
    entry["signCount"] = credential.sign_count;
    entry["backupEligible"] = credential.backup_eligible;
    entry["backupState"] = credential.backup_state;
    entry["discoverable"] = credential.discoverable;
    entry["format"] = credential.format;
    entry["privateKey"] = credential.private_key_pem;
    credentials.push_back(std::move(entry));
  }
  root["credentials"] = std::move(credentials);
  return root.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

enum class StoreStatus { kOk, kMalformed, kIoError };

// LoadStore reads `path`; a missing file is an empty store.
StoreStatus LoadStore(const std::string& path, std::FILE* in, Store* store, std::string* why) {
  struct stat info{};
  if (::stat(path.c_str(), &info) != 0 && errno == ENOENT) return StoreStatus::kOk;
  std::string text;
  switch (ReadPathCapped(path, in, kMaxStoreBytes, &text, why)) {
    case ReadStatus::kOk:
      break;
    case ReadStatus::kTooLarge:
      *why = "the store is larger than 64 MiB";
      return StoreStatus::kMalformed;
    case ReadStatus::kIoError:
      return StoreStatus::kIoError;
  }
  return ParseStore(text, store, why) ? StoreStatus::kOk : StoreStatus::kMalformed;
}

// SaveStore replaces `path` atomically: a 0600 temporary file in the same
// directory, written and synced, then renamed over it. A reader sees the
// old or the new store, never a part of one.
bool SaveStore(const std::string& path, const Store& store, std::string* why) {
  const std::string text = StoreJson(store);
  std::string temp = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(temp.data());  // created with mode 0600
  if (fd < 0) {
    *why = "cannot create a temporary file beside '" + path + "': " + std::strerror(errno);
    return false;
  }
  bool ok = ::fchmod(fd, S_IRUSR | S_IWUSR) == 0;
  std::size_t written = 0;
  while (ok && written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    *why = "cannot write '" + path + "': " + std::strerror(ok ? errno : saved);
    ::unlink(temp.c_str());
    return false;
  }
  return true;
}

// --- Options JSON --------------------------------------------------------------

// ReadOptions reads the options JSON from `in`, unwrapping {"publicKey":…}.
bool ReadOptions(const CommandIo& io, Json* options, Failure* failure) {
  std::string text;
  std::string why;
  if (io.Read("-", "the options JSON", kMaxInputBytes, &text, &why) != ReadStatus::kOk) {
    *failure = {"invalid_argument", "cannot read the options JSON (over 1 MiB?) on stdin"};
    return false;
  }
  Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    *failure = {"invalid_argument", "the options on stdin are not a JSON object"};
    return false;
  }
  if (const Json* inner = Member(root, "publicKey");
      inner != nullptr && inner->is_object() && Member(root, "challenge") == nullptr) {
    root = Json(*inner);
  }
  *options = std::move(root);
  return true;
}

bool Invalid(Failure* failure, std::string message) {
  *failure = {"invalid_argument", std::move(message)};
  return false;
}

// Descriptors reads excludeCredentials / allowCredentials: absent = empty;
// entries of another type than "public-key" are skipped (§5.8.3: the
// client ignores unknown types).
bool Descriptors(const Json& options, const char* name, std::vector<Bytes>* ids,
                 Failure* failure) {
  const Json* list = Member(options, name);
  if (list == nullptr) return true;
  if (!list->is_array()) return Invalid(failure, std::string(name) + " is not an array");
  for (const Json& entry : *list) {
    std::string type;
    Bytes id;
    if (!entry.is_object() || !StringMember(entry, "type", &type) ||
        !BytesMember(entry, "id", &id)) {
      return Invalid(failure, std::string(name) + " has an entry without type and base64url id");
    }
    if (type == "public-key") ids->push_back(std::move(id));
  }
  return true;
}

// CommonRequest: what both ceremonies take from the options.
struct CommonRequest {
  Bytes challenge;
  std::string rp_id;
  std::string user_verification = "preferred";  // §5.4.6 default
};

// ReadCommon reads challenge and userVerification from `options` and
// `rp_id` (the rp.id or rpId member, or nullptr), and checks the RP ID
// against the origin's host.
bool ReadCommon(const Json& options, const Json* rp_id, const std::string& host, bool no_uv,
                CommonRequest* request, Failure* failure) {
  if (!BytesMember(options, "challenge", &request->challenge) || request->challenge.empty()) {
    return Invalid(failure, "challenge is missing or not base64url");
  }
  if (rp_id != nullptr) {
    if (!rp_id->is_string()) return Invalid(failure, "the RP ID is not a string");
    request->rp_id = rp_id->get<std::string>();
  } else {
    request->rp_id = host;
  }
  if (!RpIdAllowed(request->rp_id, host)) {
    *failure = {"rp_id_mismatch",
                "RP ID '" + request->rp_id + "' is not the origin's host or a parent domain of it"};
    return false;
  }
  if (const Json* uv = Member(options, "userVerification"); uv != nullptr) {
    if (!uv->is_string()) return Invalid(failure, "userVerification is not a string");
    request->user_verification = uv->get<std::string>();
  }
  if (no_uv && request->user_verification == "required") {
    *failure = {"user_not_verified", "userVerification is required and --no-uv was given"};
    return false;
  }
  return true;
}

// --- Commands ----------------------------------------------------------------

// Session: the parsed arguments, the loaded store and the streams.
struct Session {
  // Constructed, not aggregate-initialised: g++ 12 at -O3 reports the
  // members of a `{.store = {}}` aggregate as "may be used uninitialized"
  // on the early-return paths (a false positive that -Werror turns fatal).
  explicit Session(CommandIo command_io) : io(std::move(command_io)) {}

  Args args;
  std::string host;
  Store store;
  CommandIo io;
};

// LoadCa returns the store's attestation CA, making (and recording) one on
// first use.
Result<TestCa> LoadCa(Store* store) {
  if (!store->ca_certificate_pem.empty()) {
    return TestCa::FromPem(store->ca_certificate_pem, store->ca_private_key_pem);
  }
  Result<TestCa> ca = TestCa::CreateRoot(kCaName);
  if (!ca.has_value()) return ca;
  Result<std::string> key = ca->PrivateKeyPem();
  if (!key.has_value()) return Unexpected(key.error());
  store->ca_certificate_pem = ca->certificate_pem();
  store->ca_private_key_pem = std::move(key).value();
  return ca;
}

// Finish saves the store, then prints `text`: a response is only shown once
// the credential / counter it depends on is stored.
int Finish(Session& session, const std::string& text) {
  std::string why;
  if (!SaveStore(session.args.store, session.store, &why)) return session.io.Usage(why);
  return session.io.Succeed(text);
}

// ChooseAlgorithm: the first pubKeyCredParams entry the authenticator can
// make in `format`. An empty list means ES256 and RS256 (§5.1.3 step 10).
bool ChooseAlgorithm(const Json& options, const std::string& format, CoseAlgorithm* alg,
                     Failure* failure) {
  const Json* params = Member(options, "pubKeyCredParams");
  if (params == nullptr || !params->is_array()) {
    return Invalid(failure, "pubKeyCredParams is missing or not an array");
  }
  std::vector<std::int64_t> wanted;
  for (const Json& entry : *params) {
    std::string type;
    const Json* value = entry.is_object() ? Member(entry, "alg") : nullptr;
    if (!entry.is_object() || !StringMember(entry, "type", &type) || value == nullptr ||
        !value->is_number_integer()) {
      return Invalid(failure, "pubKeyCredParams has an entry without type and integer alg");
    }
    if (type == "public-key") wanted.push_back(value->get<std::int64_t>());
  }
  if (params->empty()) {
    wanted = {static_cast<std::int64_t>(CoseAlgorithm::kEs256),
              static_cast<std::int64_t>(CoseAlgorithm::kRs256)};
  }
  for (const std::int64_t value : wanted) {
    if (SupportedAlgorithm(value, alg) && testing::StandardAttestationSupports(format, *alg)) {
      return true;
    }
  }
  *failure = {"unsupported_algorithm",
              "no pubKeyCredParams algorithm can be made with attestation " + format};
  return false;
}

int Create(Session& session) {
  const Args& args = session.args;
  Json options;
  Failure failure;
  if (!ReadOptions(session.io, &options, &failure)) return Reject(session.io, failure);
  const Json* rp = Member(options, "rp");
  const Json* user = Member(options, "user");
  if (rp == nullptr || !rp->is_object()) {
    return Reject(session.io, {"invalid_argument", "rp is missing or not an object"});
  }
  StoredCredential credential;
  if (user == nullptr || !user->is_object() ||
      !BytesMember(*user, "id", &credential.user_handle) || credential.user_handle.empty() ||
      credential.user_handle.size() > 64 || !StringMember(*user, "name", &credential.user_name)) {
    return Reject(session.io,
                  {"invalid_argument", "user needs an id (base64url, 1..64 bytes) and a name"});
  }
  CommonRequest request;
  std::string resident_key = "discouraged";
  if (const Json* selection = Member(options, "authenticatorSelection"); selection != nullptr) {
    if (!selection->is_object()) {
      return Reject(session.io, {"invalid_argument", "authenticatorSelection is not an object"});
    }
    bool require_resident_key = false;
    if (BoolMember(*selection, "requireResidentKey", &require_resident_key) &&
        require_resident_key) {
      resident_key = "required";
    }
    StringMember(*selection, "residentKey", &resident_key);
    options["userVerification"] = selection->value("userVerification", Json("preferred"));
  }
  if (!ReadCommon(options, Member(*rp, "id"), session.host, args.no_uv, &request, &failure)) {
    return Reject(session.io, failure);
  }
  std::vector<Bytes> excluded;
  if (!Descriptors(options, "excludeCredentials", &excluded, &failure)) {
    return Reject(session.io, failure);
  }
  for (const StoredCredential& stored : session.store.credentials) {
    if (stored.rp_id == request.rp_id &&
        std::find(excluded.begin(), excluded.end(), stored.id) != excluded.end()) {
      return Reject(session.io, {"credential_excluded",
                                  "excludeCredentials lists stored credential " +
                                      Base64UrlEncode(stored.id) + " for " + request.rp_id});
    }
  }
  if (!ChooseAlgorithm(options, args.attestation, &credential.alg, &failure)) {
    return Reject(session.io, failure);
  }

  // A fresh key: the seed is random, so EC/EdDSA keys and the credential ID
  // (derived from it) are too; RSA keys are generated.
  Result<Bytes> seed = RandomBytes(32);
  if (!seed.has_value()) return Reject(session.io, FromError(seed.error()));
  Result<SoftwareAuthenticator> key =
      SoftwareAuthenticator::Create(credential.alg, Base64UrlEncode(*seed));
  if (!key.has_value()) return Reject(session.io, FromError(key.error()));
  Result<std::string> pem = key->PrivateKeyPem();
  if (!pem.has_value()) return Reject(session.io, FromError(pem.error()));

  testing::RegistrationParams params;
  params.rp_id = request.rp_id;
  params.origin = args.origin;
  params.challenge = request.challenge;
  params.format = args.attestation;
  params.flags = {.user_present = true,
                  .user_verified = !args.no_uv,
                  .backup_eligible = args.backup_eligible,
                  .backup_state = args.backup_state};
  // fido-u2f is a security key's format; the others a platform
  // authenticator's (§5.4.5 / §5.8.4).
  const bool security_key = args.attestation == "fido-u2f";
  params.attachment = security_key ? Attachment::kCrossPlatform : Attachment::kPlatform;
  params.transports = {security_key ? "usb" : "internal"};
  std::optional<TestCa> ca;
  if (args.attestation != "none") {
    Result<TestCa> loaded = LoadCa(&session.store);
    if (!loaded.has_value()) {
      const Failure why = loaded.error().code == ErrorCode::kInvalidArgument
                              ? Failure{"malformed_store", "attestationCa: " + loaded.error().message}
                              : FromError(loaded.error());
      return Reject(session.io, why);
    }
    ca.emplace(std::move(loaded).value());
    Result<testing::AttestationBuilder> builder =
        testing::MakeStandardAttestation(args.attestation, *ca);
    if (!builder.has_value()) return Reject(session.io, FromError(builder.error()));
    params.attest = std::move(builder).value();
  }
  Result<std::string> response = key->MakeCredentialJson(params);
  if (!response.has_value()) return Reject(session.io, FromError(response.error()));

  credential.id = key->credential_id();
  credential.rp_id = request.rp_id;
  credential.private_key_pem = std::move(pem).value();
  credential.backup_eligible = args.backup_eligible;
  credential.backup_state = args.backup_state;
  credential.discoverable = resident_key != "discouraged";
  credential.format = args.attestation;
  // An authenticator keeps one discoverable credential per (RP ID, user
  // handle): a new one replaces the old (CTAP 2.1 authenticatorMakeCredential).
  if (credential.discoverable) {
    std::erase_if(session.store.credentials, [&](const StoredCredential& stored) {
      return stored.discoverable && stored.rp_id == credential.rp_id &&
             stored.user_handle == credential.user_handle;
    });
  }
  session.store.credentials.push_back(std::move(credential));
  return Finish(session, *response);
}

int Get(Session& session) {
  const Args& args = session.args;
  Json options;
  Failure failure;
  if (!ReadOptions(session.io, &options, &failure)) return Reject(session.io, failure);
  CommonRequest request;
  if (!ReadCommon(options, Member(options, "rpId"), session.host, args.no_uv, &request,
                  &failure)) {
    return Reject(session.io, failure);
  }
  std::vector<Bytes> allowed;
  if (!Descriptors(options, "allowCredentials", &allowed, &failure)) {
    return Reject(session.io, failure);
  }
  // With allowCredentials: the first listed credential this store holds for
  // the RP ID. Without: the newest discoverable credential for the RP ID
  // (a browser would let the user pick).
  StoredCredential* chosen = nullptr;
  for (const Bytes& id : allowed) {
    for (StoredCredential& stored : session.store.credentials) {
      if (chosen == nullptr && stored.rp_id == request.rp_id && stored.id == id) chosen = &stored;
    }
  }
  const bool discoverable_flow = allowed.empty();
  if (discoverable_flow) {
    for (StoredCredential& stored : session.store.credentials) {
      if (stored.rp_id == request.rp_id && stored.discoverable) chosen = &stored;
    }
  }
  if (chosen == nullptr) {
    return Reject(session.io,
                  {"no_credentials", discoverable_flow
                                         ? "no discoverable credential for " + request.rp_id
                                         : "none of allowCredentials is stored for " + request.rp_id});
  }
  Result<SoftwareAuthenticator> key =
      SoftwareAuthenticator::CreateFromPem(chosen->alg, chosen->private_key_pem, "");
  if (!key.has_value()) {
    return Reject(session.io, {"malformed_store", "credential " + Base64UrlEncode(chosen->id) +
                                                       ": " + key.error().message});
  }
  key->set_credential_id(chosen->id);
  // The counter saturates: a wrapped counter would look like a clone.
  if (chosen->sign_count < std::numeric_limits<std::uint32_t>::max()) ++chosen->sign_count;

  testing::AssertionParams params;
  params.rp_id = request.rp_id;
  params.origin = args.origin;
  params.challenge = request.challenge;
  params.flags = {.user_present = true,
                  .user_verified = !args.no_uv,
                  .backup_eligible = chosen->backup_eligible,
                  .backup_state = chosen->backup_state};
  params.sign_count = chosen->sign_count;
  params.attachment =
      chosen->format == "fido-u2f" ? Attachment::kCrossPlatform : Attachment::kPlatform;
  if (args.user_handle || discoverable_flow) params.user_handle = chosen->user_handle;
  Result<std::string> response = key->GetAssertionJson(params);
  if (!response.has_value()) return Reject(session.io, FromError(response.error()));
  return Finish(session, *response);
}

int PrintCa(Session& session) {
  const bool created = session.store.ca_certificate_pem.empty();
  Result<TestCa> ca = LoadCa(&session.store);
  if (!ca.has_value()) {
    if (ca.error().code == ErrorCode::kInvalidArgument) {
      return Reject(session.io, {"malformed_store", "attestationCa: " + ca.error().message});
    }
    return Reject(session.io, FromError(ca.error()));
  }
  std::string pem = ca->certificate_pem();
  while (!pem.empty() && pem.back() == '\n') pem.pop_back();
  if (!created) {
    return session.io.Succeed(pem);
  }
  return Finish(session, pem);
}

}  // namespace

std::string_view AuthenticatorHelp() { return kHelp; }

int RunAuthenticator(const std::vector<std::string>& words, CommandIo io) {
  if (!words.empty() && (words[0] == "create" || words[0] == "get" || words[0] == "ca")) {
    io.name += " " + words[0];
  }
  Session session(io);
  std::string error;
  if (!ParseArgs(words, &session.args, &error)) return io.Usage(error);
  if (session.args.help) return io.Help(kHelp);
  if (session.args.command != "ca" && !ParseOrigin(session.args.origin, &session.host, &error)) {
    return io.Usage(error);
  }
  std::string why;
  switch (LoadStore(session.args.store, io.in, &session.store, &why)) {
    case StoreStatus::kOk:
      break;
    case StoreStatus::kMalformed:
      return Reject(io, {"malformed_store", session.args.store + ": " + why});
    case StoreStatus::kIoError:
      return io.Usage(why);
  }
  if (session.args.command == "create") return Create(session);
  if (session.args.command == "get") return Get(session);
  return PrintCa(session);
}

}  // namespace passkey::cli
