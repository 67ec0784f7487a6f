#include <passkey/testing/fido_u2f_attestation.h>

#include <utility>

#include "encoding/cbor_reader.h"
#include "internal/result_macros.h"
#include "testing/cbor_writer.h"

namespace passkey::testing {

struct FidoU2fAttestation::State {
  FidoU2fAttestationOptions options;
  SoftwareAuthenticator key;
  Bytes certificate;
};

FidoU2fAttestation::FidoU2fAttestation(std::shared_ptr<const State> state)
    : state_(std::move(state)) {}

Result<FidoU2fAttestation> FidoU2fAttestation::Create(const TestCa& issuer,
                                                      FidoU2fAttestationOptions options) {
  PASSKEY_ASSIGN_OR_RETURN(SoftwareAuthenticator key,
                           SoftwareAuthenticator::Create(options.key_algorithm, options.key_seed));
  PASSKEY_ASSIGN_OR_RETURN(Bytes certificate, issuer.Issue(options.leaf, key.PublicKeySpki()));
  auto state = std::make_shared<State>(
      State{std::move(options), std::move(key), std::move(certificate)});
  return FidoU2fAttestation(std::move(state));
}

const Bytes& FidoU2fAttestation::certificate_der() const noexcept { return state_->certificate; }

AttestationBuilder FidoU2fAttestation::Builder() const {
  std::shared_ptr<const State> state = state_;
  return [state](const AttestationContext& context) -> Result<Bytes> {
    const FidoU2fAttestationOptions& options = state->options;
    // authData = rpIdHash(32) ‖ flags(1) ‖ signCount(4) ‖ aaguid(16) ‖
    // credentialIdLength(2) ‖ credentialId ‖ credentialPublicKey ‖ …
    if (context.credential == nullptr || context.authenticator_data.size() < 32) {
      return Unexpected(ErrorCode::kInvalidArgument, "fido-u2f builder: no credential/authData");
    }
    const ByteView rp_id_hash = context.authenticator_data.first(32);
    // publicKeyU2F = 0x04 ‖ x ‖ y from the credential's COSE_Key.
    PASSKEY_ASSIGN_OR_RETURN(const internal::CborValue cose_key,
                             internal::DecodeCbor(context.credential->CosePublicKey()));
    const internal::CborValue* x = cose_key.Find(-2);
    const internal::CborValue* y = cose_key.Find(-3);
    if (x == nullptr || y == nullptr || !x->is_bytes() || !y->is_bytes() ||
        x->bytes().size() != 32 || y->bytes().size() != 32) {
      return Unexpected(ErrorCode::kInvalidArgument,
                        "fido-u2f builder: credential is not an EC2 key with 32-byte coordinates");
    }
    const Bytes wrong_hash = Sha256(AsBytes("wrong.example"));
    const ByteView signed_rp_id_hash = options.wrong_rp_id_hash ? ByteView(wrong_hash) : rp_id_hash;

    // verificationData = 0x00 ‖ rpIdHash ‖ clientDataHash ‖ credentialId ‖
    // publicKeyU2F (FIDO U2F Raw Message Formats §4.3).
    Bytes data;
    data.push_back(0x00);
    data.insert(data.end(), signed_rp_id_hash.begin(), signed_rp_id_hash.end());
    data.insert(data.end(), context.client_data_hash.begin(), context.client_data_hash.end());
    const Bytes& credential_id = context.credential->credential_id();
    data.insert(data.end(), credential_id.begin(), credential_id.end());
    data.push_back(0x04);
    data.insert(data.end(), x->bytes().begin(), x->bytes().end());
    data.insert(data.end(), y->bytes().begin(), y->bytes().end());
    PASSKEY_ASSIGN_OR_RETURN(Bytes sig, state->key.Sign(data));
    if (options.tamper_signature && !sig.empty()) sig.back() ^= 0x01;

    // attStmt {"sig": sig, "x5c": [leaf, …]} (CTAP2 canonical order: the
    // shorter-encoded key first, then bytewise; both are 3 bytes: "sig" <
    // "x5c").
    CborWriter writer;
    writer.MapHeader(2);
    writer.TextString("sig").ByteString(sig);
    writer.TextString("x5c").ArrayHeader(1 + options.extra_certificates.size());
    writer.ByteString(state->certificate);
    for (const Bytes& extra : options.extra_certificates) writer.ByteString(extra);
    return writer.Take();
  };
}

}  // namespace passkey::testing
