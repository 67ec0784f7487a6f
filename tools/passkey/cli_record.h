// Credential records as `verify-authentication --credential` reads and
// rewrites them: a bare record or the command's own output, with the
// members this build does not know kept.
#ifndef PASSKEY_TOOLS_PASSKEY_CLI_RECORD_H_
#define PASSKEY_TOOLS_PASSKEY_CLI_RECORD_H_

#include <string_view>

#include <nlohmann/json.hpp>

#include <passkey/credential_record.h>
#include <passkey/result.h>

namespace passkey::cli {

// StoredRecord: a record as read, and the JSON object it came from.
struct StoredRecord {
  CredentialRecord record;
  nlohmann::ordered_json json;  // the record object, members in file order
};

// ReadStoredRecord reads `text`: a credential record (CredentialRecordFromJson),
// or a verify-authentication output {"credential": <record>, ...}, which is
// recognised by a "credential" object and no "publicKey" member (a record
// always has one). Errors are CredentialRecordFromJson's
// (malformed_credential_record, unsupported_record_version), for the text
// itself or, in the output form, for its "credential" member.
Result<StoredRecord> ReadStoredRecord(std::string_view text);

// RewriteStoredRecord returns `updated` as JSON (CredentialRecordToJson)
// followed by the members of `stored.json` this build does not know (such
// as an application's "x-app-note"), in their order: rewriting a record
// keeps what other tools store in it. A member is known when
// CredentialRecordToJson writes it for `stored.record` or for `updated`;
// a known member the update removes (provider) stays removed.
Result<nlohmann::ordered_json> RewriteStoredRecord(const StoredRecord& stored,
                                                   const CredentialRecord& updated);

}  // namespace passkey::cli

#endif  // PASSKEY_TOOLS_PASSKEY_CLI_RECORD_H_
