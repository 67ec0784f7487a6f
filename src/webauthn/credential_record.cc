#include <passkey/credential_record.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "encoding/json_util.h"
#include "internal/limits.h"
#include "internal/result_macros.h"

namespace passkey {
namespace {

using internal::Fail;
using nlohmann::json;

// Records are flat apart from the transports array.
constexpr int kMaxRecordDepth = 4;

Unexpected Malformed(std::string message) {
  return Fail(ErrorCode::kMalformedCredentialRecord, std::move(message));
}

Result<Bytes> DecodeMember(const json& value, const char* key) {
  if (!value.is_string()) return Malformed(std::string(key) + " is not a string");
  auto decoded = Base64UrlDecode(value.get_ref<const std::string&>());
  if (!decoded.has_value()) return Malformed(std::string(key) + ": " + decoded.error().message);
  return decoded;
}

Result<bool> BoolMember(const json& value, const char* key) {
  if (!value.is_boolean()) return Malformed(std::string(key) + " is not a boolean");
  return value.get<bool>();
}

Result<UnixSeconds> TimeMember(const json& value, const char* key) {
  if (!value.is_string()) return Malformed(std::string(key) + " is not a string");
  auto parsed = ParseTimestamp(value.get_ref<const std::string&>());
  if (!parsed.has_value()) return Malformed(std::string(key) + ": " + parsed.error().message);
  return parsed;
}

}  // namespace

std::optional<DeviceType> DeviceTypeOf(const CredentialRecord& record) noexcept {
  if (!record.backup_eligible.has_value()) return std::nullopt;
  return *record.backup_eligible ? DeviceType::kMultiDevice : DeviceType::kSingleDevice;
}

std::string CredentialRecordToJson(const CredentialRecord& record) {
  json out = json::object();
  out["version"] = record.version;
  out["id"] = Base64UrlEncode(record.id);
  out["publicKey"] = Base64UrlEncode(record.public_key);
  if (record.algorithm.has_value()) out["algorithm"] = static_cast<std::int32_t>(*record.algorithm);
  out["signCount"] = record.sign_count;
  out["uvInitialized"] = record.uv_initialized;
  out["transports"] = record.transports;
  if (record.backup_eligible.has_value()) out["backupEligible"] = *record.backup_eligible;
  out["backupState"] = record.backup_state;
  if (auto type = DeviceTypeOf(record); type.has_value()) {
    out["deviceType"] = std::string(DeviceTypeName(*type));
  }
  if (record.attachment.has_value()) {
    out["attachment"] = std::string(AttachmentName(*record.attachment));
  }
  out["aaguid"] = record.aaguid.ToString();
  if (!record.attestation_format.empty()) out["attestationFormat"] = record.attestation_format;
  if (!record.attestation_type.empty()) {
    out["attestationType"] = record.attestation_type;
    out["attestationTrusted"] = record.attestation_trusted;
    out["revocationChecked"] = record.revocation_checked;
  }
  if (!record.rp_id.empty()) out["rpId"] = record.rp_id;
  if (record.provider.has_value()) {
    out["provider"] = {{"name", record.provider->name},
                       {"iconLight", record.provider->icon_light},
                       {"iconDark", record.provider->icon_dark}};
  }
  if (!record.attestation_object.empty()) {
    out["attestationObject"] = Base64UrlEncode(record.attestation_object);
  }
  if (!record.client_data_json.empty()) {
    out["clientDataJSON"] = Base64UrlEncode(record.client_data_json);
  }
  if (!record.user_handle.empty()) out["userHandle"] = Base64UrlEncode(record.user_handle);
  if (record.user_present.has_value()) out["userPresent"] = *record.user_present;
  if (record.created_at.has_value()) out["createdAt"] = FormatTimestamp(*record.created_at);
  if (record.last_used_at.has_value()) out["lastUsedAt"] = FormatTimestamp(*record.last_used_at);
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<CredentialRecord> CredentialRecordFromJson(std::string_view text) {
  if (text.size() > kMaxCredentialRecordJsonBytes) {
    return Malformed("credential record JSON is " + std::to_string(text.size()) +
                     " bytes, over kMaxCredentialRecordJsonBytes (256 KiB)");
  }
  json in;
  std::string why;
  if (!internal::ParseJsonStrict(text, kMaxRecordDepth, &in, &why)) {
    return Malformed("credential record: " + why);
  }
  if (!in.is_object()) return Malformed("credential record is not a JSON object");

  CredentialRecord record;
  if (auto it = in.find("version"); it != in.end()) {
    const std::optional<std::int64_t> version = internal::JsonInt64(*it);
    if (!version.has_value()) return Malformed("version is not a 64-bit integer");
    if (*version != kCredentialRecordVersion) {
      return Fail(ErrorCode::kUnsupportedRecordVersion,
                  "credential record version " + std::to_string(*version) +
                      " is not supported (this build reads version 1)");
    }
  }
  auto id = in.find("id");
  if (id == in.end()) return Malformed("credential record lacks id");
  PASSKEY_ASSIGN_OR_RETURN(record.id, DecodeMember(*id, "id"));
  if (record.id.empty()) return Malformed("credential record id is empty");
  auto public_key = in.find("publicKey");
  if (public_key == in.end()) return Malformed("credential record lacks publicKey");
  PASSKEY_ASSIGN_OR_RETURN(record.public_key, DecodeMember(*public_key, "publicKey"));

  for (auto it = in.begin(); it != in.end(); ++it) {
    const std::string& key = it.key();
    const json& value = it.value();
    if (key == "version" || key == "id" || key == "publicKey") continue;
    if (key == "algorithm") {
      const std::optional<std::int64_t> alg = internal::JsonInt64(value);
      if (!alg.has_value() || *alg < INT32_MIN || *alg > INT32_MAX) {
        return Malformed("algorithm is not a 32-bit integer");
      }
      record.algorithm = static_cast<CoseAlgorithm>(*alg);
    } else if (key == "signCount") {
      const std::optional<std::uint64_t> count = internal::JsonUint64(value);
      if (!count.has_value() || *count > UINT32_MAX) {
        return Malformed("signCount is not a 32-bit unsigned integer");
      }
      record.sign_count = static_cast<std::uint32_t>(*count);
    } else if (key == "uvInitialized") {
      PASSKEY_ASSIGN_OR_RETURN(record.uv_initialized, BoolMember(value, "uvInitialized"));
    } else if (key == "transports") {
      if (!value.is_array()) return Malformed("transports is not an array");
      for (const auto& transport : value) {
        if (!transport.is_string()) return Malformed("transports holds a non-string");
        record.transports.push_back(transport.get<std::string>());
      }
    } else if (key == "backupEligible") {
      PASSKEY_ASSIGN_OR_RETURN(const bool be, BoolMember(value, "backupEligible"));
      record.backup_eligible = be;
    } else if (key == "backupState") {
      PASSKEY_ASSIGN_OR_RETURN(record.backup_state, BoolMember(value, "backupState"));
    } else if (key == "attachment") {
      if (!value.is_string()) return Malformed("attachment is not a string");
      const Result<Attachment> attachment = ParseAttachment(value.get_ref<const std::string&>());
      if (!attachment.has_value()) return Malformed("attachment has an unknown value");
      record.attachment = *attachment;
    } else if (key == "aaguid") {
      if (!value.is_string()) return Malformed("aaguid is not a string");
      auto aaguid = Aaguid::Parse(value.get_ref<const std::string&>());
      if (!aaguid.has_value()) return Malformed("aaguid: " + aaguid.error().message);
      record.aaguid = *aaguid;
    } else if (key == "attestationFormat" || key == "attestationType" || key == "rpId") {
      if (!value.is_string()) return Malformed(key + " is not a string");
      std::string& field = key == "attestationFormat" ? record.attestation_format
                           : key == "attestationType" ? record.attestation_type
                                                      : record.rp_id;
      field = value.get<std::string>();
    } else if (key == "attestationTrusted") {
      PASSKEY_ASSIGN_OR_RETURN(record.attestation_trusted, BoolMember(value, "attestationTrusted"));
    } else if (key == "revocationChecked") {
      PASSKEY_ASSIGN_OR_RETURN(record.revocation_checked, BoolMember(value, "revocationChecked"));
    } else if (key == "attestationObject") {
      PASSKEY_ASSIGN_OR_RETURN(record.attestation_object, DecodeMember(value, "attestationObject"));
    } else if (key == "clientDataJSON") {
      PASSKEY_ASSIGN_OR_RETURN(record.client_data_json, DecodeMember(value, "clientDataJSON"));
    } else if (key == "provider") {
      if (!value.is_object()) return Malformed("provider is not an object");
      AuthenticatorInfo info;
      for (const auto& [member, target] :
           {std::pair<const char*, std::string*>{"name", &info.name},
            std::pair<const char*, std::string*>{"iconLight", &info.icon_light},
            std::pair<const char*, std::string*>{"iconDark", &info.icon_dark}}) {
        bool wrong_type = false;
        const std::string* member_text = internal::FindString(value, member, &wrong_type);
        if (wrong_type) return Malformed(std::string("provider.") + member + " is not a string");
        if (member_text != nullptr) *target = *member_text;
      }
      if (info.name.empty()) return Malformed("provider.name missing or empty");
      record.provider = std::move(info);
    } else if (key == "userHandle") {
      PASSKEY_ASSIGN_OR_RETURN(record.user_handle, DecodeMember(value, "userHandle"));
      if (record.user_handle.empty() || record.user_handle.size() > internal::kMaxUserHandleBytes) {
        return Malformed("userHandle must be 1..64 bytes");
      }
    } else if (key == "userPresent") {
      PASSKEY_ASSIGN_OR_RETURN(const bool up, BoolMember(value, "userPresent"));
      record.user_present = up;
    } else if (key == "createdAt") {
      PASSKEY_ASSIGN_OR_RETURN(const UnixSeconds t, TimeMember(value, "createdAt"));
      record.created_at = t;
    } else if (key == "lastUsedAt") {
      PASSKEY_ASSIGN_OR_RETURN(const UnixSeconds t, TimeMember(value, "lastUsedAt"));
      record.last_used_at = t;
    }
    // deviceType is checked below; other members are ignored.
  }

  if (auto it = in.find("deviceType"); it != in.end()) {
    if (!it->is_string()) return Malformed("deviceType is not a string");
    const std::string& type = it->get_ref<const std::string&>();
    if (type != "singleDevice" && type != "multiDevice") {
      return Malformed("deviceType is neither singleDevice nor multiDevice");
    }
    const bool multi = type == "multiDevice";
    if (!record.backup_eligible.has_value()) {
      record.backup_eligible = multi;
    } else if (*record.backup_eligible != multi) {
      return Malformed("deviceType disagrees with backupEligible");
    }
  }
  if (record.backup_state && record.backup_eligible == false) {
    return Malformed("backupState is set on a credential that is not backup eligible");
  }
  return record;
}

}  // namespace passkey
