#include "cli_record.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace passkey::cli {
namespace {

using Json = nlohmann::ordered_json;

// kMaxDocumentDepth bounds the nesting ParseDocument accepts, so the
// recursive dump() below stays shallow. It is above the library's own
// record depth (4) plus the output wrapper: the library, not this
// pre-parse, decides what a valid record is.
constexpr int kMaxDocumentDepth = 8;

// ParseDocument parses `text` with member order kept, or returns a
// discarded value when it nests deeper than kMaxDocumentDepth, repeats a
// key in an object (collapsing duplicates would hide them from the
// library's strict parse), holds a NUL byte (nlohmann stops there) or is
// not JSON. A discarded document is then diagnosed by the library.
Json ParseDocument(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return Json(Json::value_t::discarded);
  bool refused = false;
  std::vector<std::set<std::string>> keys;  // one set per open object
  Json::parser_callback_t callback = [&](int depth, Json::parse_event_t event,
                                         Json& parsed) -> bool {
    if (refused) return false;
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        if (depth >= kMaxDocumentDepth) {
          refused = true;
          return false;
        }
        if (event == Json::parse_event_t::object_start) keys.emplace_back();
        return true;
      case Json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        return true;
      case Json::parse_event_t::key:
        if (!keys.empty() && parsed.is_string() &&
            !keys.back().insert(parsed.get<std::string>()).second) {
          refused = true;
          return false;
        }
        return true;
      default:
        return true;
    }
  };
  Json doc = Json::parse(text, callback, /*allow_exceptions=*/false);
  if (refused) return Json(Json::value_t::discarded);
  return doc;
}

// Serialized: CredentialRecordToJson(record) as an ordered object.
Result<Json> Serialized(const CredentialRecord& record) {
  Json json = Json::parse(CredentialRecordToJson(record), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    return Unexpected(ErrorCode::kInternal, "the library wrote a record that is not a JSON object");
  }
  return json;
}

}  // namespace

Result<StoredRecord> ReadStoredRecord(std::string_view text) {
  Json doc = ParseDocument(text);
  std::string inner_text;
  std::string_view record_text = text;
  if (doc.is_object() && !doc.contains("publicKey")) {
    if (auto it = doc.find("credential"); it != doc.end() && it->is_object()) {
      // verify-authentication's own output: the record is its "credential".
      Json inner = std::move(*it);
      doc = std::move(inner);
      inner_text = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
      record_text = inner_text;
    }
  }
  Result<CredentialRecord> record = CredentialRecordFromJson(record_text);
  if (!record.has_value()) return Unexpected(record.error());
  if (!doc.is_object()) {
    // The library accepted what the pre-parse refused: the limits above
    // are out of step with the library's.
    return Unexpected(ErrorCode::kInternal, "the credential record cannot be re-read");
  }
  return StoredRecord{std::move(record).value(), std::move(doc)};
}

Result<Json> RewriteStoredRecord(const StoredRecord& stored, const CredentialRecord& updated) {
  Result<Json> before = Serialized(stored.record);
  if (!before.has_value()) return before;
  Result<Json> out = Serialized(updated);
  if (!out.has_value()) return out;
  for (const auto& [key, value] : stored.json.items()) {
    if (!before->contains(key) && !out->contains(key)) (*out)[key] = value;
  }
  return out;
}

}  // namespace passkey::cli
