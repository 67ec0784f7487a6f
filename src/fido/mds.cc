// FIDO Metadata Service 3: metadata BLOB verification (FIDO MDS 3.0
// "Metadata BLOB object processing rules"), payload entries, status policy.
#include <passkey/mds.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/x509.h>

#include "attestation/jws.h"
#include "attestation/trust_impl.h"
#include "attestation/x509.h"
#include "encoding/base64.h"
#include "encoding/json_util.h"
#include "internal/result_macros.h"

namespace passkey {
namespace {

using internal::Fail;

// kMaxBlobBytes: the production BLOB is a few MiB and the conformance one
// 2.2 MB; 16 MiB leaves growth room while bounding the work.
constexpr std::size_t kMaxBlobBytes = 16 * 1024 * 1024;

// kJwsCaps: header (flat members and the x5c array); payload nesting:
// payload → entries → entry → metadataStatement → userVerificationDetails
// → [[…]] → method → baDesc is 8 levels; 16 leaves room for new members.
// The payload is parsed only after the signature verified.
constexpr internal::JwsCaps kJwsCaps{
    .context = "mds",
    .malformed_code = ErrorCode::kMdsMalformed,
    .signature_code = ErrorCode::kMdsSignatureInvalid,
    .max_bytes = kMaxBlobBytes,
    .max_header_depth = 4,
    .max_payload_depth = 16,
    .max_x5c_entry_chars = 16 * 1024,
    .require_x5c = false,
    .parse_payload = false,
};

Unexpected Malformed(std::string message) {
  return Fail(ErrorCode::kMdsMalformed, "mds: " + std::move(message));
}

// ParseDate: "YYYY-MM-DD" (the payload's ISO-8601 dates) → its 00:00:00Z.
std::optional<UnixSeconds> ParseDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const Result<UnixSeconds> parsed = ParseTimestamp(text + "T00:00:00Z");
  if (!parsed.has_value()) return std::nullopt;
  return *parsed;
}

// ReportDate: a report's effectiveDate as a time; nullopt when absent (or,
// for entries not made by Verify, not a YYYY-MM-DD date).
std::optional<UnixSeconds> ReportDate(const MdsStatusReport& report) {
  if (report.effective_date.empty()) return std::nullopt;
  return ParseDate(report.effective_date);
}

// Severity: how bad a status is, for reports of the same date.
int Severity(std::string_view status) {
  if (IsCompromiseStatus(status)) return 2;
  return status.starts_with("FIDO_CERTIFIED") ? 0 : 1;
}

// OptionalString: a string member; nullopt when absent.
Result<std::optional<std::string>> OptionalString(const nlohmann::json& object, const char* key,
                                                  const std::string& where) {
  bool wrong_type = false;
  const std::string* value = internal::FindString(object, key, &wrong_type);
  if (wrong_type) return Malformed(where + key + " is not a string");
  if (value == nullptr) return std::optional<std::string>();
  return std::optional<std::string>(*value);
}

// OptionalArray: an array member; nullptr when absent.
Result<const nlohmann::json*> OptionalArray(const nlohmann::json& object, const char* key,
                                            const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) return static_cast<const nlohmann::json*>(nullptr);
  if (!it->is_array()) return Malformed(where + key + " is not an array");
  return &*it;
}

Result<Aaguid> ParseAaguidMember(const std::string& text, const std::string& where) {
  // FIDO MDS: aaguid is the 8-4-4-4-12 UUID form.
  Result<Aaguid> aaguid = Aaguid::Parse(text);
  if (!aaguid.has_value()) return Malformed(where + "aaguid is not an 8-4-4-4-12 UUID");
  return aaguid;
}

// ParseStatement reads the members of a metadataStatement that MdsEntry
// keeps; any other member is left alone (the format evolves).
Status ParseStatement(const nlohmann::json& statement, const std::string& where,
                      MdsEntry* entry) {
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<std::string> description,
                           OptionalString(statement, "description", where));
  if (description.has_value()) entry->description = *description;
  // "icon: A data: url [RFC2397] encoded [PNG] icon for the Authenticator."
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<std::string> icon,
                           OptionalString(statement, "icon", where));
  if (icon.has_value()) {
    if (!icon->starts_with("data:")) return Malformed(where + "icon is not a data: URL");
    entry->icon = *icon;
  }
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<std::string> aaguid_text,
                           OptionalString(statement, "aaguid", where));
  if (aaguid_text.has_value()) {
    PASSKEY_ASSIGN_OR_RETURN(const Aaguid aaguid, ParseAaguidMember(*aaguid_text, where));
    if (entry->aaguid.has_value() && !(*entry->aaguid == aaguid)) {
      return Malformed(where + "aaguid differs from the entry's aaguid");
    }
    entry->aaguid = aaguid;
  }
  // "attestationRootCertificates: … Each element of this array represents a
  //  PKIX [RFC5280] X.509 certificate that is a valid trust anchor for this
  //  authenticator model … base64-encoded (section 4 of [RFC4648]),
  //  DER-encoded [ITU-X690-2008] PKIX certificate value."
  PASSKEY_ASSIGN_OR_RETURN(const nlohmann::json* roots,
                           OptionalArray(statement, "attestationRootCertificates", where));
  if (roots != nullptr) {
    for (const nlohmann::json& root : *roots) {
      if (!root.is_string()) {
        return Malformed(where + "attestationRootCertificates entry is not a string");
      }
      std::optional<Bytes> der = internal::Base64DecodeStrict(root.get_ref<const std::string&>());
      if (!der.has_value()) {
        return Malformed(where + "attestationRootCertificates entry is not padded base64");
      }
      const Result<internal::X509Ptr> parsed = internal::ParseCertificateDer(*der);
      if (!parsed.has_value()) {
        return Malformed(where + "attestationRootCertificates entry: " +
                         parsed.error().message);
      }
      entry->attestation_root_certificates.push_back(std::move(*der));
    }
  }
  return OkStatus();
}

// ParseEntry reads one MetadataBLOBPayloadEntry.
Result<MdsEntry> ParseEntry(const nlohmann::json& value, std::size_t index) {
  const std::string where = "entries[" + std::to_string(index) + "].";
  if (!value.is_object()) return Malformed("entries[" + std::to_string(index) + "] is not an object");
  MdsEntry entry;
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<std::string> aaguid_text,
                           OptionalString(value, "aaguid", where));
  if (aaguid_text.has_value()) {
    PASSKEY_ASSIGN_OR_RETURN(entry.aaguid, ParseAaguidMember(*aaguid_text, where));
  }
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<std::string> aaid,
                           OptionalString(value, "aaid", where));
  if (aaid.has_value()) entry.aaid = *aaid;
  PASSKEY_ASSIGN_OR_RETURN(const nlohmann::json* key_ids,
                           OptionalArray(value, "attestationCertificateKeyIdentifiers", where));
  if (key_ids != nullptr) {
    for (const nlohmann::json& key_id : *key_ids) {
      if (!key_id.is_string()) {
        return Malformed(where + "attestationCertificateKeyIdentifiers entry is not a string");
      }
      entry.attestation_certificate_key_identifiers.push_back(
          key_id.get_ref<const std::string&>());
    }
  }
  bool wrong_type = false;
  const nlohmann::json* statement =
      internal::FindObject(value, "metadataStatement", &wrong_type);
  if (wrong_type) return Malformed(where + "metadataStatement is not an object");
  if (statement != nullptr) {
    PASSKEY_RETURN_IF_ERROR(ParseStatement(*statement, where + "metadataStatement.", &entry));
  }
  // "statusReports: An array of status reports applicable to this
  //  authenticator." (required).
  const auto reports = value.find("statusReports");
  if (reports == value.end() || !reports->is_array()) {
    return Malformed(where + "statusReports is missing or not an array");
  }
  for (const nlohmann::json& report : *reports) {
    if (!report.is_object()) return Malformed(where + "statusReports entry is not an object");
    const std::string report_where = where + "statusReports[].";
    PASSKEY_ASSIGN_OR_RETURN(const std::optional<std::string> status,
                             OptionalString(report, "status", report_where));
    if (!status.has_value() || status->empty()) {
      return Malformed(report_where + "status is missing or empty");
    }
    PASSKEY_ASSIGN_OR_RETURN(const std::optional<std::string> effective_date,
                             OptionalString(report, "effectiveDate", report_where));
    if (effective_date.has_value() && !ParseDate(*effective_date).has_value()) {
      return Malformed(report_where + "effectiveDate is not a YYYY-MM-DD date");
    }
    entry.status_reports.push_back(
        MdsStatusReport{*status, effective_date.value_or(std::string())});
  }
  return entry;
}

// CopyCertificate: a new owning reference to `cert`.
Result<internal::X509Ptr> CopyCertificate(X509* cert) {
  if (X509_up_ref(cert) != 1) return Fail(ErrorCode::kInternal, "X509_up_ref failed");
  return internal::X509Ptr(cert);
}

}  // namespace

const MdsStatusReport* MdsEntry::LatestStatusReport(UnixSeconds now) const {
  const MdsStatusReport* latest = nullptr;
  std::optional<UnixSeconds> latest_date;  // nullopt: undated
  for (const MdsStatusReport& report : status_reports) {
    const std::optional<UnixSeconds> date = ReportDate(report);
    if (date.has_value() && *date > now) continue;  // not in effect yet
    if (latest == nullptr || date > latest_date ||
        (date == latest_date && Severity(report.status) > Severity(latest->status))) {
      latest = &report;
      latest_date = date;
    }
  }
  return latest;
}

struct MdsBlob::Data {
  std::uint64_t number = 0;
  std::string next_update;
  UnixSeconds next_update_time = 0;
  std::string legal_header;
  bool revocation_checked = false;
  std::vector<MdsEntry> entries;
  std::map<std::array<std::uint8_t, 16>, std::size_t> by_aaguid;  // → entries index
};

MdsBlob::MdsBlob(std::shared_ptr<const Data> data) noexcept : data_(std::move(data)) {}

std::uint64_t MdsBlob::number() const noexcept { return data_->number; }
const std::string& MdsBlob::next_update() const noexcept { return data_->next_update; }
const std::string& MdsBlob::legal_header() const noexcept { return data_->legal_header; }
bool MdsBlob::revocation_checked() const noexcept { return data_->revocation_checked; }
bool MdsBlob::stale(UnixSeconds now) const noexcept { return now >= data_->next_update_time; }
const std::vector<MdsEntry>& MdsBlob::entries() const noexcept { return data_->entries; }

Result<MdsBlob> MdsBlob::Verify(std::string_view jwt, const AttestationTrust& roots,
                                const MdsVerifyOptions& options) {
  if (!options.now.has_value()) {
    return Fail(ErrorCode::kInvalidArgument, "mds: MdsVerifyOptions::now must be set");
  }
  if (internal::TrustImplOf(roots).anchors.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "mds: no root certificate to verify the BLOB with");
  }
  if (jwt.size() > kMaxBlobBytes) {
    return Fail(ErrorCode::kMdsLimitExceeded, "mds: BLOB larger than 16 MiB");
  }
  // A downloaded file usually ends with a newline; nothing else is trimmed.
  while (!jwt.empty() && (jwt.back() == '\n' || jwt.back() == '\r')) jwt.remove_suffix(1);

  // FIDO MDS 3 §3.1.7: "The metadata BLOB is a JSON Web Token (JWT, see
  // [JWT] and [JWS])" in Compact Serialization.
  PASSKEY_ASSIGN_OR_RETURN(const internal::ParsedJws jws, internal::ParseJws(jwt, kJwsCaps));

  // Processing rules: "If the x5u attribute is present in the JWT Header,
  // then: … Download the certificate chain from the URL specified by the x5u
  // attribute". The library has no network: a BLOB that names its chain only
  // by URL cannot be verified here.
  // "If the x5u attribute is missing, the chain should be retrieved from the
  // x5c attribute. If that attribute is missing as well, Metadata BLOB
  // signing trust anchor is considered the BLOB signing certificate chain."
  internal::PathPolicy policy;
  policy.trust = &roots;
  policy.now = *options.now;
  policy.allow_sha1 = false;
  policy.require_revocation_check = options.require_revocation_check;
  bool revocation_checked = false;
  const X509* signer = nullptr;
  std::vector<internal::X509Ptr> anchor_chain;
  if (!jws.x5c.empty()) {
    // "The certificate chain MUST be verified to properly chain to the
    //  metadata BLOB signing trust anchor according to [RFC5280]. All
    //  certificates in the chain MUST be checked for revocation according to
    //  [RFC5280]." (CRLs: those of `roots`; revocation_checked says
    //  whether each certificate below the root had one.)
    PASSKEY_ASSIGN_OR_RETURN(const internal::PathValidation path,
                             internal::ValidateAttestationPath(jws.x5c, policy));
    revocation_checked = path.revocation_checked;
    if (!path.trusted) {
      return Fail(ErrorCode::kMdsUntrusted, "mds: x5c does not chain to the given root");
    }
    signer = jws.x5c.front().get();
  } else if (jws.has_x5u) {
    return Fail(ErrorCode::kMdsUntrusted,
                "mds: the BLOB names its chain by x5u only (no network access)");
  } else {
    // The trust anchor signs the BLOB itself: the first root that verifies
    // the signature (and is valid at `now`) is the signer.
    Status last = Fail(ErrorCode::kMdsSignatureInvalid, "mds: no root verifies the signature");
    for (const internal::X509Ptr& root : internal::TrustImplOf(roots).anchors) {
      const Status verified = internal::VerifyJwsSignature(jws, root.get(), false, kJwsCaps);
      if (!verified.has_value()) {
        last = verified;
        continue;
      }
      PASSKEY_ASSIGN_OR_RETURN(internal::X509Ptr copy, CopyCertificate(root.get()));
      anchor_chain.push_back(std::move(copy));
      PASSKEY_ASSIGN_OR_RETURN(const internal::PathValidation path,
                               internal::ValidateAttestationPath(anchor_chain, policy));
      if (!path.trusted) return Fail(ErrorCode::kMdsUntrusted, "mds: root is not trusted");
      revocation_checked = path.revocation_checked;
      signer = anchor_chain.front().get();
      break;
    }
    if (signer == nullptr) return Unexpected(Error(last.error()));
  }

  // "Verify the signature of the Metadata BLOB object using the BLOB signing
  //  certificate chain (as determined by the steps above). The FIDO Server
  //  SHOULD ignore the file if the signature is invalid."
  PASSKEY_RETURN_IF_ERROR(internal::VerifyJwsSignature(jws, signer, false, kJwsCaps));

  // The payload (MetadataBLOBPayload), parsed only now that it is signed.
  PASSKEY_ASSIGN_OR_RETURN(const nlohmann::json payload,
                           internal::ParseJwsPayload(jws, kJwsCaps));
  auto data = std::make_shared<Data>();
  data->revocation_checked = revocation_checked;
  // "no: The serial number of this metadata BLOB Payload. Serial numbers
  //  MUST be consecutive and strictly monotonic increasing."
  const auto no = payload.find("no");
  const std::optional<std::uint64_t> number =
      no == payload.end() ? std::nullopt : internal::JsonUint64(*no);
  if (!number.has_value()) return Malformed("payload lacks a non-negative 64-bit integer no");
  data->number = *number;
  // "nextUpdate: ISO-8601 formatted date when the next update will be
  //  provided at latest."
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<std::string> next_update,
                           OptionalString(payload, "nextUpdate", "payload."));
  const std::optional<UnixSeconds> next_update_time =
      next_update.has_value() ? ParseDate(*next_update) : std::nullopt;
  if (!next_update_time.has_value()) {
    return Malformed("payload nextUpdate is missing or not a YYYY-MM-DD date");
  }
  data->next_update = *next_update;
  data->next_update_time = *next_update_time;
  PASSKEY_ASSIGN_OR_RETURN(const std::optional<std::string> legal_header,
                           OptionalString(payload, "legalHeader", "payload."));
  data->legal_header = legal_header.value_or(std::string());

  // "It SHOULD also ignore the file if its number (no) is less or equal to
  //  the number of the last Metadata BLOB object cached locally."
  if (options.last_number.has_value() && data->number <= *options.last_number) {
    return Fail(ErrorCode::kMdsRollback,
                "mds: BLOB no " + std::to_string(data->number) +
                    " is not greater than the last accepted " +
                    std::to_string(*options.last_number));
  }

  // "entries: List of zero or more MetadataBLOBPayloadEntry objects."
  const auto entries = payload.find("entries");
  if (entries == payload.end() || !entries->is_array()) {
    return Malformed("payload entries is missing or not an array");
  }
  data->entries.reserve(entries->size());
  for (std::size_t i = 0; i < entries->size(); ++i) {
    PASSKEY_ASSIGN_OR_RETURN(MdsEntry entry, ParseEntry((*entries)[i], i));
    if (entry.aaguid.has_value()) {
      // One entry per authenticator model: two would make its status
      // ambiguous.
      if (!data->by_aaguid.emplace(entry.aaguid->bytes, data->entries.size()).second) {
        return Malformed("two entries for AAGUID " + entry.aaguid->ToString());
      }
    }
    data->entries.push_back(std::move(entry));
  }
  return MdsBlob(std::move(data));
}

const MdsEntry* MdsBlob::Find(const Aaguid& aaguid) const {
  const auto it = data_->by_aaguid.find(aaguid.bytes);
  return it == data_->by_aaguid.end() ? nullptr : &data_->entries[it->second];
}

AaguidCatalog MdsBlob::ToCatalog() const {
  AaguidCatalog catalog;
  for (const MdsEntry& entry : data_->entries) {
    if (!entry.aaguid.has_value() || entry.aaguid->IsZero() || entry.description.empty()) {
      continue;
    }
    // Add only fails for the all-zero AAGUID or an empty name, excluded above.
    static_cast<void>(
        catalog.Add(*entry.aaguid, AuthenticatorInfo{entry.description, entry.icon, entry.icon}));
  }
  return catalog;
}

Status MdsBlob::AddAttestationRoots(AttestationTrust* trust) const {
  if (trust == nullptr) return Fail(ErrorCode::kInvalidArgument, "mds: trust is null");
  for (const MdsEntry& entry : data_->entries) {
    if (!entry.aaguid.has_value()) continue;
    for (const Bytes& der : entry.attestation_root_certificates) {
      PASSKEY_RETURN_IF_ERROR(trust->AddAnchorDer(der, *entry.aaguid));
    }
  }
  return OkStatus();
}

bool IsCompromiseStatus(std::string_view status) noexcept {
  // FIDO MDS 3 AuthenticatorStatus values that say the authenticator can no
  // longer be relied upon ("significant security issues").
  static constexpr std::string_view kCompromised[] = {
      "USER_VERIFICATION_BYPASS", "ATTESTATION_KEY_COMPROMISE", "USER_KEY_REMOTE_COMPROMISE",
      "USER_KEY_PHYSICAL_COMPROMISE", "REVOKED"};
  for (std::string_view compromised : kCompromised) {
    if (status == compromised) return true;
  }
  return false;
}

Status CheckAuthenticatorStatus(const MdsEntry& entry, std::optional<UnixSeconds> now) {
  if (!now.has_value()) {
    return Fail(ErrorCode::kInvalidArgument,
                "mds: the status policy needs the verification time (now)");
  }
  const std::string who =
      "authenticator " + (entry.aaguid.has_value() ? entry.aaguid->ToString() : entry.aaid);
  // The latest compromise in effect at `now`.
  const MdsStatusReport* compromise = nullptr;
  UnixSeconds compromise_date = 0;
  for (const MdsStatusReport& report : entry.status_reports) {
    if (!IsCompromiseStatus(report.status)) continue;
    const std::optional<UnixSeconds> date = ReportDate(report);
    if (!date.has_value()) {
      // Undated (or undatable): nothing can be later than it; fail closed.
      return Fail(ErrorCode::kAuthenticatorStatusCompromised,
                  who + ": MDS status " + report.status + " without effectiveDate");
    }
    if (*date > *now) continue;
    if (compromise == nullptr || *date > compromise_date) {
      compromise = &report;
      compromise_date = *date;
    }
  }
  if (compromise == nullptr) return OkStatus();
  // Cleared only by a later certification in effect at `now`.
  for (const MdsStatusReport& report : entry.status_reports) {
    if (!report.status.starts_with("FIDO_CERTIFIED")) continue;
    const std::optional<UnixSeconds> date = ReportDate(report);
    if (date.has_value() && *date > compromise_date && *date <= *now) return OkStatus();
  }
  return Fail(ErrorCode::kAuthenticatorStatusCompromised,
              who + ": MDS status " + compromise->status + " since " +
                  compromise->effective_date + ", not cleared by a later FIDO_CERTIFIED report");
}

Status CheckAuthenticatorStatus(const MdsBlob& blob, const Aaguid& aaguid,
                                std::optional<UnixSeconds> now) {
  if (!now.has_value()) {
    return Fail(ErrorCode::kInvalidArgument,
                "mds: the status policy needs the verification time (now)");
  }
  const MdsEntry* entry = blob.Find(aaguid);
  if (entry == nullptr) return OkStatus();
  return CheckAuthenticatorStatus(*entry, now);
}

}  // namespace passkey
