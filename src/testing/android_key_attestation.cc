#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include <passkey/testing/android_key_attestation.h>

#include "internal/result_macros.h"
#include "testing/cbor_writer.h"

namespace passkey::testing {
namespace {

// --- A tiny DER (X.690) writer for test data ---------------------------------

void AppendLength(Bytes& out, std::size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<std::uint8_t>(length));
    return;
  }
  Bytes octets;
  for (std::size_t rest = length; rest != 0; rest >>= 8) {
    octets.insert(octets.begin(), static_cast<std::uint8_t>(rest & 0xff));
  }
  out.push_back(static_cast<std::uint8_t>(0x80 | octets.size()));
  out.insert(out.end(), octets.begin(), octets.end());
}

// Tlv: identifier octet(s) + definite length + contents.
Bytes Tlv(const Bytes& identifier, ByteView contents) {
  Bytes out = identifier;
  AppendLength(out, contents.size());
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

Bytes Universal(std::uint8_t identifier, ByteView contents) {
  return Tlv(Bytes{identifier}, contents);
}

Bytes Sequence(ByteView contents) { return Universal(0x30, contents); }
Bytes Set(ByteView contents) { return Universal(0x31, contents); }
Bytes OctetString(ByteView contents) { return Universal(0x04, contents); }
Bytes Null() { return Universal(0x05, {}); }
Bytes Boolean(bool value) {
  return Universal(0x01, Bytes{static_cast<std::uint8_t>(value ? 0xff : 0x00)});
}

// UnsignedContents: minimal two's-complement contents of a non-negative value.
Bytes UnsignedContents(std::uint64_t value) {
  Bytes out;
  do {
    out.insert(out.begin(), static_cast<std::uint8_t>(value & 0xff));
    value >>= 8;
  } while (value != 0);
  if ((out.front() & 0x80) != 0)
    out.insert(out.begin(), 0x00);
  return out;
}

Bytes Integer(std::uint64_t value) { return Universal(0x02, UnsignedContents(value)); }
Bytes Enumerated(std::uint64_t value) { return Universal(0x0a, UnsignedContents(value)); }

// Explicit: [number] EXPLICIT (context-specific, constructed), in the high
// tag number form when number >= 31.
Bytes Explicit(std::uint32_t number, ByteView inner) {
  Bytes identifier;
  if (number < 31) {
    identifier.push_back(static_cast<std::uint8_t>(0xa0 | number));
  } else {
    identifier.push_back(0xbf);
    Bytes base128;
    for (std::uint32_t rest = number; rest != 0; rest >>= 7) {
      const auto septet = static_cast<std::uint8_t>(rest & 0x7f);
      base128.insert(base128.begin(),
                     static_cast<std::uint8_t>(base128.empty() ? septet : (septet | 0x80)));
    }
    identifier.insert(identifier.end(), base128.begin(), base128.end());
  }
  return Tlv(identifier, inner);
}

void Append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

// EncodeAuthorizationList writes `list` plus filler members a real device
// writes, in ascending tag order (schema order). `hardware` selects the
// teeEnforced filler (key parameters, root of trust, OS version) or the
// softwareEnforced one (creation time, application id).
Bytes EncodeAuthorizationList(const AndroidAuthorizationList& list, bool hardware) {
  Bytes contents;
  if (!list.purpose.empty()) {
    std::vector<std::uint64_t> sorted = list.purpose;
    std::sort(sorted.begin(), sorted.end());  // DER SET OF order
    Bytes values;
    for (const std::uint64_t purpose : sorted)
      Append(values, Integer(purpose));
    Append(contents, Explicit(1, Set(values)));
  }
  if (hardware) {
    Append(contents, Explicit(2, Integer(3)));       // algorithm: EC
    Append(contents, Explicit(3, Integer(256)));     // keySize
    Append(contents, Explicit(5, Set(Integer(4))));  // digest: SHA-2-256
    Append(contents, Explicit(10, Integer(1)));      // ecCurve: P-256
    Append(contents, Explicit(503, Null()));         // noAuthRequired
  }
  if (list.all_applications)
    Append(contents, Explicit(600, Null()));
  if (!hardware) {
    Append(contents, Explicit(701, Integer(1700000000000)));  // creationDateTime (ms)
  }
  if (list.origin.has_value())
    Append(contents, Explicit(702, Integer(*list.origin)));
  if (hardware) {
    Bytes root_of_trust;
    Append(root_of_trust, OctetString(Bytes(32, 0x5a)));  // verifiedBootKey
    Append(root_of_trust, Boolean(true));                 // deviceLocked
    Append(root_of_trust, Enumerated(0));                 // verifiedBootState: Verified
    Append(root_of_trust, OctetString(Bytes(32, 0xa5)));  // verifiedBootHash
    Append(contents, Explicit(704, Sequence(root_of_trust)));
    Append(contents, Explicit(705, Integer(140000)));  // osVersion
    Append(contents, Explicit(706, Integer(202501)));  // osPatchLevel
  } else {
    Append(contents, Explicit(709, OctetString(AsBytes("passkey-test-app"))));
  }
  return Sequence(contents);
}

}  // namespace

Bytes EncodeAndroidKeyDescription(const AndroidKeyAttestationParams& params, ByteView challenge) {
  Bytes contents;
  Append(contents, Integer(300));   // attestationVersion (KeyMint 3)
  Append(contents, Enumerated(1));  // attestationSecurityLevel: TrustedEnvironment
  Append(contents, Integer(300));   // keyMintVersion
  Append(contents, Enumerated(1));  // keyMintSecurityLevel: TrustedEnvironment
  Append(contents, OctetString(challenge));
  Append(contents, OctetString({}));  // uniqueId
  Append(contents, EncodeAuthorizationList(params.software_enforced, false));
  Append(contents, EncodeAuthorizationList(params.tee_enforced, true));
  if (params.key_description_trailing_element)
    Append(contents, Integer(0));
  return Sequence(contents);
}

AttestationBuilder MakeAndroidKeyAttestation(AndroidKeyAttestationParams params) {
  return [params = std::move(params)](const AttestationContext& context) -> Result<Bytes> {
    if (params.issuer == nullptr || context.credential == nullptr) {
      return Unexpected(ErrorCode::kInvalidArgument,
                        "android-key builder needs an issuer and a credential");
    }
    const SoftwareAuthenticator& signer =
        params.leaf_key != nullptr ? *params.leaf_key : *context.credential;
    const Bytes challenge = params.attestation_challenge.value_or(
        Bytes(context.client_data_hash.begin(), context.client_data_hash.end()));

    CertificateSpec spec = params.leaf;
    if (!params.omit_key_description) {
      spec.extensions.push_back(
          {"1.3.6.1.4.1.11129.2.1.17", false, EncodeAndroidKeyDescription(params, challenge)});
    }
    PASSKEY_ASSIGN_OR_RETURN(const Bytes leaf, params.issuer->Issue(spec, signer.PublicKeySpki()));

    // Signing procedure: "The authenticator produces sig by concatenating
    // authenticatorData and clientDataHash, and signing the result using the
    // credential private key. It sets alg to the algorithm of the signature
    // format."
    Bytes message(context.authenticator_data.begin(), context.authenticator_data.end());
    message.insert(message.end(), context.client_data_hash.begin(), context.client_data_hash.end());
    PASSKEY_ASSIGN_OR_RETURN(Bytes sig, signer.Sign(message));
    if (params.edit_signature)
      params.edit_signature(sig);

    CborWriter writer;
    writer.MapHeader(3);
    writer.TextString("alg").Int(
        params.alg.value_or(static_cast<std::int64_t>(signer.algorithm())));
    writer.TextString("sig").ByteString(sig);
    writer.TextString("x5c").ArrayHeader(1 + params.intermediates.size());
    writer.ByteString(leaf);
    for (const Bytes& intermediate : params.intermediates)
      writer.ByteString(intermediate);
    return writer.Take();
  };
}

}  // namespace passkey::testing
