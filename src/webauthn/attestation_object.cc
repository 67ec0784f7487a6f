#include "webauthn/attestation_object.h"

#include "internal/limits.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

Unexpected Malformed(std::string message) {
  return Fail(ErrorCode::kMalformedAttestationObject, std::move(message));
}

}  // namespace

Result<AttestationObject> ParseAttestationObject(ByteView data) {
  if (data.empty()) return Malformed("attestationObject is empty");
  if (data.size() > kMaxAttestationObjectBytes) {
    return Malformed("attestationObject larger than the limit");
  }
  auto decoded = DecodeCbor(data);
  if (!decoded.has_value()) {
    return Rewrap(ErrorCode::kMalformedAttestationObject, "attestationObject", decoded.error());
  }
  CborValue map = std::move(decoded).value();
  if (!map.is_map()) return Malformed("attestationObject is not a CBOR map");

  AttestationObject out;
  for (auto& [key, value] : map.map()) {
    if (!key.is_text()) return Malformed("attestationObject has a non-text key");
    const std::string_view name = key.text();
    if (name != "fmt" && name != "attStmt" && name != "authData") {
      return Malformed("attestationObject has an unknown member");
    }
  }
  const CborValue* fmt = map.Find("fmt");
  if (fmt == nullptr || !fmt->is_text() || fmt->text().empty()) {
    return Malformed("attestationObject lacks a text fmt");
  }
  // attStmt is a map for every format except L3 "compound", whose
  // attStmt is an array of statements (§8.9).
  const CborValue* att_stmt = map.Find("attStmt");
  const bool compound = fmt->text() == "compound";
  if (att_stmt == nullptr || !(compound ? att_stmt->is_array() : att_stmt->is_map())) {
    return Malformed(compound ? "compound attestationObject lacks an attStmt array"
                              : "attestationObject lacks an attStmt map");
  }
  const CborValue* auth_data = map.Find("authData");
  if (auth_data == nullptr || !auth_data->is_bytes()) {
    return Malformed("attestationObject lacks authData bytes");
  }
  out.fmt = std::string(fmt->text());
  out.att_stmt = *att_stmt;
  out.auth_data = auth_data->bytes();
  return out;
}

}  // namespace passkey::internal
