#include <passkey/testing/packed_attestation.h>

#include <utility>

#include "internal/result_macros.h"
#include "testing/cbor_writer.h"

namespace passkey::testing {

AttestationBuilder MakePackedAttestation(PackedAttestationParams params) {
  return [params = std::move(params)](const AttestationContext& context) -> Result<Bytes> {
    if (params.ca == nullptr) {
      return internal::Fail(ErrorCode::kInvalidArgument, "packed attestation needs a CA");
    }
    PASSKEY_ASSIGN_OR_RETURN(const SoftwareAuthenticator key,
                             SoftwareAuthenticator::Create(params.key_algorithm, params.key_seed));
    CertificateSpec spec = params.certificate;
    if (params.aaguid_extension.has_value()) {
      spec.extensions.push_back({"1.3.6.1.4.1.45724.1.1.4", params.aaguid_extension_critical,
                                 DerOctetString(params.aaguid_extension->bytes)});
    }
    Bytes leaf;
    if (params.leaf_der.has_value()) {
      leaf = *params.leaf_der;
    } else {
      PASSKEY_ASSIGN_OR_RETURN(leaf, params.ca->Issue(spec, key.PublicKeySpki()));
    }
    // §8.2 signing procedure: "If Basic or AttCA attestation is in use, the
    // authenticator produces the sig by concatenating authenticatorData and
    // clientDataHash, and signing the result using an attestation private
    // key selected through an authenticator-specific mechanism."
    Bytes signed_data(context.authenticator_data.begin(), context.authenticator_data.end());
    signed_data.insert(signed_data.end(), context.client_data_hash.begin(),
                       context.client_data_hash.end());
    PASSKEY_ASSIGN_OR_RETURN(Bytes sig, key.Sign(signed_data));
    if (params.edit_signature) params.edit_signature(sig);
    CborWriter writer;
    writer.MapHeader(3)
        .TextString("alg")
        .Int(params.alg.value_or(static_cast<std::int64_t>(params.key_algorithm)))
        .TextString("sig")
        .ByteString(sig)
        .TextString("x5c")
        .ArrayHeader(1 + params.chain.size())
        .ByteString(leaf);
    for (const Bytes& cert : params.chain) writer.ByteString(cert);
    return writer.Take();
  };
}

AttestationBuilder MakeCompoundAttestation(std::vector<CompoundItem> items) {
  return [items = std::move(items)](const AttestationContext& context) -> Result<Bytes> {
    CborWriter writer;
    writer.ArrayHeader(items.size());
    for (const CompoundItem& item : items) {
      Bytes statement = EmptyCborMap();
      if (item.attest) {
        PASSKEY_ASSIGN_OR_RETURN(statement, item.attest(context));
      }
      writer.MapHeader(2).TextString("fmt").TextString(item.format).TextString("attStmt").Raw(
          statement);
    }
    return writer.Take();
  };
}

}  // namespace passkey::testing
