// passkey_gen_testdata: regenerates testdata/generated/*.json (WebAuthn RP
// vectors, schema webauthn-rp-vectors/v1 plus `expect.code`) with the
// software authenticator, and creates the RSA keys in testdata/keys/ when
// they are missing.
//
// Usage: passkey_gen_testdata <testdata-dir>
//
// Output is deterministic except for ECDSA and RSASSA-PSS signatures, which
// OpenSSL randomizes. Every negative vector carries exactly one defect, so
// `expect.code` is the only error the library may report for it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <passkey/passkey.h>
#include <passkey/testing/software_authenticator.h>

#include "testing/cbor_writer.h"

namespace passkey::gen {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using testing::AssertionParams;
using testing::CborMajor;
using testing::CborWriter;
using testing::EdCurve;
using testing::Flags;
using testing::RegistrationParams;
using testing::SoftwareAuthenticator;

constexpr char kSchema[] = "webauthn-rp-vectors/v1";
constexpr char kRpId[] = "example.org";
constexpr char kOrigin[] = "https://example.org";
constexpr char kGeneratorPath[] = "tools/gen_testdata/gen_testdata.cc";
constexpr char kLicense[] = "same as the passkey repository";

// --- Credential keys -------------------------------------------------------

// KeySpec: one credential key. RSA keys come from testdata/keys/<name>.pem;
// the others derive from the seed "passkey-gen/<name>".
struct KeySpec {
  const char* name;
  CoseAlgorithm alg;
  std::optional<EdCurve> eddsa_curve;  // set: alg -8 on this curve
  bool rsa;
};

const std::vector<KeySpec>& AllKeys() {
  static const std::vector<KeySpec> keys = {
      {"es256", CoseAlgorithm::kEs256, std::nullopt, false},
      {"es384", CoseAlgorithm::kEs384, std::nullopt, false},
      {"es512", CoseAlgorithm::kEs512, std::nullopt, false},
      {"ed25519", CoseAlgorithm::kEdDsa, EdCurve::kEd25519, false},
      {"ed448-eddsa", CoseAlgorithm::kEdDsa, EdCurve::kEd448, false},
      {"ed448", CoseAlgorithm::kEd448, std::nullopt, false},
      {"rs256", CoseAlgorithm::kRs256, std::nullopt, true},
      {"rs384", CoseAlgorithm::kRs384, std::nullopt, true},
      {"rs512", CoseAlgorithm::kRs512, std::nullopt, true},
      {"ps256", CoseAlgorithm::kPs256, std::nullopt, true},
      {"ps384", CoseAlgorithm::kPs384, std::nullopt, true},
      {"ps512", CoseAlgorithm::kPs512, std::nullopt, true},
      {"rs1", CoseAlgorithm::kRs1, std::nullopt, true},
  };
  return keys;
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "passkey_gen_testdata: %s\n", message.c_str());
  std::exit(1);
}

template <class T>
T Check(Result<T> result, const std::string& what) {
  if (!result.has_value()) {
    Die(what + ": " + std::string(ErrorCodeName(result.error().code)) + ": " +
        result.error().message);
  }
  return std::move(result).value();
}

std::optional<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.good()) Die("cannot write " + path.string());
}

// --- Vector building -------------------------------------------------------

// RpOptions: the relying party side of a vector (what the runner maps to
// RegistrationOptions / AuthenticationOptions).
struct RpOptions {
  std::string rp_id = kRpId;
  std::vector<std::string> allowed_rp_ids;  // non-empty: rpId = first
  std::vector<std::string> origins = {kOrigin};
  std::vector<std::string> top_origins;
  std::optional<bool> allow_cross_origin;
  std::vector<std::string> expected_type;
  bool require_user_verification = false;
  std::vector<std::int64_t> supported_algorithms;
  bool allow_sha1 = false;
};

// StoredCredential: the credential record of an authentication vector;
// unset members come from the authenticator.
struct StoredCredential {
  std::optional<Bytes> id;
  std::optional<Bytes> public_key;
  std::uint32_t sign_count = 0;
  std::optional<bool> backup_eligible;
};

// Case: what every vector has besides the ceremony parameters.
struct Case {
  std::string name;      // id suffix; negatives get "neg-" prepended
  std::string key = "es256";
  RpOptions rp;
  std::string code;      // expected ErrorCode name; empty = positive
  std::string notes;
};

// SchemaReason maps an ErrorCode name to the SCHEMA.md `reason` vocabulary;
// codes the vocabulary has no word for keep their own name.
std::string SchemaReason(const std::string& code) {
  static const std::map<std::string, std::string> kReasons = {
      {"rp_id_mismatch", "rpid_mismatch"},
      {"top_origin_mismatch", "origin_mismatch"},
      {"sign_count_rollback", "counter_not_increased"},
      {"attestation_signature_invalid", "attestation_invalid"},
      {"unsupported_algorithm", "algorithm_not_allowed"},
      {"credential_id_too_long", "malformed"},
      {"backup_flags_invalid", "malformed"},
      {"malformed_response", "malformed"},
      {"malformed_client_data", "malformed"},
      {"malformed_authenticator_data", "malformed"},
      {"malformed_attestation_object", "malformed"},
  };
  const auto it = kReasons.find(code);
  return it == kReasons.end() ? code : it->second;
}

Json StringArray(const std::vector<std::string>& values) {
  Json out = Json::array();
  for (const std::string& value : values) out.push_back(value);
  return out;
}

class Generator {
 public:
  explicit Generator(fs::path testdata) : testdata_(std::move(testdata)) {}

  // LoadKeys creates every authenticator, generating missing RSA keys.
  void LoadKeys() {
    fs::create_directories(testdata_ / "keys");
    for (const KeySpec& spec : AllKeys()) {
      authenticators_.emplace(spec.name, MakeAuthenticator(spec, spec.name));
    }
    // A second ES256 key, for "signed by another credential" data.
    authenticators_.emplace(
        "es256-other", Check(SoftwareAuthenticator::Create(
                                 CoseAlgorithm::kEs256, "passkey-gen/es256-other"),
                             "es256-other"));
  }

  SoftwareAuthenticator& Key(const std::string& name) {
    const auto it = authenticators_.find(name);
    if (it == authenticators_.end()) Die("no key " + name);
    return it->second;
  }

  // Registration adds a registration vector made from `params` (rp_id,
  // origin and challenge default to the case's RP options).
  void Registration(const Case& c, RegistrationParams params) {
    const std::string id = VectorId(c, "reg");
    const Bytes challenge = Challenge(id);
    FillDefaults(c.rp, challenge, params.rp_id, params.origin, params.challenge);
    const SoftwareAuthenticator& authenticator = Key(c.key);
    const testing::RegistrationParts parts =
        Check(authenticator.MakeCredential(params), id);
    Json vector = Head(id, "registration", c, challenge);
    vector["response"] = Json::parse(testing::RegistrationResponseJson(parts));
    if (c.code.empty()) {
      Json expect;
      expect["ok"] = true;
      expect["fmt"] = params.format;
      expect["alg"] = static_cast<std::int64_t>(authenticator.algorithm());
      expect["aaguid"] = params.aaguid.ToString();
      expect["credentialId"] = Base64UrlEncode(authenticator.credential_id());
      expect["credentialPublicKey"] =
          Base64UrlEncode(authenticator.CosePublicKey());
      expect["signCount"] = params.sign_count;
      expect["userPresent"] = params.flags.user_present;
      expect["userVerified"] = params.flags.user_verified;
      expect["backupEligible"] = params.flags.backup_eligible;
      expect["backupState"] = params.flags.backup_state;
      expect["attestationType"] = params.format == "packed" ? "self" : "none";
      vector["expect"] = std::move(expect);
    } else {
      vector["expect"] = NegativeExpect(c.code);
    }
    Finish(std::move(vector), c, "registration");
  }

  // Authentication adds an authentication vector.
  void Authentication(const Case& c, AssertionParams params,
                      const StoredCredential& stored) {
    const std::string id = VectorId(c, "auth");
    const Bytes challenge = Challenge(id);
    FillDefaults(c.rp, challenge, params.rp_id, params.origin, params.challenge);
    const SoftwareAuthenticator& authenticator = Key(c.key);
    const testing::AssertionParts parts =
        Check(authenticator.GetAssertion(params), id);
    Json vector = Head(id, "authentication", c, challenge);
    vector["response"] = Json::parse(testing::AuthenticationResponseJson(parts));
    Json credential;
    credential["id"] =
        Base64UrlEncode(stored.id.value_or(authenticator.credential_id()));
    credential["publicKey"] = Base64UrlEncode(
        stored.public_key.value_or(authenticator.CosePublicKey()));
    credential["signCount"] = stored.sign_count;
    if (stored.backup_eligible.has_value()) {
      credential["backupEligible"] = *stored.backup_eligible;
    }
    vector["credential"] = std::move(credential);
    if (c.code.empty()) {
      Json expect;
      expect["ok"] = true;
      expect["credentialId"] = Base64UrlEncode(authenticator.credential_id());
      expect["signCount"] = params.sign_count;
      expect["userPresent"] = params.flags.user_present;
      expect["userVerified"] = params.flags.user_verified;
      expect["backupEligible"] = params.flags.backup_eligible;
      expect["backupState"] = params.flags.backup_state;
      vector["expect"] = std::move(expect);
    } else {
      vector["expect"] = NegativeExpect(c.code);
    }
    Finish(std::move(vector), c, "authentication");
  }

  // WriteFiles replaces testdata/generated/*.json.
  void WriteFiles() {
    const fs::path dir = testdata_ / "generated";
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".json") fs::remove(entry.path());
    }
    for (const FileInfo& file : Files()) {
      Json doc;
      doc["schema"] = kSchema;
      Json collection;
      collection["name"] = std::string("passkey generated vectors: ") + file.title;
      collection["repo"] = "passkey";
      collection["license"] = kLicense;
      collection["generator"] = kGeneratorPath;
      doc["collection"] = std::move(collection);
      doc["vectors"] = std::move(files_[file.name]);
      WriteText(dir / (std::string(file.name) + ".json"), doc.dump(2) + "\n");
      std::printf("%-28s %3zu vectors\n", (std::string(file.name) + ".json").c_str(),
                  doc["vectors"].size());
    }
  }

 private:
  struct FileInfo {
    const char* name;
    const char* title;
  };
  static const std::vector<FileInfo>& Files() {
    static const std::vector<FileInfo> files = {
        {"registration", "registration ceremonies that must verify"},
        {"authentication", "authentication ceremonies that must verify"},
        {"registration_negative",
         "registration ceremonies failing one WebAuthn L3 §7.1 check"},
        {"authentication_negative",
         "authentication ceremonies failing one WebAuthn L3 §7.2 check"},
        {"malformed", "responses whose JSON, client data, CBOR or "
                      "authenticator data cannot be parsed"},
    };
    return files;
  }

  SoftwareAuthenticator MakeAuthenticator(const KeySpec& spec,
                                          const std::string& name) {
    const std::string seed = std::string("passkey-gen/") + name;
    if (spec.rsa) {
      const fs::path pem_path = testdata_ / "keys" / (name + ".pem");
      std::optional<std::string> pem = ReadText(pem_path);
      if (!pem.has_value()) {
        pem = Check(SoftwareAuthenticator::GenerateRsaPrivateKeyPem(2048),
                    "RSA key " + name);
        WriteText(pem_path, *pem);
        std::printf("created %s\n", pem_path.string().c_str());
      }
      return Check(SoftwareAuthenticator::CreateFromPem(spec.alg, *pem, seed),
                   pem_path.string());
    }
    if (spec.eddsa_curve.has_value()) {
      return Check(SoftwareAuthenticator::CreateEdDsa(*spec.eddsa_curve, seed),
                   name);
    }
    return Check(SoftwareAuthenticator::Create(spec.alg, seed), name);
  }

  static std::string VectorId(const Case& c, const char* ceremony) {
    return std::string("passkey/") + ceremony + "/" +
           (c.code.empty() ? "" : "neg-") + c.name;
  }

  // Challenge: 32 bytes derived from the vector ID, so vectors never share
  // a challenge and regeneration keeps them.
  static Bytes Challenge(const std::string& id) {
    return testing::Sha256(AsBytes("passkey-gen/challenge/" + id));
  }

  static void FillDefaults(const RpOptions& rp, const Bytes& challenge,
                           std::string& rp_id, std::string& origin,
                           Bytes& params_challenge) {
    if (rp_id.empty()) rp_id = rp.rp_id;
    if (origin.empty()) origin = rp.origins.front();
    if (params_challenge.empty()) params_challenge = challenge;
  }

  Json Head(const std::string& id, const char* ceremony, const Case& c,
            const Bytes& challenge) {
    if (!ids_.insert(id).second) Die("duplicate vector id " + id);
    Json vector;
    vector["id"] = id;
    vector["ceremony"] = ceremony;
    Json source;
    source["repo"] = "passkey";
    source["path"] = kGeneratorPath;
    source["license"] = kLicense;
    source["test"] = c.name;
    vector["source"] = std::move(source);
    vector["authenticator"] =
        "passkey software authenticator (" + c.key + ")";
    vector["rpId"] = c.rp.allowed_rp_ids.empty() ? c.rp.rp_id
                                                 : c.rp.allowed_rp_ids.front();
    if (!c.rp.allowed_rp_ids.empty()) {
      vector["allowedRpIds"] = StringArray(c.rp.allowed_rp_ids);
    }
    vector["origins"] = StringArray(c.rp.origins);
    if (!c.rp.top_origins.empty()) {
      vector["topOrigins"] = StringArray(c.rp.top_origins);
    }
    if (c.rp.allow_cross_origin.has_value()) {
      vector["allowCrossOrigin"] = *c.rp.allow_cross_origin;
    }
    if (!c.rp.expected_type.empty()) {
      vector["expectedType"] = StringArray(c.rp.expected_type);
    }
    vector["challenge"] = Base64UrlEncode(challenge);
    vector["requireUserVerification"] = c.rp.require_user_verification;
    if (!c.rp.supported_algorithms.empty()) {
      vector["supportedAlgorithms"] = c.rp.supported_algorithms;
    }
    if (c.rp.allow_sha1) {
      vector["attestationPolicy"] = {{"allowSha1Attestation", true}};
    }
    return vector;
  }

  static Json NegativeExpect(const std::string& code) {
    Json expect;
    expect["ok"] = false;
    expect["reason"] = SchemaReason(code);
    expect["code"] = code;
    return expect;
  }

  void Finish(Json vector, const Case& c, const std::string& ceremony) {
    if (!c.notes.empty()) vector["notes"] = c.notes;
    std::string file = ceremony;
    if (c.code.rfind("malformed_", 0) == 0) {
      file = "malformed";
    } else if (!c.code.empty()) {
      file += "_negative";
    }
    files_[file].push_back(std::move(vector));
  }

  fs::path testdata_;
  std::map<std::string, SoftwareAuthenticator> authenticators_;
  std::map<std::string, Json> files_;
  std::set<std::string> ids_;
};

// --- Shared helpers for the cases ------------------------------------------

// RpForKey: RS1 keys need SHA-1 allowed and listed explicitly.
RpOptions RpForKey(const KeySpec& spec) {
  RpOptions rp;
  if (spec.alg == CoseAlgorithm::kRs1) {
    rp.allow_sha1 = true;
    rp.supported_algorithms = {-7, -257, -65535};
  }
  return rp;
}

Aaguid TestAaguid() {
  // Not a registered model: derived from a label, variant/version bits set
  // like a v4 UUID.
  Aaguid aaguid;
  const Bytes digest = testing::Sha256(AsBytes("passkey-gen/aaguid"));
  for (std::size_t i = 0; i < aaguid.bytes.size(); ++i) aaguid.bytes[i] = digest[i];
  aaguid.bytes[6] = static_cast<std::uint8_t>((aaguid.bytes[6] & 0x0f) | 0x40);
  aaguid.bytes[8] = static_cast<std::uint8_t>((aaguid.bytes[8] & 0x3f) | 0x80);
  return aaguid;
}

Bytes LongCredentialId(std::size_t length) {
  Bytes id;
  std::uint32_t counter = 0;
  while (id.size() < length) {
    const Bytes block = testing::Sha256(
        AsBytes("passkey-gen/long-credential-id/" + std::to_string(counter++)));
    id.insert(id.end(), block.begin(), block.end());
  }
  id.resize(length);
  return id;
}

Bytes CborMapOneTextKey(std::string_view key, std::int64_t value) {
  return CborWriter().MapHeader(1).TextString(key).Int(value).Take();
}

// Ec2Key writes an EC2 COSE_Key from parts (for invalid-key data).
Bytes Ec2Key(std::int64_t kty, std::int64_t alg, std::int64_t crv,
             ByteView x, ByteView y) {
  return CborWriter()
      .MapHeader(5)
      .Int(1).Int(kty)
      .Int(3).Int(alg)
      .Int(-1).Int(crv)
      .Int(-2).ByteString(x)
      .Int(-3).ByteString(y)
      .Take();
}

// EcPublicXY: x and y of an EC key, from the uncompressed point at the end
// of its SubjectPublicKeyInfo.
std::pair<Bytes, Bytes> EcPublicXY(const SoftwareAuthenticator& key,
                                   std::size_t field_bytes) {
  const Bytes& spki = key.PublicKeySpki();
  const std::size_t point = spki.size() - (2 * field_bytes + 1);
  if (spki[point] != 0x04) Die("unexpected EC SubjectPublicKeyInfo");
  Bytes x(spki.begin() + static_cast<std::ptrdiff_t>(point + 1),
          spki.begin() + static_cast<std::ptrdiff_t>(point + 1 + field_bytes));
  Bytes y(spki.begin() + static_cast<std::ptrdiff_t>(point + 1 + field_bytes),
          spki.end());
  return {std::move(x), std::move(y)};
}

// Ed25519PublicX: the raw public key (the last 32 bytes of its SPKI).
Bytes Ed25519PublicX(const SoftwareAuthenticator& key) {
  const Bytes& spki = key.PublicKeySpki();
  return Bytes(spki.end() - 32, spki.end());
}

testing::ByteEditor FlipLastByte() {
  return [](Bytes& bytes) { bytes.back() ^= 0x01; };
}

testing::ByteEditor Truncate(std::size_t length) {
  return [length](Bytes& bytes) { bytes.resize(length); };
}

testing::ByteEditor Append(Bytes tail) {
  return [tail = std::move(tail)](Bytes& bytes) {
    bytes.insert(bytes.end(), tail.begin(), tail.end());
  };
}

testing::ByteEditor Replace(Bytes replacement) {
  return [replacement = std::move(replacement)](Bytes& bytes) {
    bytes = replacement;
  };
}

// --- Positive vectors ------------------------------------------------------

void AlgorithmPositives(Generator& gen) {
  for (const KeySpec& spec : AllKeys()) {
    const std::string name = spec.name;
    const RpOptions rp = RpForKey(spec);
    // none, UV required and present.
    {
      Case c{.name = name + "-none", .key = name, .rp = rp};
      c.rp.require_user_verification = true;
      gen.Registration(c, {.format = "none"});
    }
    // packed self attestation, UV not required and absent, model AAGUID.
    {
      Case c{.name = name + "-packed-self", .key = name, .rp = rp};
      gen.Registration(c, {.format = "packed",
                           .flags = {.user_verified = false},
                           .aaguid = TestAaguid()});
    }
    // An assertion with an increasing counter.
    {
      Case c{.name = name, .key = name, .rp = rp};
      c.rp.require_user_verification = true;
      gen.Authentication(c, {.sign_count = 2}, {.sign_count = 1});
    }
  }
}

void FeaturePositives(Generator& gen) {
  // Backup flags: BE/BS = 0/0, 1/0, 1/1.
  const std::pair<bool, bool> kBackup[] = {{false, false}, {true, false}, {true, true}};
  for (const auto& [be, bs] : kBackup) {
    const std::string name = std::string("backup-be") + (be ? "1" : "0") +
                             "-bs" + (bs ? "1" : "0");
    gen.Registration({.name = name},
                     {.flags = {.backup_eligible = be, .backup_state = bs}});
    gen.Authentication({.name = name},
                       {.flags = {.backup_eligible = be, .backup_state = bs}, .sign_count = 0},
                       {.backup_eligible = be});
  }
  // BS may change from 0 to 1 after registration (the credential got synced).
  gen.Authentication({.name = "backup-state-became-set",
                      .notes = "record BE=1; BS=1 in the assertion is accepted"},
                     {.flags = {.backup_eligible = true, .backup_state = true}},
                     {.backup_eligible = true});
  // Counters.
  gen.Registration({.name = "sign-count-nonzero"}, {.sign_count = 7});
  gen.Authentication({.name = "sign-count-zero",
                      .notes = "stored and new signCount both 0: no counter"},
                     {.sign_count = 0}, {.sign_count = 0});
  gen.Authentication({.name = "sign-count-increased"}, {.sign_count = 42},
                     {.sign_count = 41});
  gen.Authentication({.name = "sign-count-jump"}, {.sign_count = 0xfffffff0u},
                     {.sign_count = 8});
  // User verification not required and not performed.
  {
    Case c{.name = "uv-not-performed"};
    gen.Registration(c, {.flags = {.user_verified = false}});
    gen.Authentication(c, {.flags = {.user_verified = false}, .sign_count = 0}, {});
  }
  // Cross-origin iframe.
  {
    Case c{.name = "cross-origin-allowed"};
    c.rp.allow_cross_origin = true;
    gen.Registration(c, {.cross_origin = true});
    gen.Authentication(c, {.cross_origin = true}, {});
  }
  // topOrigin listed, cross-origin allowed.
  {
    Case c{.name = "top-origin-allowed"};
    c.rp.allow_cross_origin = true;
    c.rp.top_origins = {"https://top.example.net", "https://shop.example.com"};
    gen.Registration(c, {.cross_origin = true,
                         .top_origin = "https://shop.example.com"});
    gen.Authentication(c, {.cross_origin = true,
                           .top_origin = "https://top.example.net"}, {});
  }
  // crossOrigin member absent (older clients).
  {
    Case c{.name = "cross-origin-member-absent"};
    gen.Registration(c, {.cross_origin = std::nullopt});
    gen.Authentication(c, {.cross_origin = std::nullopt}, {});
  }
  // Several acceptable RP IDs and origins; the response uses a later one.
  {
    Case c{.name = "multiple-rp-ids"};
    c.rp.allowed_rp_ids = {"example.org", "login.example.org"};
    c.rp.origins = {"https://example.org", "https://login.example.org"};
    gen.Registration(c, {.rp_id = "login.example.org",
                         .origin = "https://login.example.org"});
    gen.Authentication(c, {.rp_id = "login.example.org",
                           .origin = "https://login.example.org"}, {});
  }
  {
    Case c{.name = "multiple-origins"};
    c.rp.origins = {"https://example.org", "https://www.example.org",
                    "android:apk-key-hash:pNiP5iKyQ8JwgGOaKA1zGPeSjhjh0PnhxGzhzDKzXbs"};
    gen.Registration(c, {.origin = "https://www.example.org"});
    gen.Authentication(
        c,
        {.origin =
             "android:apk-key-hash:pNiP5iKyQ8JwgGOaKA1zGPeSjhjh0PnhxGzhzDKzXbs"},
        {});
  }
  // Authenticator extension outputs in authData (ED flag).
  gen.Registration({.name = "extensions-none",
                    .notes = "authData carries {\"credProtect\": 2} (ED set)"},
                   {.extensions = CborMapOneTextKey("credProtect", 2)});
  gen.Registration({.name = "extensions-packed-self",
                    .notes = "authData carries {\"credProtect\": 3} (ED set) "
                             "and is covered by the packed signature"},
                   {.format = "packed",
                    .aaguid = TestAaguid(),
                    .extensions = CborMapOneTextKey("credProtect", 3)});
  gen.Authentication({.name = "extensions",
                      .notes = "authData carries an extension map (ED set)"},
                     {.extensions = CborWriter()
                                        .MapHeader(1)
                                        .TextString("thirdPartyPayment")
                                        .Bool(false)
                                        .Take()},
                     {});
  // Attachment and transports.
  gen.Registration({.name = "attachment-platform"},
                   {.attachment = Attachment::kPlatform,
                    .transports = {"hybrid", "internal"}});
  gen.Registration({.name = "attachment-cross-platform"},
                   {.attachment = Attachment::kCrossPlatform,
                    .transports = {"nfc", "usb"}});
  gen.Authentication({.name = "attachment-platform"},
                     {.attachment = Attachment::kPlatform}, {});
  gen.Authentication({.name = "attachment-cross-platform"},
                     {.attachment = Attachment::kCrossPlatform}, {});
  gen.Authentication({.name = "user-handle"},
                     {.user_handle = testing::Sha256(AsBytes("user-42"))}, {});
  // Expected type override.
  {
    Case c{.name = "expected-type-list"};
    c.rp.expected_type = {"webauthn.get", "payment.get"};
    gen.Authentication(c, {.type = "payment.get"}, {});
  }
  // Token binding "supported" is a valid status.
  gen.Registration({.name = "token-binding-supported"},
                   {.token_binding_status = "supported"});
  // Longest permitted credential ID (1023 bytes).
  {
    SoftwareAuthenticator& key = gen.Key("es256");
    const Bytes saved = key.credential_id();
    key.set_credential_id(LongCredentialId(1023));
    Case c{.name = "long-credential-id-1023"};
    gen.Registration(c, {});
    gen.Authentication(c, {}, {});
    key.set_credential_id(saved);
  }
}

// --- Negative vectors: ceremony checks ---------------------------------------

// ClientDataNegatives: defects in clientDataJSON's members, for both
// ceremonies.
void ClientDataNegatives(Generator& gen) {
  const Bytes other_challenge = testing::Sha256(AsBytes("another challenge"));
  {
    Case c{.name = "challenge-mismatch", .code = "challenge_mismatch"};
    gen.Registration(c, {.challenge = other_challenge});
    gen.Authentication(c, {.challenge = other_challenge}, {});
  }
  {
    Case c{.name = "origin-mismatch", .code = "origin_mismatch"};
    gen.Registration(c, {.origin = "https://evil.example"});
    gen.Authentication(c, {.origin = "https://example.org.evil.example"}, {});
  }
  {
    Case c{.name = "origin-scheme-mismatch", .code = "origin_mismatch"};
    gen.Registration(c, {.origin = "http://example.org"});
  }
  {
    Case c{.name = "type-mismatch", .code = "type_mismatch"};
    gen.Registration(c, {.type = "webauthn.get"});
    gen.Authentication(c, {.type = "webauthn.create"}, {});
  }
  {
    Case c{.name = "cross-origin-not-allowed", .code = "cross_origin_not_allowed"};
    gen.Registration(c, {.cross_origin = true});
    gen.Authentication(c, {.cross_origin = true}, {});
  }
  {
    Case c{.name = "top-origin-not-listed", .code = "top_origin_mismatch",
           .notes = "allowCrossOrigin true; topOrigin is not in topOrigins"};
    c.rp.allow_cross_origin = true;
    c.rp.top_origins = {"https://top.example.net"};
    gen.Registration(c, {.cross_origin = true, .top_origin = "https://evil.example"});
    gen.Authentication(c, {.cross_origin = true, .top_origin = "https://evil.example"}, {});
  }
  {
    Case c{.name = "top-origin-none-configured", .code = "top_origin_mismatch",
           .notes = "allowCrossOrigin true but no topOrigins configured"};
    c.rp.allow_cross_origin = true;
    gen.Registration(c, {.cross_origin = true, .top_origin = "https://top.example.net"});
    gen.Authentication(c, {.cross_origin = true, .top_origin = "https://top.example.net"}, {});
  }
  {
    Case c{.name = "top-origin-without-allow-cross-origin",
           .code = "cross_origin_not_allowed",
           .notes = "topOrigin is listed in topOrigins but allowCrossOrigin is "
                    "false; crossOrigin member absent so topOrigin is the only "
                    "cross-origin signal"};
    c.rp.top_origins = {"https://top.example.net"};
    gen.Registration(c, {.cross_origin = std::nullopt,
                         .top_origin = "https://top.example.net"});
    gen.Authentication(c, {.cross_origin = std::nullopt,
                           .top_origin = "https://top.example.net"}, {});
  }
  {
    Case c{.name = "token-binding-status-invalid", .code = "token_binding_invalid",
           .notes = "tokenBinding.status is not a TokenBindingStatus value"};
    gen.Registration(c, {.token_binding_status = "unknown-status"});
    gen.Authentication(c, {.token_binding_status = "not-supported"}, {});
  }
}

// AuthenticatorDataNegatives: rpIdHash and flag checks, both ceremonies.
void AuthenticatorDataNegatives(Generator& gen) {
  {
    Case c{.name = "rp-id-mismatch", .code = "rp_id_mismatch",
           .notes = "rpIdHash is SHA-256(\"evil.example\")"};
    gen.Registration(c, {.rp_id = "evil.example"});
    gen.Authentication(c, {.rp_id = "evil.example"}, {});
  }
  {
    Case c{.name = "rp-id-parent-domain", .code = "rp_id_mismatch",
           .notes = "rpIdHash is SHA-256(\"org\"), a suffix of the RP ID"};
    gen.Authentication(c, {.rp_id = "org"}, {});
  }
  {
    Case c{.name = "user-not-present", .code = "user_not_present"};
    gen.Registration(c, {.flags = {.user_present = false, .user_verified = false}});
    gen.Authentication(c, {.flags = {.user_present = false, .user_verified = false}}, {});
  }
  {
    Case c{.name = "user-not-verified", .code = "user_not_verified"};
    c.rp.require_user_verification = true;
    gen.Registration(c, {.flags = {.user_verified = false}});
    gen.Authentication(c, {.flags = {.user_verified = false}}, {});
  }
  {
    Case c{.name = "backup-state-without-eligible", .code = "backup_flags_invalid",
           .notes = "BS=1 with BE=0"};
    gen.Registration(c, {.flags = {.backup_eligible = false, .backup_state = true}});
    gen.Authentication(c, {.flags = {.backup_eligible = false, .backup_state = true}},
                       {.backup_eligible = false});
  }
  gen.Authentication({.name = "backup-eligibility-lost",
                      .code = "backup_eligibility_changed",
                      .notes = "record backupEligible true, assertion BE=0"},
                     {.flags = {.backup_eligible = false}}, {.backup_eligible = true});
  gen.Authentication({.name = "backup-eligibility-gained",
                      .code = "backup_eligibility_changed",
                      .notes = "record backupEligible false, assertion BE=1"},
                     {.flags = {.backup_eligible = true}}, {.backup_eligible = false});
}

void SignatureNegatives(Generator& gen) {
  for (const KeySpec& spec : AllKeys()) {
    const std::string name = spec.name;
    Case c{.name = "signature-corrupted-" + name, .key = name, .rp = RpForKey(spec),
           .code = "signature_invalid",
           .notes = "last byte of the assertion signature flipped"};
    gen.Authentication(c, {.edit_signature = FlipLastByte()}, {});
  }
  {
    Case c{.name = "signature-by-other-key", .key = "es256-other",
           .code = "signature_invalid",
           .notes = "signed by a different ES256 key than the stored one"};
    gen.Authentication(
        c, {}, {.id = gen.Key("es256-other").credential_id(),
                .public_key = gen.Key("es256").CosePublicKey()});
  }
  {
    Case c{.name = "signature-over-other-client-data", .code = "signature_invalid",
           .notes = "the signature covers authData with a different challenge's "
                    "clientDataJSON hash"};
    const SoftwareAuthenticator& key = gen.Key("es256");
    AssertionParams other{.rp_id = kRpId, .origin = kOrigin,
                          .challenge = testing::Sha256(AsBytes("other"))};
    const Bytes other_signature = Check(key.GetAssertion(other), c.name).signature;
    gen.Authentication(c, {.edit_signature = Replace(other_signature)}, {});
  }
  {
    Case c{.name = "signature-empty", .code = "signature_invalid"};
    gen.Authentication(c, {.edit_signature = Truncate(0)}, {});
  }
  {
    Case c{.name = "sign-count-not-increased", .code = "sign_count_rollback",
           .notes = "stored 5, new 5"};
    gen.Authentication(c, {.sign_count = 5}, {.sign_count = 5});
  }
  {
    Case c{.name = "sign-count-decreased", .code = "sign_count_rollback",
           .notes = "stored 5, new 4"};
    gen.Authentication(c, {.sign_count = 4}, {.sign_count = 5});
  }
  {
    Case c{.name = "sign-count-reset-to-zero", .code = "sign_count_rollback",
           .notes = "stored 5, new 0"};
    gen.Authentication(c, {.sign_count = 0}, {.sign_count = 5});
  }
  {
    Case c{.name = "credential-id-mismatch", .code = "credential_id_mismatch",
           .notes = "the stored record's id differs from the response id/rawId"};
    gen.Authentication(c, {}, {.id = gen.Key("es256-other").credential_id()});
  }
}

void AlgorithmPolicyNegatives(Generator& gen) {
  {
    Case c{.name = "algorithm-not-allowed", .key = "es384",
           .code = "algorithm_not_allowed", .notes = "ES384 key, RP allows only ES256"};
    c.rp.supported_algorithms = {-7};
    gen.Registration(c, {});
    gen.Authentication(c, {}, {});
  }
  {
    Case c{.name = "rs1-without-sha1-policy", .key = "rs1",
           .code = "algorithm_not_allowed",
           .notes = "RS1 listed in supportedAlgorithms but allowSha1Attestation absent"};
    c.rp.supported_algorithms = {-7, -257, -65535};
    gen.Registration(c, {});
    gen.Authentication(c, {}, {});
  }
  {
    Case c{.name = "rs1-default-algorithms", .key = "rs1",
           .code = "algorithm_not_allowed",
           .notes = "no supportedAlgorithms and no SHA-1 policy: RS1 is refused"};
    gen.Registration(c, {});
  }
  {
    Case c{.name = "rs1-sha1-allowed-not-listed", .key = "rs1",
           .code = "algorithm_not_allowed",
           .notes = "allowSha1Attestation true, but supportedAlgorithms omits -65535"};
    c.rp.allow_sha1 = true;
    c.rp.supported_algorithms = {-7, -257};
    gen.Registration(c, {});
  }
}

void AttestationNegatives(Generator& gen) {
  const char* const kPackedKeys[] = {"es256", "ed25519", "rs256", "ps256"};
  for (const char* key : kPackedKeys) {
    Case c{.name = std::string("packed-self-signature-corrupted-") + key,
           .key = key, .code = "attestation_signature_invalid",
           .notes = "last byte of the packed attStmt sig flipped"};
    gen.Registration(c, {.format = "packed",
                         .aaguid = TestAaguid(),
                         .edit_attestation_signature = FlipLastByte()});
  }
  gen.Registration({.name = "packed-self-signature-over-other-data",
                    .code = "attestation_signature_invalid",
                    .notes = "sig is a valid signature by the credential key over "
                             "an unrelated message"},
                   {.format = "packed",
                    .aaguid = TestAaguid(),
                    .edit_attestation_signature =
                        [&gen](Bytes& sig) {
                          const SoftwareAuthenticator& key = gen.Key("es256");
                          sig = Check(key.Sign(AsBytes("unrelated message")),
                                      "unrelated signature");
                        }});
  gen.Registration({.name = "packed-self-alg-mismatch",
                    .code = "attestation_invalid",
                    .notes = "ES256 key; packed attStmt says alg -35 (ES384)"},
                   {.format = "packed", .aaguid = TestAaguid(), .packed_alg = -35});
  gen.Registration(
      {.name = "packed-missing-sig", .code = "attestation_invalid",
       .notes = "packed attStmt {alg} without sig"},
      {.format = "packed",
       .aaguid = TestAaguid(),
       .attestation_statement = CborWriter().MapHeader(1).TextString("alg").Int(-7).Take()});
  gen.Registration(
      {.name = "none-nonempty-attstmt", .code = "attestation_invalid",
       .notes = "fmt none with attStmt {\"sig\": h'00'}"},
      {.format = "none",
       .attestation_statement = CborWriter()
                                    .MapHeader(1)
                                    .TextString("sig")
                                    .ByteString(Bytes{0x00})
                                    .Take()});
  gen.Registration({.name = "unknown-format", .code = "attestation_format_unsupported",
                    .notes = "fmt \"fizzbuzz\" with an empty attStmt"},
                   {.format = "fizzbuzz"});
  gen.Registration({.name = "format-case-mismatch",
                    .code = "attestation_format_unsupported",
                    .notes = "fmt \"None\": format names match case-sensitively"},
                   {.format = "None"});
  // Credential ID of 1024 bytes.
  {
    SoftwareAuthenticator& key = gen.Key("es256");
    const Bytes saved = key.credential_id();
    key.set_credential_id(LongCredentialId(1024));
    gen.Registration({.name = "credential-id-1024", .code = "credential_id_too_long"}, {});
    key.set_credential_id(saved);
  }
}

// PublicKeyNegatives: COSE_Key defects, placed in a fmt none registration
// (so no signature depends on the key) and in a stored record.
void PublicKeyNegatives(Generator& gen) {
  const SoftwareAuthenticator& es256 = gen.Key("es256");
  const auto [x, y] = EcPublicXY(es256, 32);
  Bytes y_off_curve = y;
  y_off_curve.back() ^= 0x01;
  const Bytes x_short(x.begin() + 1, x.end());
  const Bytes ed_x = Ed25519PublicX(gen.Key("ed25519"));
  const Bytes ed_x_short(ed_x.begin() + 1, ed_x.end());

  struct BadKey {
    const char* name;
    Bytes cose_key;
    std::int64_t alg;  // the alg the key claims
    const char* code;
    const char* notes;
  };
  const std::vector<BadKey> bad_keys = {
      {"cose-kty-okp-for-es256", Ec2Key(1, -7, 1, x, y), -7, "invalid_public_key",
       "kty 1 (OKP) with alg -7 and EC2 parameters"},
      {"cose-kty-rsa-for-es256", Ec2Key(3, -7, 1, x, y), -7, "invalid_public_key",
       "kty 3 (RSA) with alg -7"},
      {"cose-alg-rs256-for-ec2", Ec2Key(2, -257, 1, x, y), -257, "invalid_public_key",
       "kty 2 (EC2) with alg -257 (RS256)"},
      {"cose-crv-p384-for-es256", Ec2Key(2, -7, 2, x, y), -7, "invalid_public_key",
       "alg -7 (ES256) with crv 2 (P-384) and 32-byte coordinates"},
      {"cose-crv-ed25519-for-ec2", Ec2Key(2, -7, 6, x, y), -7, "invalid_public_key",
       "EC2 key with crv 6 (Ed25519)"},
      {"cose-point-not-on-curve", Ec2Key(2, -7, 1, x, y_off_curve), -7,
       "invalid_public_key", "last bit of y flipped: (x, y) is not on P-256"},
      {"cose-x-31-bytes", Ec2Key(2, -7, 1, x_short, y), -7, "invalid_public_key",
       "P-256 x coordinate of 31 bytes"},
      {"cose-ec2-missing-y", CborWriter()
                                 .MapHeader(4)
                                 .Int(1).Int(2)
                                 .Int(3).Int(-7)
                                 .Int(-1).Int(1)
                                 .Int(-2).ByteString(x)
                                 .Take(),
       -7, "invalid_public_key", "EC2 key without y (-3)"},
      {"cose-okp-crv-p256", CborWriter()
                                .MapHeader(4)
                                .Int(1).Int(1)
                                .Int(3).Int(-8)
                                .Int(-1).Int(1)
                                .Int(-2).ByteString(ed_x)
                                .Take(),
       -8, "invalid_public_key", "OKP key with crv 1 (P-256)"},
      {"cose-ed25519-x-31-bytes", CborWriter()
                                      .MapHeader(4)
                                      .Int(1).Int(1)
                                      .Int(3).Int(-8)
                                      .Int(-1).Int(6)
                                      .Int(-2).ByteString(ed_x_short)
                                      .Take(),
       -8, "invalid_public_key", "Ed25519 x of 31 bytes"},
      {"cose-duplicate-key", CborWriter()
                                 .MapHeader(6)
                                 .Int(1).Int(2)
                                 .Int(3).Int(-7)
                                 .Int(-1).Int(1)
                                 .Int(-2).ByteString(x)
                                 .Int(-3).ByteString(y)
                                 .Int(3).Int(-7)
                                 .Take(),
       -7, "invalid_public_key", "COSE_Key map holds label 3 (alg) twice"},
      {"cose-unknown-alg", Ec2Key(2, -999, 1, x, y), -999, "unsupported_algorithm",
       "EC2 P-256 key announcing alg -999"},
  };
  for (const BadKey& bad : bad_keys) {
    Case c{.name = bad.name, .code = bad.code, .notes = bad.notes};
    gen.Registration(c, {.cose_key = bad.cose_key, .public_key_algorithm = bad.alg});
  }
  // The same defects in a stored credential record.
  const char* const kRecordCases[] = {"cose-point-not-on-curve",
                                      "cose-crv-p384-for-es256",
                                      "cose-duplicate-key", "cose-unknown-alg"};
  for (const BadKey& bad : bad_keys) {
    for (const char* name : kRecordCases) {
      if (std::string(bad.name) != name) continue;
      Case c{.name = std::string("record-") + bad.name, .code = bad.code,
             .notes = std::string("stored credential publicKey: ") + bad.notes};
      gen.Authentication(c, {}, {.public_key = bad.cose_key});
    }
  }
}

// --- Negative vectors: parsing -----------------------------------------------

void ResponseJsonNegatives(Generator& gen) {
  const std::string other_id =
      Base64UrlEncode(gen.Key("es256-other").credential_id());
  {
    Case c{.name = "id-differs-from-raw-id", .code = "malformed_response"};
    gen.Registration(c, {.id_text = other_id});
    gen.Authentication(c, {.id_text = other_id}, {});
  }
  {
    Case c{.name = "raw-id-padded-base64url", .code = "malformed_response",
           .notes = "id and rawId carry '=' padding"};
    const std::string padded =
        Base64UrlEncode(gen.Key("es256").credential_id()) + "=";
    gen.Registration(c, {.id_text = padded, .raw_id_text = padded});
    gen.Authentication(c, {.id_text = padded, .raw_id_text = padded}, {});
  }
  {
    Case c{.name = "raw-id-standard-base64", .code = "malformed_response",
           .notes = "id and rawId use the standard alphabet ('+')"};
    std::string standard = Base64UrlEncode(gen.Key("es256").credential_id());
    standard[0] = '+';
    gen.Registration(c, {.id_text = standard, .raw_id_text = standard});
    gen.Authentication(c, {.id_text = standard, .raw_id_text = standard}, {});
  }
}

void ClientDataParseNegatives(Generator& gen) {
  const struct {
    const char* name;
    const char* reg_text;
    const char* auth_text;
  } kCases[] = {
      {"client-data-not-json", "{\"type\":\"webauthn.create\",", "not json at all"},
      {"client-data-not-object", "[\"webauthn.create\"]", "\"webauthn.get\""},
  };
  for (const auto& bad : kCases) {
    Case c{.name = bad.name, .code = "malformed_client_data"};
    gen.Registration(c, {.client_data_json = bad.reg_text});
    gen.Authentication(c, {.client_data_json = bad.auth_text}, {});
  }
  {
    Case c{.name = "client-data-missing-challenge", .code = "malformed_client_data"};
    gen.Registration(c, {.client_data_json = std::string(
                             "{\"type\":\"webauthn.create\",\"origin\":\"") +
                             kOrigin + "\",\"crossOrigin\":false}"});
    gen.Authentication(c, {.client_data_json = std::string(
                               "{\"type\":\"webauthn.get\",\"origin\":\"") +
                               kOrigin + "\",\"crossOrigin\":false}"},
                       {});
  }
  {
    Case c{.name = "client-data-challenge-not-string", .code = "malformed_client_data"};
    gen.Authentication(c, {.client_data_json = std::string(
                               "{\"type\":\"webauthn.get\",\"challenge\":42,"
                               "\"origin\":\"") + kOrigin + "\"}"},
                       {});
  }
}

// AttestationObjectNegatives: defects of the top-level CBOR map.
void AttestationObjectNegatives(Generator& gen) {
  const Bytes empty_map = testing::EmptyCborMap();
  gen.Registration({.name = "attestation-object-trailing-byte",
                    .code = "malformed_attestation_object",
                    .notes = "one 0x00 byte after the attestation object map"},
                   {.edit_attestation_object = Append({0x00})});
  gen.Registration({.name = "attestation-object-duplicate-fmt",
                    .code = "malformed_attestation_object",
                    .notes = "map of 4 entries with \"fmt\": \"none\" twice"},
                   {.edit_attestation_object = [](Bytes& object) {
                      object[0] = 0xa4;  // map(4) instead of map(3)
                      const Bytes again =
                          CborWriter().TextString("fmt").TextString("none").Take();
                      object.insert(object.end(), again.begin(), again.end());
                    }});
  gen.Registration({.name = "attestation-object-indefinite-map",
                    .code = "malformed_attestation_object",
                    .notes = "the top-level map uses an indefinite length"},
                   {.edit_attestation_object = [](Bytes& object) {
                      object[0] = 0xbf;  // map(*)
                      object.push_back(0xff);
                    }});
  gen.Registration({.name = "attestation-object-not-a-map",
                    .code = "malformed_attestation_object",
                    .notes = "an array [\"none\", {}, authData] instead of the map"},
                   {.edit_attestation_object = [](Bytes& object) {
                      // a3 "fmt" "none" "attStmt" a0 "authData" <bstr …>
                      constexpr std::size_t kAuthDataValue = 1 + 4 + 5 + 8 + 1 + 9;
                      Bytes array = CborWriter().ArrayHeader(3).TextString("none").Take();
                      array.push_back(0xa0);
                      array.insert(array.end(),
                                   object.begin() + static_cast<std::ptrdiff_t>(kAuthDataValue),
                                   object.end());
                      object = std::move(array);
                    }});
  gen.Registration(
      {.name = "attestation-object-missing-auth-data",
       .code = "malformed_attestation_object"},
      {.edit_attestation_object = Replace(CborWriter()
                                              .MapHeader(2)
                                              .TextString("fmt").TextString("none")
                                              .TextString("attStmt").Raw(empty_map)
                                              .Take())});
  gen.Registration(
      {.name = "attestation-object-auth-data-is-text",
       .code = "malformed_attestation_object",
       .notes = "authData is a text string"},
      {.edit_attestation_object =
           Replace(CborWriter()
                       .MapHeader(3)
                       .TextString("fmt").TextString("none")
                       .TextString("attStmt").Raw(empty_map)
                       .TextString("authData").TextString("not bytes")
                       .Take())});
  gen.Registration(
      {.name = "attestation-object-fmt-is-int",
       .code = "malformed_attestation_object", .notes = "fmt is the integer 0"},
      {.edit_attestation_object =
           [](Bytes& object) {
             // Keep authData; rewrite the head: map(3) "fmt" 0 "attStmt" ...
             CborWriter head;
             head.MapHeader(3).TextString("fmt").Int(0);
             const std::size_t old_head = 1 + 4 + 5;  // a3 "fmt" "none"
             Bytes rebuilt = head.Take();
             rebuilt.insert(rebuilt.end(),
                            object.begin() + static_cast<std::ptrdiff_t>(old_head),
                            object.end());
             object = std::move(rebuilt);
           }});
  gen.Registration({.name = "attestation-object-empty",
                    .code = "malformed_attestation_object"},
                   {.edit_attestation_object = Truncate(0)});
}

// AuthenticatorDataParseNegatives: truncation at every field boundary,
// trailing bytes, AT/ED flags that disagree with the data.
void AuthenticatorDataParseNegatives(Generator& gen) {
  const std::size_t id_length = gen.Key("es256").credential_id().size();
  const std::size_t key_length = gen.Key("es256").CosePublicKey().size();
  constexpr std::size_t attested_start = 37;
  constexpr std::size_t id_start = attested_start + 16 + 2;
  const std::size_t key_start = id_start + id_length;
  const struct {
    const char* name;
    std::size_t length;
  } kRegistrationCuts[] = {
      {"empty", 0},
      {"in-rp-id-hash", 20},
      {"after-rp-id-hash", 32},
      {"after-flags", 33},
      {"in-sign-count", 35},
      {"after-sign-count", attested_start},
      {"in-aaguid", attested_start + 8},
      {"after-aaguid", attested_start + 16},
      {"in-credential-id-length", attested_start + 17},
      {"after-credential-id-length", id_start},
      {"in-credential-id", id_start + id_length / 2},
      {"after-credential-id", key_start},
      {"in-cose-key", key_start + key_length / 2},
      {"last-byte-of-cose-key-missing", key_start + key_length - 1},
  };
  for (const auto& cut : kRegistrationCuts) {
    gen.Registration({.name = std::string("auth-data-truncated-") + cut.name,
                      .code = "malformed_authenticator_data",
                      .notes = "authData (AT set) cut to " +
                               std::to_string(cut.length) + " bytes"},
                     {.edit_authenticator_data = Truncate(cut.length)});
  }
  const struct {
    const char* name;
    std::size_t length;
  } kAssertionCuts[] = {
      {"empty", 0},
      {"after-rp-id-hash", 32},
      {"after-flags", 33},
      {"in-sign-count", 36},
  };
  for (const auto& cut : kAssertionCuts) {
    gen.Authentication({.name = std::string("auth-data-truncated-") + cut.name,
                        .code = "malformed_authenticator_data",
                        .notes = "authData cut to " + std::to_string(cut.length) +
                                 " bytes"},
                       {.edit_authenticator_data = Truncate(cut.length)}, {});
  }
  const Bytes extensions = CborMapOneTextKey("credProtect", 2);
  const std::uint8_t up_uv = testing::kFlagUp | testing::kFlagUv;
  // Registration.
  gen.Registration({.name = "auth-data-trailing-after-cose-key",
                    .code = "malformed_authenticator_data",
                    .notes = "one byte after the COSE key; ED clear"},
                   {.edit_authenticator_data = Append({0x00})});
  gen.Registration({.name = "auth-data-trailing-after-extensions",
                    .code = "malformed_authenticator_data",
                    .notes = "one byte after the extensions map"},
                   {.extensions = extensions, .edit_authenticator_data = Append({0x00})});
  gen.Registration({.name = "auth-data-at-clear-with-attested-data",
                    .code = "malformed_authenticator_data",
                    .notes = "attested credential data present, AT flag clear"},
                   {.flags_byte = up_uv});
  gen.Registration({.name = "auth-data-ed-set-without-extensions",
                    .code = "malformed_authenticator_data"},
                   {.flags_byte = static_cast<std::uint8_t>(up_uv | testing::kFlagAt |
                                                            testing::kFlagEd)});
  gen.Registration({.name = "auth-data-ed-clear-with-extensions",
                    .code = "malformed_authenticator_data"},
                   {.extensions = extensions,
                    .flags_byte = static_cast<std::uint8_t>(up_uv | testing::kFlagAt)});
  gen.Registration({.name = "auth-data-extensions-not-a-map",
                    .code = "malformed_authenticator_data",
                    .notes = "ED set; the extensions item is the integer 2"},
                   {.extensions = CborWriter().Int(2).Take()});
  gen.Registration({.name = "auth-data-credential-id-length-overruns",
                    .code = "malformed_authenticator_data",
                    .notes = "credentialIdLength 0xffff, more than the bytes left"},
                   {.edit_authenticator_data = [](Bytes& data) {
                      data[id_start - 2] = 0xff;
                      data[id_start - 1] = 0xff;
                    }});
  // Authentication.
  gen.Authentication({.name = "auth-data-trailing-byte",
                      .code = "malformed_authenticator_data",
                      .notes = "38 bytes: one after signCount, AT and ED clear"},
                     {.edit_authenticator_data = Append({0x00})}, {});
  gen.Authentication({.name = "auth-data-trailing-after-extensions",
                      .code = "malformed_authenticator_data"},
                     {.extensions = extensions, .edit_authenticator_data = Append({0x00})},
                     {});
  gen.Authentication({.name = "auth-data-at-set-without-attested-data",
                      .code = "malformed_authenticator_data"},
                     {.flags_byte = static_cast<std::uint8_t>(up_uv | testing::kFlagAt)},
                     {});
  gen.Authentication({.name = "auth-data-ed-set-without-extensions",
                      .code = "malformed_authenticator_data"},
                     {.flags_byte = static_cast<std::uint8_t>(up_uv | testing::kFlagEd)},
                     {});
  gen.Authentication({.name = "auth-data-ed-clear-with-extensions",
                      .code = "malformed_authenticator_data"},
                     {.extensions = extensions, .flags_byte = up_uv}, {});
  gen.Authentication({.name = "auth-data-extensions-duplicate-key",
                      .code = "malformed_authenticator_data",
                      .notes = "extensions map holds \"credProtect\" twice"},
                     {.extensions = CborWriter()
                                        .MapHeader(2)
                                        .TextString("credProtect").Int(2)
                                        .TextString("credProtect").Int(2)
                                        .Take()},
                     {});
  gen.Authentication({.name = "auth-data-extensions-indefinite-map",
                      .code = "malformed_authenticator_data"},
                     {.extensions = CborWriter()
                                        .Indefinite(CborMajor::kMap)
                                        .TextString("credProtect").Int(2)
                                        .Break()
                                        .Take()},
                     {});
}

}  // namespace
}  // namespace passkey::gen

int main(int argc, char** argv) {
  using namespace passkey::gen;  // NOLINT(google-build-using-namespace)
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <testdata-dir>\n", argc > 0 ? argv[0] : "passkey_gen_testdata");
    return 2;
  }
  Generator gen{std::filesystem::path(argv[1])};
  gen.LoadKeys();
  AlgorithmPositives(gen);
  FeaturePositives(gen);
  ClientDataNegatives(gen);
  AuthenticatorDataNegatives(gen);
  SignatureNegatives(gen);
  AlgorithmPolicyNegatives(gen);
  AttestationNegatives(gen);
  PublicKeyNegatives(gen);
  ResponseJsonNegatives(gen);
  ClientDataParseNegatives(gen);
  AttestationObjectNegatives(gen);
  AuthenticatorDataParseNegatives(gen);
  gen.WriteFiles();
  return 0;
}
