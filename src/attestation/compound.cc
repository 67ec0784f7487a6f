// WebAuthn L3 §8.9 Compound Attestation Statement Format.
#include <string>

#include "attestation/verifier.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

// kMaxCompoundStatements: more contained statements than any authenticator
// sends are refused before any is verified.
constexpr std::size_t kMaxCompoundStatements = 8;

}  // namespace

Result<AttestationOutcome> VerifyCompoundAttestation(const AttestationInput& input) {
  // Syntax: "attStmt: [2* nonCompoundAttStmt]" where each item is
  // { fmt: text, attStmt: map } of a format other than "compound".
  // The attestation object reader hands formats a map; compound's attStmt is
  // an array, which the reader accepts only for this format.
  const CborValue& statements = input.att_stmt;
  if (!statements.is_array() || statements.array().size() < 2) {
    return Fail(ErrorCode::kAttestationInvalid,
                "compound attStmt is not an array of at least two statements");
  }
  if (statements.array().size() > kMaxCompoundStatements) {
    return Fail(ErrorCode::kAttestationInvalid, "compound attStmt holds more than 8 statements");
  }
  for (const CborValue& item : statements.array()) {
    if (!item.is_map() || item.map().size() != 2) {
      return Fail(ErrorCode::kAttestationInvalid,
                  "compound item is not a map of exactly fmt and attStmt");
    }
    const CborValue* fmt = item.Find("fmt");
    const CborValue* att_stmt = item.Find("attStmt");
    if (fmt == nullptr || !fmt->is_text() || att_stmt == nullptr || !att_stmt->is_map()) {
      return Fail(ErrorCode::kAttestationInvalid, "compound item lacks text fmt or map attStmt");
    }
    if (fmt->text() == "compound") {
      return Fail(ErrorCode::kAttestationInvalid, "compound statements cannot nest");
    }
  }
  // Verification procedure: "For each subStmt of attStmt, evaluate the
  // verification procedure corresponding to the attestation statement format
  // identifier subStmt.fmt with verification procedure inputs subStmt,
  // authenticatorData and clientDataHash. If validation fails for one or
  // more subStmt, decide the appropriate result based on Relying Party
  // policy." Our policy: every contained statement must verify; the first
  // failure is the result.
  AttestationOutcome combined;
  for (const CborValue& item : statements.array()) {
    const AttestationInput sub_input{*item.Find("attStmt"),  input.auth_data,
                                     input.parsed_auth_data, input.client_data_hash,
                                     input.credential_key,   input.options};
    PASSKEY_ASSIGN_OR_RETURN(const AttestationOutcome outcome,
                             VerifyAttestationStatement(item.Find("fmt")->text(), sub_input));
    // "If sufficiently many … items of attStmt verify successfully, return
    // implementation-specific values representing any combination of outputs
    // from successful verification procedures." The combination: trusted
    // when any statement chains to an anchor (all were verified), with that
    // statement's type; otherwise the first statement's type.
    if (combined.type.empty() || (outcome.trusted && !combined.trusted)) {
      combined = outcome;
    }
  }
  return combined;
}

}  // namespace passkey::internal
