// §8.4 Android Key Attestation Statement Format.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attestation/verifier.h"
#include "attestation/x509.h"
#include "encoding/byte_reader.h"
#include "encoding/der_reader.h"
#include "internal/result_macros.h"

namespace passkey::internal {
namespace {

// #sctn-key-attstn-cert-requirements: "android key attestation certificate
// extension data is identified by the OID "1.3.6.1.4.1.11129.2.1.17"".
constexpr char kKeyDescriptionOid[] = "1.3.6.1.4.1.11129.2.1.17";

// AuthorizationList tags (Android key attestation schema) and the keymaster
// values §8.4 names.
constexpr std::uint32_t kTagPurpose = 1;            // [1] EXPLICIT SET OF INTEGER
constexpr std::uint32_t kTagAllApplications = 600;  // [600] EXPLICIT NULL
constexpr std::uint32_t kTagOrigin = 702;           // [702] EXPLICIT INTEGER
constexpr std::uint64_t kKmOriginGenerated = 0;     // KM_ORIGIN_GENERATED
constexpr std::uint64_t kKmPurposeSign = 2;         // KM_PURPOSE_SIGN

// AuthorizationList: the members of one list that §8.4 looks at.
struct AuthorizationList {
  std::vector<std::uint64_t> purpose;
  bool has_origin = false;
  std::uint64_t origin = 0;
  bool all_applications = false;
};

// KeyDescription: the members of the extension that §8.4 looks at.
struct KeyDescription {
  ByteView attestation_challenge;
  AuthorizationList software_enforced;
  AuthorizationList tee_enforced;  // hardwareEnforced since KeyMint
};

Unexpected BadKeyDescription(const char* what) {
  return Fail(ErrorCode::kCertificateInvalid,
              std::string("android-key KeyDescription extension: ") + what);
}

// ParseAuthorizationList walks every element of an AuthorizationList:
//   AuthorizationList ::= SEQUENCE { purpose [1] EXPLICIT SET OF INTEGER
//     OPTIONAL, …, allApplications [600] EXPLICIT NULL OPTIONAL, …,
//     origin [702] EXPLICIT INTEGER OPTIONAL, … }
// Every element must be a context-specific EXPLICIT tag wrapping exactly one
// DER element; no tag may repeat. Members other than purpose, origin and
// allApplications are checked for well-formedness only.
Result<AuthorizationList> ParseAuthorizationList(DerReader list) {
  AuthorizationList out;
  std::vector<std::uint32_t> seen;
  while (!list.empty()) {
    DerTag tag;
    ByteView explicit_contents;
    if (!list.ReadAny(&tag, &explicit_contents)) {
      return BadKeyDescription("bad element in an authorization list");
    }
    if (tag.tag_class != DerTag::Class::kContext || !tag.constructed) {
      return BadKeyDescription("authorization list element is not an EXPLICIT tag");
    }
    for (const std::uint32_t number : seen) {
      if (number == tag.number) {
        return BadKeyDescription("authorization list repeats a tag");
      }
    }
    seen.push_back(tag.number);

    DerReader inner(explicit_contents);
    DerTag inner_tag;
    ByteView inner_contents;
    if (!inner.ReadAny(&inner_tag, &inner_contents) || !inner.empty()) {
      return BadKeyDescription("EXPLICIT tag does not hold exactly one element");
    }
    if (tag.number == kTagPurpose) {
      DerReader set(explicit_contents);
      DerReader values(ByteView{});
      if (!set.ReadSet(&values)) {
        return BadKeyDescription("purpose is not a SET OF INTEGER");
      }
      while (!values.empty()) {
        std::uint64_t value = 0;
        if (!values.ReadUint64(&value)) {
          return BadKeyDescription("purpose is not a SET OF INTEGER");
        }
        out.purpose.push_back(value);
      }
    } else if (tag.number == kTagOrigin) {
      DerReader value(explicit_contents);
      if (!value.ReadUint64(&out.origin)) {
        return BadKeyDescription("origin is not a non-negative INTEGER");
      }
      out.has_origin = true;
    } else if (tag.number == kTagAllApplications) {
      if (inner_tag != kDerNull || !inner_contents.empty()) {
        return BadKeyDescription("allApplications is not NULL");
      }
      out.all_applications = true;
    }
  }
  return out;
}

// ParseKeyDescription parses the extension's DER:
//   KeyDescription ::= SEQUENCE { attestationVersion INTEGER,
//     attestationSecurityLevel SecurityLevel (ENUMERATED),
//     keyMintVersion INTEGER, keyMintSecurityLevel SecurityLevel,
//     attestationChallenge OCTET STRING, uniqueId OCTET STRING,
//     softwareEnforced AuthorizationList, hardwareEnforced AuthorizationList }
// with nothing after the last member and nothing after the SEQUENCE.
Result<KeyDescription> ParseKeyDescription(ByteView der) {
  DerReader outer(der);
  DerReader seq(ByteView{});
  if (!outer.ReadSequence(&seq) || !outer.empty()) {
    return BadKeyDescription("not one DER SEQUENCE");
  }
  KeyDescription out;
  std::uint64_t attestation_version = 0;
  std::uint64_t attestation_security_level = 0;
  std::uint64_t keymint_version = 0;
  std::uint64_t keymint_security_level = 0;
  ByteView unique_id;
  if (!seq.ReadUint64(&attestation_version) ||
      !seq.ReadUint64(&attestation_security_level, kDerEnumerated) ||
      !seq.ReadUint64(&keymint_version) ||
      !seq.ReadUint64(&keymint_security_level, kDerEnumerated) ||
      !seq.Read(kDerOctetString, &out.attestation_challenge) ||
      !seq.Read(kDerOctetString, &unique_id)) {
    return BadKeyDescription("malformed header fields");
  }
  DerReader software(ByteView{});
  DerReader tee(ByteView{});
  if (!seq.ReadSequence(&software) || !seq.ReadSequence(&tee)) {
    return BadKeyDescription("missing authorization lists");
  }
  if (!seq.empty()) {
    return BadKeyDescription("trailing data after the authorization lists");
  }
  PASSKEY_ASSIGN_OR_RETURN(out.software_enforced, ParseAuthorizationList(software));
  PASSKEY_ASSIGN_OR_RETURN(out.tee_enforced, ParseAuthorizationList(tee));
  return out;
}

bool Contains(const std::vector<std::uint64_t>& values, std::uint64_t wanted) {
  for (const std::uint64_t value : values) {
    if (value == wanted)
      return true;
  }
  return false;
}

// CheckOriginAndPurpose: "The value in the AuthorizationList.origin field is
// equal to KM_ORIGIN_GENERATED. The value in the AuthorizationList.purpose
// field is equal to KM_PURPOSE_SIGN." over `lists` (teeEnforced alone, or
// the union of teeEnforced and softwareEnforced). An origin must be present
// and every origin present must be GENERATED; "equal to" is read literally
// for the purpose: the purposes of `lists` together must be exactly {SIGN}
// (a key that may also encrypt, decrypt or verify is not a WebAuthn key).
Status CheckOriginAndPurpose(const std::vector<const AuthorizationList*>& lists) {
  bool has_origin = false;
  bool has_sign = false;
  for (const AuthorizationList* list : lists) {
    if (list->has_origin) {
      if (list->origin != kKmOriginGenerated) {
        return Fail(
            ErrorCode::kAttestationInvalid,
            "android-key origin is " + std::to_string(list->origin) + ", not KM_ORIGIN_GENERATED");
      }
      has_origin = true;
    }
    has_sign = has_sign || Contains(list->purpose, kKmPurposeSign);
    for (const std::uint64_t purpose : list->purpose) {
      if (purpose != kKmPurposeSign) {
        return Fail(ErrorCode::kAttestationInvalid,
                    "android-key purpose " + std::to_string(purpose) +
                        " besides KM_PURPOSE_SIGN: the purpose must equal KM_PURPOSE_SIGN");
      }
    }
  }
  if (!has_origin) {
    return Fail(ErrorCode::kAttestationInvalid, "android-key authorization list has no origin");
  }
  if (!has_sign) {
    return Fail(ErrorCode::kAttestationInvalid,
                "android-key purpose does not include KM_PURPOSE_SIGN");
  }
  return OkStatus();
}

}  // namespace

Result<AttestationOutcome> VerifyAndroidKeyAttestation(const AttestationInput& input) {
  // §8.4 syntax: androidStmtFormat = { alg: COSEAlgorithmIdentifier,
  // sig: bytes, x5c: [ credCert: bytes, * (caCert: bytes) ] }.
  // "Verify that attStmt is valid CBOR conforming to the syntax defined above
  // and perform CBOR decoding on it to extract the contained fields."
  const CborValue& stmt = input.att_stmt;
  for (const auto& [key, value] : stmt.map()) {
    if (!key.is_text() || (key.text() != "alg" && key.text() != "sig" && key.text() != "x5c")) {
      return Fail(ErrorCode::kAttestationInvalid, "android-key attStmt has an unknown member");
    }
  }
  const CborValue* alg = stmt.Find("alg");
  const CborValue* sig = stmt.Find("sig");
  const CborValue* x5c = stmt.Find("x5c");
  if (alg == nullptr || !alg->AsInt64().has_value()) {
    return Fail(ErrorCode::kAttestationInvalid, "android-key attStmt lacks an integer alg");
  }
  if (sig == nullptr || !sig->is_bytes()) {
    return Fail(ErrorCode::kAttestationInvalid, "android-key attStmt lacks sig bytes");
  }
  if (x5c == nullptr) {
    return Fail(ErrorCode::kAttestationInvalid, "android-key attStmt lacks x5c");
  }
  PASSKEY_ASSIGN_OR_RETURN(std::vector<X509Ptr> chain, ParseX5c(*x5c));
  if (!input.parsed_auth_data.attested_credential_data.has_value()) {
    return Fail(ErrorCode::kAttestationInvalid, "android-key without attested credential data");
  }
  // A certificate path needs a verification time: fail on the caller's
  // configuration before judging the statement.
  PASSKEY_ASSIGN_OR_RETURN(
      const PathPolicy policy,
      PathPolicyFor(input.options, input.parsed_auth_data.attested_credential_data->aaguid));
  const X509* cred_cert = chain.front().get();

  // "Verify that sig is a valid signature over the concatenation of
  // authenticatorData and clientDataHash using the public key in the first
  // certificate in x5c with the algorithm specified in alg."
  Bytes signed_data(input.auth_data.begin(), input.auth_data.end());
  signed_data.insert(signed_data.end(), input.client_data_hash.begin(),
                     input.client_data_hash.end());
  PASSKEY_RETURN_IF_ERROR(VerifyWithCertificate(
      cred_cert, *alg->AsInt64(), signed_data, sig->bytes(), input.options.allow_sha1_attestation));

  // "Verify that the public key in the first certificate in x5c matches the
  // credentialPublicKey in the attestedCredentialData in authenticatorData."
  if (!CertificateKeyEquals(cred_cert, input.credential_key.pkey())) {
    return Fail(ErrorCode::kAttestationKeyMismatch,
                "android-key certificate key differs from the credential public key");
  }

  PASSKEY_ASSIGN_OR_RETURN(const std::optional<CertificateExtension> extension,
                           FindExtension(cred_cert, kKeyDescriptionOid));
  if (!extension.has_value()) {
    return Fail(ErrorCode::kCertificateInvalid,
                "android-key certificate lacks the key attestation extension");
  }
  PASSKEY_ASSIGN_OR_RETURN(const KeyDescription description, ParseKeyDescription(extension->value));

  // "Verify that the attestationChallenge field in the attestation
  // certificate extension data is identical to clientDataHash."
  if (!ConstantTimeEquals(description.attestation_challenge, input.client_data_hash)) {
    return Fail(ErrorCode::kAttestationNonceMismatch,
                "android-key attestationChallenge differs from clientDataHash");
  }

  // "Verify the following using the appropriate authorization list from the
  // attestation certificate extension data:
  //  - The AuthorizationList.allApplications field is not present on either
  //    authorization list (softwareEnforced nor teeEnforced), since
  //    PublicKeyCredential MUST be scoped to the RP ID."
  if (description.software_enforced.all_applications || description.tee_enforced.all_applications) {
    return Fail(ErrorCode::kAttestationInvalid,
                "android-key key is not scoped: allApplications is present");
  }
  //  "- For the following, use only the teeEnforced authorization list if the
  //    RP wants to accept only keys from a trusted execution environment,
  //    otherwise use the union of teeEnforced and softwareEnforced.
  //      - The value in the AuthorizationList.origin field is equal to
  //        KM_ORIGIN_GENERATED.
  //      - The value in the AuthorizationList.purpose field is equal to
  //        KM_PURPOSE_SIGN."
  std::vector<const AuthorizationList*> lists = {&description.tee_enforced};
  if (!input.options.android_key_require_tee) {
    lists.push_back(&description.software_enforced);
  }
  PASSKEY_RETURN_IF_ERROR(CheckOriginAndPurpose(lists));

  // "If successful, return implementation-specific values representing
  // attestation type Basic and attestation trust path x5c."
  PASSKEY_ASSIGN_OR_RETURN(const PathValidation path, ValidateAttestationPath(chain, policy));
  return AttestationOutcome{"basic", path.trusted, path.revocation_checked};
}

}  // namespace passkey::internal
