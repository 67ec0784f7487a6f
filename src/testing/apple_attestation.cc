#include <cstdint>
#include <utility>

#include <passkey/testing/apple_attestation.h>

#include "internal/result_macros.h"
#include "testing/cbor_writer.h"

namespace passkey::testing {

Bytes EncodeAppleNonceExtension(ByteView nonce) {
  // SEQUENCE { [1] EXPLICIT OCTET STRING nonce }; every length here is short
  // for a 32-byte nonce, but the general form is written for any size.
  auto tlv = [](std::uint8_t identifier, ByteView contents) {
    Bytes out{identifier};
    if (contents.size() < 0x80) {
      out.push_back(static_cast<std::uint8_t>(contents.size()));
    } else {
      Bytes octets;
      for (std::size_t rest = contents.size(); rest != 0; rest >>= 8) {
        octets.insert(octets.begin(), static_cast<std::uint8_t>(rest & 0xff));
      }
      out.push_back(static_cast<std::uint8_t>(0x80 | octets.size()));
      out.insert(out.end(), octets.begin(), octets.end());
    }
    out.insert(out.end(), contents.begin(), contents.end());
    return out;
  };
  return tlv(0x30, tlv(0xa1, tlv(0x04, nonce)));
}

AttestationBuilder MakeAppleAttestation(AppleAttestationParams params) {
  return [params = std::move(params)](const AttestationContext& context) -> Result<Bytes> {
    if (params.issuer == nullptr || context.credential == nullptr) {
      return Unexpected(ErrorCode::kInvalidArgument,
                        "apple builder needs an issuer and a credential");
    }
    const SoftwareAuthenticator& subject =
        params.leaf_key != nullptr ? *params.leaf_key : *context.credential;

    // Signing procedure: "Concatenate authenticatorData and clientDataHash to
    // form nonceToHash. Perform SHA-256 hash of nonceToHash to produce nonce."
    Bytes nonce_to_hash(context.authenticator_data.begin(), context.authenticator_data.end());
    nonce_to_hash.insert(nonce_to_hash.end(), context.client_data_hash.begin(),
                         context.client_data_hash.end());
    const Bytes nonce = params.nonce.value_or(Sha256(nonce_to_hash));

    CertificateSpec spec = params.leaf;
    if (!params.omit_nonce_extension) {
      spec.extensions.push_back(
          {"1.2.840.113635.100.8.2", false,
           params.nonce_extension_value.value_or(EncodeAppleNonceExtension(nonce))});
    }
    PASSKEY_ASSIGN_OR_RETURN(const Bytes cred_cert,
                             params.issuer->Issue(spec, subject.PublicKeySpki()));

    CborWriter writer;
    // CTAP2 canonical key order: "alg" < "sig" < "x5c".
    std::uint64_t members = 1;
    if (params.alg_member.has_value())
      ++members;
    if (params.extra_member)
      ++members;
    writer.MapHeader(members);
    if (params.alg_member.has_value())
      writer.TextString("alg").Int(*params.alg_member);
    if (params.extra_member)
      writer.TextString("sig").ByteString(Bytes{0x00});
    writer.TextString("x5c").ArrayHeader(1 + params.intermediates.size());
    writer.ByteString(cred_cert);
    for (const Bytes& intermediate : params.intermediates)
      writer.ByteString(intermediate);
    return writer.Take();
  };
}

}  // namespace passkey::testing
