// ImportCoseKey / PublicKey::Verify / CoseKeyAlgorithm: keys generated with
// OpenSSL in the test, COSE_Key CBOR assembled by hand, signatures made with
// OpenSSL and checked by the library.
#include "webauthn/cose_key.h"

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "crypto/openssl_ptr.h"
#include "encoding/cbor_reader.h"
#include "test_util.h"

namespace passkey::internal {
namespace {

using test::CborHead;
using test::Hex;

// --- Hand-written CBOR -------------------------------------------------------


Bytes CborInt(std::int64_t value) {
  if (value >= 0) {
    return CborHead(0, static_cast<std::uint64_t>(value));
  }
  return CborHead(1, static_cast<std::uint64_t>(-1 - value));
}

Bytes CborBytes(ByteView bytes) {
  Bytes out = CborHead(2, bytes.size());
  out.insert(out.end(), bytes.begin(), bytes.end());
  return out;
}

const Bytes kCborTrue = {0xf5};
const Bytes kCborFalse = {0xf4};

// CoseMap: an ordered list of (label, encoded value) so tests can drop,
// replace, duplicate or retype any member.
class CoseMap {
 public:
  CoseMap& Set(std::int64_t label, Bytes value) {
    for (auto& [key, v] : entries_) {
      if (key == label) {
        v = std::move(value);
        return *this;
      }
    }
    entries_.emplace_back(label, std::move(value));
    return *this;
  }
  CoseMap& SetInt(std::int64_t label, std::int64_t value) { return Set(label, CborInt(value)); }
  CoseMap& SetBytes(std::int64_t label, ByteView value) { return Set(label, CborBytes(value)); }
  CoseMap& Remove(std::int64_t label) {
    std::erase_if(entries_, [&](const auto& e) { return e.first == label; });
    return *this;
  }
  CoseMap& Duplicate(std::int64_t label, Bytes value) {
    entries_.emplace_back(label, std::move(value));
    return *this;
  }

  Bytes Encode() const {
    Bytes out = CborHead(5, entries_.size());
    for (const auto& [label, value] : entries_) {
      const Bytes key = CborInt(label);
      out.insert(out.end(), key.begin(), key.end());
      out.insert(out.end(), value.begin(), value.end());
    }
    return out;
  }

 private:
  std::vector<std::pair<std::int64_t, Bytes>> entries_;
};

// --- OpenSSL keys and signatures ------------------------------------------------

enum class Kind { kEc, kOkp, kRsa };

EvpPkeyPtr GenerateEc(const char* curve) {
  return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}
EvpPkeyPtr GenerateOkp(const char* type) {
  return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, type));
}
EvpPkeyPtr GenerateRsa(std::size_t bits) {
  return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
}

// Keys are generated once per process (RSA generation is slow under ASan).
EVP_PKEY* SharedKey(const std::string& name) {
  static auto* keys = new std::map<std::string, EvpPkeyPtr>();
  auto it = keys->find(name);
  if (it != keys->end()) {
    return it->second.get();
  }
  EvpPkeyPtr key;
  if (name == "P-256" || name == "P-384" || name == "P-521") {
    key = GenerateEc(name.c_str());
  } else if (name == "ED25519" || name == "ED448") {
    key = GenerateOkp(name.c_str());
  } else if (name == "RSA2048") {
    key = GenerateRsa(2048);
  } else if (name == "RSA1024") {
    key = GenerateRsa(1024);
  }
  if (!key) {
    ADD_FAILURE() << "OpenSSL could not generate " << name;
    return nullptr;
  }
  return keys->emplace(name, std::move(key)).first->second.get();
}

Bytes BnParam(EVP_PKEY* key, const char* param, std::size_t pad_to = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) {
    ADD_FAILURE() << "no " << param;
    return {};
  }
  BignumPtr bn(raw);
  const std::size_t size = pad_to != 0 ? pad_to : static_cast<std::size_t>(BN_num_bytes(bn.get()));
  Bytes out(size);
  EXPECT_EQ(BN_bn2binpad(bn.get(), out.data(), static_cast<int>(out.size())),
            static_cast<int>(out.size()));
  return out;
}

Bytes RawPublicKey(EVP_PKEY* key) {
  std::size_t length = 0;
  EXPECT_EQ(EVP_PKEY_get_raw_public_key(key, nullptr, &length), 1);
  Bytes out(length);
  EXPECT_EQ(EVP_PKEY_get_raw_public_key(key, out.data(), &length), 1);
  return out;
}

std::size_t CoordinateSize(std::int64_t crv) { return crv == 1 ? 32 : crv == 2 ? 48 : 66; }

// EC2 key: {1: 2, 3: alg, -1: crv, -2: x, -3: y}
CoseMap Ec2Map(EVP_PKEY* key, std::int64_t alg, std::int64_t crv) {
  const std::size_t size = CoordinateSize(crv);
  CoseMap map;
  map.SetInt(1, 2).SetInt(3, alg).SetInt(-1, crv);
  map.SetBytes(-2, BnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, size));
  map.SetBytes(-3, BnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, size));
  return map;
}

// OKP key: {1: 1, 3: alg, -1: crv, -2: x}
CoseMap OkpMap(EVP_PKEY* key, std::int64_t alg, std::int64_t crv) {
  CoseMap map;
  map.SetInt(1, 1).SetInt(3, alg).SetInt(-1, crv).SetBytes(-2, RawPublicKey(key));
  return map;
}

// RSA key: {1: 3, 3: alg, -1: n, -2: e}
CoseMap RsaMap(EVP_PKEY* key, std::int64_t alg) {
  CoseMap map;
  map.SetInt(1, 3).SetInt(3, alg);
  map.SetBytes(-1, BnParam(key, OSSL_PKEY_PARAM_RSA_N));
  map.SetBytes(-2, BnParam(key, OSSL_PKEY_PARAM_RSA_E));
  return map;
}

struct SignOptions {
  const char* digest = nullptr;  // nullptr for EdDSA
  bool pss = false;
  int pss_salt_length = 0;
};

Bytes Sign(EVP_PKEY* key, const SignOptions& options, ByteView message) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pkey_ctx, options.digest, nullptr, nullptr, key,
                                    nullptr) != 1) {
    ADD_FAILURE() << "EVP_DigestSignInit_ex failed";
    return {};
  }
  if (options.pss) {
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, options.pss_salt_length), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_mgf1_md_name(pkey_ctx, options.digest, nullptr), 1);
  }
  std::size_t length = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &length, message.data(), message.size()) != 1) {
    ADD_FAILURE() << "EVP_DigestSign (size) failed";
    return {};
  }
  Bytes signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, message.data(), message.size()) != 1) {
    ADD_FAILURE() << "EVP_DigestSign failed";
    return {};
  }
  signature.resize(length);
  return signature;
}

const Bytes kMessage =
    Hex("49960de5880e8c687434170f6476605b8fe4aeb9a28632c7995cf3ba831d9763"
        "0500000001b1c3f1d5cdd5d7ad3a09bbbc2c9e0a1a0e8ed5e0f2ff0d3e0fa0ff1ab0c52a35");

// --- One case per supported algorithm ------------------------------------------

struct AlgCase {
  const char* name;
  CoseAlgorithm alg;
  Kind kind;
  const char* key;   // SharedKey name
  std::int64_t crv;  // EC2/OKP
  SignOptions sign;
};

void PrintTo(const AlgCase& c, std::ostream* os) { *os << c.name; }

const AlgCase kAlgCases[] = {
    {"ES256", CoseAlgorithm::kEs256, Kind::kEc, "P-256", 1, {"SHA256"}},
    {"ES384", CoseAlgorithm::kEs384, Kind::kEc, "P-384", 2, {"SHA384"}},
    {"ES512", CoseAlgorithm::kEs512, Kind::kEc, "P-521", 3, {"SHA512"}},
    {"EdDSA_Ed25519", CoseAlgorithm::kEdDsa, Kind::kOkp, "ED25519", 6, {}},
    {"EdDSA_Ed448", CoseAlgorithm::kEdDsa, Kind::kOkp, "ED448", 7, {}},
    {"Ed25519", CoseAlgorithm::kEd25519, Kind::kOkp, "ED25519", 6, {}},
    {"Ed448", CoseAlgorithm::kEd448, Kind::kOkp, "ED448", 7, {}},
    {"RS256", CoseAlgorithm::kRs256, Kind::kRsa, "RSA2048", 0, {"SHA256"}},
    {"RS384", CoseAlgorithm::kRs384, Kind::kRsa, "RSA2048", 0, {"SHA384"}},
    {"RS512", CoseAlgorithm::kRs512, Kind::kRsa, "RSA2048", 0, {"SHA512"}},
    {"PS256", CoseAlgorithm::kPs256, Kind::kRsa, "RSA2048", 0, {"SHA256", true, 32}},
    {"PS384", CoseAlgorithm::kPs384, Kind::kRsa, "RSA2048", 0, {"SHA384", true, 48}},
    {"PS512", CoseAlgorithm::kPs512, Kind::kRsa, "RSA2048", 0, {"SHA512", true, 64}},
    {"RS1", CoseAlgorithm::kRs1, Kind::kRsa, "RSA2048", 0, {"SHA1"}},
};

CoseMap MapFor(const AlgCase& c) {
  EVP_PKEY* key = SharedKey(c.key);
  const auto alg = static_cast<std::int64_t>(c.alg);
  switch (c.kind) {
    case Kind::kEc:
      return Ec2Map(key, alg, c.crv);
    case Kind::kOkp:
      return OkpMap(key, alg, c.crv);
    case Kind::kRsa:
      return RsaMap(key, alg);
  }
  return {};
}

class CoseKeySignatureTest : public ::testing::TestWithParam<AlgCase> {};

TEST_P(CoseKeySignatureTest, ImportsAndVerifiesOpenSslSignature) {
  const AlgCase& c = GetParam();
  const Bytes cose = MapFor(c).Encode();
  auto key = ImportCoseKey(cose);
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->algorithm(), c.alg);
  const Bytes signature = Sign(SharedKey(c.key), c.sign, kMessage);
  ASSERT_FALSE(signature.empty());
  EXPECT_THAT(key->Verify(kMessage, signature), IsOk());
}

TEST_P(CoseKeySignatureTest, RejectsSignatureWithAnyFlippedBit) {
  const AlgCase& c = GetParam();
  auto key = ImportCoseKey(MapFor(c).Encode());
  ASSERT_THAT(key, IsOk());
  const Bytes signature = Sign(SharedKey(c.key), c.sign, kMessage);
  ASSERT_FALSE(signature.empty());
  // First, middle and last byte; low and high bit.
  for (std::size_t index : {std::size_t{0}, signature.size() / 2, signature.size() - 1}) {
    for (std::uint8_t bit : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
      Bytes bad = signature;
      bad[index] ^= bit;
      EXPECT_THAT(key->Verify(kMessage, bad), HasError(ErrorCode::kSignatureInvalid))
          << "byte " << index << " bit " << int{bit};
    }
  }
}

TEST_P(CoseKeySignatureTest, ReportsTheCallersFailureCode) {
  const AlgCase& c = GetParam();
  auto key = ImportCoseKey(MapFor(c).Encode());
  ASSERT_THAT(key, IsOk());
  Bytes bad = Sign(SharedKey(c.key), c.sign, kMessage);
  ASSERT_FALSE(bad.empty());
  bad[bad.size() / 2] ^= 0x10;
  EXPECT_THAT(key->Verify(kMessage, bad, ErrorCode::kAttestationSignatureInvalid),
              HasError(ErrorCode::kAttestationSignatureInvalid));
}

TEST_P(CoseKeySignatureTest, RejectsSignatureOverAnotherMessage) {
  const AlgCase& c = GetParam();
  auto key = ImportCoseKey(MapFor(c).Encode());
  ASSERT_THAT(key, IsOk());
  const Bytes signature = Sign(SharedKey(c.key), c.sign, kMessage);
  Bytes other = kMessage;
  other.back() ^= 0x01;
  EXPECT_THAT(key->Verify(other, signature), HasError(ErrorCode::kSignatureInvalid));
}

TEST_P(CoseKeySignatureTest, RejectsEmptyAndTruncatedSignatures) {
  const AlgCase& c = GetParam();
  auto key = ImportCoseKey(MapFor(c).Encode());
  ASSERT_THAT(key, IsOk());
  const Bytes signature = Sign(SharedKey(c.key), c.sign, kMessage);
  EXPECT_THAT(key->Verify(kMessage, ByteView()), HasError(ErrorCode::kSignatureInvalid));
  EXPECT_THAT(key->Verify(kMessage, ByteView(signature).first(signature.size() - 1)),
              HasError(ErrorCode::kSignatureInvalid));
  Bytes longer = signature;
  longer.push_back(0x00);
  EXPECT_THAT(key->Verify(kMessage, longer), HasError(ErrorCode::kSignatureInvalid));
}

TEST_P(CoseKeySignatureTest, ImportsRegardlessOfMemberOrder) {
  const AlgCase& c = GetParam();
  // Re-emit the members in reverse label order.
  const Bytes canonical = MapFor(c).Encode();
  auto parsed = DecodeCbor(canonical);
  ASSERT_THAT(parsed, IsOk());
  CoseMap reversed;
  for (auto it = parsed->map().rbegin(); it != parsed->map().rend(); ++it) {
    const ByteView value = it->second.encoded();
    reversed.Set(*it->first.AsInt64(), Bytes(value.begin(), value.end()));
  }
  auto key = ImportCoseKey(reversed.Encode());
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(key->Verify(kMessage, Sign(SharedKey(c.key), c.sign, kMessage)), IsOk());
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, CoseKeySignatureTest, ::testing::ValuesIn(kAlgCases),
                         [](const ::testing::TestParamInfo<AlgCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

// --- Signature encodings specific to one scheme ---------------------------------

TEST(CoseKeyTest, RejectsOversizedSignatureWithTheCallersCode) {
  auto key = ImportCoseKey(RsaMap(SharedKey("RSA2048"), -257).Encode());
  ASSERT_THAT(key, IsOk());
  const Bytes huge(4096, 0x01);
  EXPECT_THAT(key->Verify(kMessage, huge), HasError(ErrorCode::kSignatureInvalid));
  EXPECT_THAT(key->Verify(kMessage, huge, ErrorCode::kAttestationSignatureInvalid),
              HasError(ErrorCode::kAttestationSignatureInvalid));
}

TEST(CoseKeyTest, Es256RejectsRawRsSignature) {
  // WebAuthn §6.5.6: ECDSA signatures are ASN.1 DER, not r‖s.
  EVP_PKEY* pkey = SharedKey("P-256");
  auto key = ImportCoseKey(Ec2Map(pkey, -7, 1).Encode());
  ASSERT_THAT(key, IsOk());
  const Bytes der = Sign(pkey, {"SHA256"}, kMessage);
  // DER: 30 len 02 rlen r 02 slen s; rebuild as 64-byte r‖s.
  ASSERT_GE(der.size(), 8u);
  std::size_t pos = 2;
  auto take = [&](std::size_t* out_pos) {
    const std::size_t length = der[pos + 1];
    *out_pos = pos + 2;
    pos += 2 + length;
    return length;
  };
  std::size_t r_pos = 0, s_pos = 0;
  const std::size_t r_len = take(&r_pos);
  const std::size_t s_len = take(&s_pos);
  Bytes raw(64, 0);
  auto place = [&](std::size_t from, std::size_t length, std::size_t offset) {
    while (length > 32) {  // strip DER's sign padding
      ++from;
      --length;
    }
    std::copy(der.begin() + static_cast<std::ptrdiff_t>(from),
              der.begin() + static_cast<std::ptrdiff_t>(from + length),
              raw.begin() + static_cast<std::ptrdiff_t>(offset + 32 - length));
  };
  place(r_pos, r_len, 0);
  place(s_pos, s_len, 32);
  EXPECT_THAT(key->Verify(kMessage, der), IsOk());
  EXPECT_THAT(key->Verify(kMessage, raw), HasError(ErrorCode::kSignatureInvalid));
}

TEST(CoseKeyTest, PsAlgorithmsRecoverTheSaltLengthFromTheSignature) {
  // RFC 8230 asks signers for a hash-length salt; deployed signers (TPMs,
  // libraries defaulting to the maximum) differ, so the verifier accepts any
  // salt length (RSA_PSS_SALTLEN_AUTO in src/crypto/crypto.cc).
  EVP_PKEY* pkey = SharedKey("RSA2048");
  auto key = ImportCoseKey(RsaMap(pkey, -37).Encode());
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(key->Verify(kMessage, Sign(pkey, {"SHA256", true, 0}, kMessage)), IsOk());
  EXPECT_THAT(key->Verify(kMessage, Sign(pkey, {"SHA256", true, 20}, kMessage)), IsOk());
  EXPECT_THAT(key->Verify(kMessage, Sign(pkey, {"SHA256", true, RSA_PSS_SALTLEN_MAX}, kMessage)),
              IsOk());
}

TEST(CoseKeyTest, PsAlgorithmsRequireMgf1WithTheSameHash) {
  EVP_PKEY* pkey = SharedKey("RSA2048");
  auto key = ImportCoseKey(RsaMap(pkey, -37).Encode());
  ASSERT_THAT(key, IsOk());
  // SHA-256 message digest with MGF1-SHA-1.
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  ASSERT_EQ(EVP_DigestSignInit_ex(ctx.get(), &pkey_ctx, "SHA256", nullptr, nullptr, pkey, nullptr),
            1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, 32), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_mgf1_md_name(pkey_ctx, "SHA1", nullptr), 1);
  std::size_t length = 0;
  ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &length, kMessage.data(), kMessage.size()), 1);
  Bytes signature(length);
  ASSERT_EQ(EVP_DigestSign(ctx.get(), signature.data(), &length, kMessage.data(), kMessage.size()),
            1);
  signature.resize(length);
  EXPECT_THAT(key->Verify(kMessage, signature), HasError(ErrorCode::kSignatureInvalid));
}

TEST(CoseKeyTest, RsaSchemesDoNotCrossVerify) {
  EVP_PKEY* pkey = SharedKey("RSA2048");
  auto rs256 = ImportCoseKey(RsaMap(pkey, -257).Encode());
  auto ps256 = ImportCoseKey(RsaMap(pkey, -37).Encode());
  auto rs384 = ImportCoseKey(RsaMap(pkey, -258).Encode());
  ASSERT_THAT(rs256, IsOk());
  ASSERT_THAT(ps256, IsOk());
  ASSERT_THAT(rs384, IsOk());
  const Bytes pkcs1 = Sign(pkey, {"SHA256"}, kMessage);
  const Bytes pss = Sign(pkey, {"SHA256", true, 32}, kMessage);
  EXPECT_THAT(ps256->Verify(kMessage, pkcs1), HasError(ErrorCode::kSignatureInvalid));
  EXPECT_THAT(rs256->Verify(kMessage, pss), HasError(ErrorCode::kSignatureInvalid));
  EXPECT_THAT(rs384->Verify(kMessage, pkcs1), HasError(ErrorCode::kSignatureInvalid));
}

TEST(CoseKeyTest, RejectsSignatureFromAnotherKey) {
  EvpPkeyPtr other = GenerateEc("P-256");
  ASSERT_TRUE(other);
  auto key = ImportCoseKey(Ec2Map(SharedKey("P-256"), -7, 1).Encode());
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(key->Verify(kMessage, Sign(other.get(), {"SHA256"}, kMessage)),
              HasError(ErrorCode::kSignatureInvalid));
}

// --- kty / alg / crv consistency -------------------------------------------------

TEST(CoseKeyTest, RejectsKtyAlgMismatch) {
  // EC2 members with kty OKP; OKP members with kty EC2; RSA with kty EC2;
  // EC2 with kty RSA; an unknown kty.
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -7, 1).SetInt(1, 1).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(OkpMap(SharedKey("ED25519"), -8, 6).SetInt(1, 2).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(RsaMap(SharedKey("RSA2048"), -257).SetInt(1, 2).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -7, 1).SetInt(1, 3).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -7, 1).SetInt(1, 4).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  // EdDSA algorithm on an EC2 key, ES256 on an OKP key.
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -8, 1).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(OkpMap(SharedKey("ED25519"), -7, 6).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsEcCurveAlgMismatch) {
  // ES256 with a P-384 key (crv 2), ES384 with P-256, ES512 with P-384.
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-384"), -7, 2).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -35, 1).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-384"), -36, 2).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsCurveLabelThatDisagreesWithCoordinates) {
  // crv says P-256 (32-byte coordinates) but the coordinates are P-384's.
  CoseMap map = Ec2Map(SharedKey("P-384"), -7, 2);
  map.SetInt(-1, 1);
  EXPECT_THAT(ImportCoseKey(map.Encode()), HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsOkpCurveAlgMismatch) {
  // Ed25519 (-19) with crv Ed448, Ed448 (-53) with crv Ed25519.
  EXPECT_THAT(ImportCoseKey(OkpMap(SharedKey("ED448"), -19, 7).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(OkpMap(SharedKey("ED25519"), -53, 6).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  // crv Ed448 with a 32-byte Ed25519 key.
  EXPECT_THAT(ImportCoseKey(OkpMap(SharedKey("ED25519"), -8, 7).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsUnknownCurve) {
  for (std::int64_t crv : {0, 4, 5, 8, 99, -1}) {
    EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -7, 1).SetInt(-1, crv).Encode()),
                HasError(ErrorCode::kInvalidPublicKey))
        << "EC2 crv " << crv;
    EXPECT_THAT(ImportCoseKey(OkpMap(SharedKey("ED25519"), -8, 6).SetInt(-1, crv).Encode()),
                HasError(ErrorCode::kInvalidPublicKey))
        << "OKP crv " << crv;
  }
  // X25519 (crv 4) is a key-agreement curve, not a signature curve.
  EXPECT_THAT(ImportCoseKey(OkpMap(SharedKey("ED25519"), -8, 4).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsCurveGivenAsText) {
  EXPECT_THAT(
      ImportCoseKey(Ec2Map(SharedKey("P-256"), -7, 1).Set(-1, Hex("65502d323536")).Encode()),
      HasError(ErrorCode::kInvalidPublicKey));
}

// --- Coordinates ------------------------------------------------------------------

TEST(CoseKeyTest, RejectsEcCoordinatesOfWrongLength) {
  EVP_PKEY* pkey = SharedKey("P-256");
  const Bytes x = BnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32);
  const Bytes y = BnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
  Bytes x_padded = {0x00};
  x_padded.insert(x_padded.end(), x.begin(), x.end());
  Bytes y_padded = {0x00};
  y_padded.insert(y_padded.end(), y.begin(), y.end());
  const ByteView x_short = ByteView(x).subspan(1);
  const ByteView y_short = ByteView(y).subspan(1);
  EXPECT_THAT(ImportCoseKey(Ec2Map(pkey, -7, 1).SetBytes(-2, x_short).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(pkey, -7, 1).SetBytes(-3, y_short).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(pkey, -7, 1).SetBytes(-2, x_padded).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(pkey, -7, 1).SetBytes(-3, y_padded).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(pkey, -7, 1).SetBytes(-2, Bytes{}).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsOkpKeyOfWrongLength) {
  const Bytes raw = RawPublicKey(SharedKey("ED25519"));
  Bytes longer = raw;
  longer.push_back(0x00);
  EXPECT_THAT(
      ImportCoseKey(
          OkpMap(SharedKey("ED25519"), -8, 6).SetBytes(-2, ByteView(raw).first(31)).Encode()),
      HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(OkpMap(SharedKey("ED25519"), -8, 6).SetBytes(-2, longer).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsPointNotOnCurve) {
  for (const char* curve : {"P-256", "P-384", "P-521"}) {
    const std::int64_t crv = curve[2] == '2' ? 1 : curve[2] == '3' ? 2 : 3;
    const std::int64_t alg = crv == 1 ? -7 : crv == 2 ? -35 : -36;
    EVP_PKEY* pkey = SharedKey(curve);
    Bytes y = BnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, CoordinateSize(crv));
    y.back() ^= 0x01;
    EXPECT_THAT(ImportCoseKey(Ec2Map(pkey, alg, crv).SetBytes(-3, y).Encode()),
                HasError(ErrorCode::kInvalidPublicKey))
        << curve;
  }
}

TEST(CoseKeyTest, RejectsAllZeroPoint) {
  const Bytes zero(32, 0x00);
  EXPECT_THAT(ImportCoseKey(
                  Ec2Map(SharedKey("P-256"), -7, 1).SetBytes(-2, zero).SetBytes(-3, zero).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsCoordinatesOutsideTheField) {
  // x = y = 2^256 - 1 is not a field element of P-256.
  const Bytes ff(32, 0xff);
  EXPECT_THAT(
      ImportCoseKey(Ec2Map(SharedKey("P-256"), -7, 1).SetBytes(-2, ff).SetBytes(-3, ff).Encode()),
      HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsCompressedPoint) {
  // RFC 9053 §7.1.1: y may be a bool sign bit (point compression).
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -7, 1).Set(-3, kCborTrue).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -7, 1).Set(-3, kCborFalse).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsCoordinateOfWrongType) {
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -7, 1).SetInt(-2, 5).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -7, 1).Set(-3, Hex("6161")).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(OkpMap(SharedKey("ED25519"), -8, 6).Set(-2, Hex("80")).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

// --- Missing members ----------------------------------------------------------------

TEST(CoseKeyTest, RejectsMissingMembers) {
  EVP_PKEY* ec = SharedKey("P-256");
  EVP_PKEY* okp = SharedKey("ED25519");
  EVP_PKEY* rsa = SharedKey("RSA2048");
  const struct {
    const char* what;
    Bytes cose;
  } kCases[] = {
      {"EC2 kty", Ec2Map(ec, -7, 1).Remove(1).Encode()},
      {"EC2 alg", Ec2Map(ec, -7, 1).Remove(3).Encode()},
      {"EC2 crv", Ec2Map(ec, -7, 1).Remove(-1).Encode()},
      {"EC2 x", Ec2Map(ec, -7, 1).Remove(-2).Encode()},
      {"EC2 y", Ec2Map(ec, -7, 1).Remove(-3).Encode()},
      {"OKP kty", OkpMap(okp, -8, 6).Remove(1).Encode()},
      {"OKP alg", OkpMap(okp, -8, 6).Remove(3).Encode()},
      {"OKP crv", OkpMap(okp, -8, 6).Remove(-1).Encode()},
      {"OKP x", OkpMap(okp, -8, 6).Remove(-2).Encode()},
      {"RSA kty", RsaMap(rsa, -257).Remove(1).Encode()},
      {"RSA alg", RsaMap(rsa, -257).Remove(3).Encode()},
      {"RSA n", RsaMap(rsa, -257).Remove(-1).Encode()},
      {"RSA e", RsaMap(rsa, -257).Remove(-2).Encode()},
      {"everything", Hex("a0")},
  };
  for (const auto& c : kCases) {
    EXPECT_THAT(ImportCoseKey(c.cose), HasError(ErrorCode::kInvalidPublicKey)) << c.what;
  }
}

TEST(CoseKeyTest, RejectsKtyAndAlgOfWrongType) {
  EVP_PKEY* ec = SharedKey("P-256");
  EXPECT_THAT(ImportCoseKey(Ec2Map(ec, -7, 1).Set(1, Hex("63454332")).Encode()),  // "EC2"
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(ec, -7, 1).Set(3, Hex("6545533235 36")).Encode()),  // "ES256"
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(ec, -7, 1).Set(3, Hex("4126")).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  // An integer alg outside int64.
  EXPECT_THAT(ImportCoseKey(Ec2Map(ec, -7, 1).Set(3, Hex("3bffffffffffffffff")).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

// --- Private key material -------------------------------------------------------------

TEST(CoseKeyTest, RejectsEcPrivateKeyMember) {
  EVP_PKEY* pkey = SharedKey("P-256");
  const Bytes d = BnParam(pkey, OSSL_PKEY_PARAM_PRIV_KEY, 32);
  EXPECT_THAT(ImportCoseKey(Ec2Map(pkey, -7, 1).SetBytes(-4, d).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsOkpPrivateKeyMember) {
  EVP_PKEY* pkey = SharedKey("ED25519");
  std::size_t length = 0;
  ASSERT_EQ(EVP_PKEY_get_raw_private_key(pkey, nullptr, &length), 1);
  Bytes d(length);
  ASSERT_EQ(EVP_PKEY_get_raw_private_key(pkey, d.data(), &length), 1);
  EXPECT_THAT(ImportCoseKey(OkpMap(pkey, -8, 6).SetBytes(-4, d).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsRsaPrivateParameters) {
  EVP_PKEY* pkey = SharedKey("RSA2048");
  const Bytes d = BnParam(pkey, OSSL_PKEY_PARAM_RSA_D);
  const Bytes p = BnParam(pkey, OSSL_PKEY_PARAM_RSA_FACTOR1);
  // RFC 8230 §4: d (-3), p (-4), q (-5), dP (-6), dQ (-7), qInv (-8),
  // other (-9), r_i (-10), d_i (-11), t_i (-12).
  EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(-3, d).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(-4, p).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  for (std::int64_t label = -5; label >= -12; --label) {
    EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(label, p).Encode()),
                HasError(ErrorCode::kInvalidPublicKey))
        << label;
  }
}

// --- RSA parameters ---------------------------------------------------------------------

TEST(CoseKeyTest, RejectsRsaModulusBelow2048Bits) {
  EVP_PKEY* small = SharedKey("RSA1024");
  EXPECT_THAT(ImportCoseKey(RsaMap(small, -257).Encode()), HasError(ErrorCode::kInvalidPublicKey));
  // A 2048-byte-long encoding of a small number is still a small modulus.
  Bytes padded(256 - 128, 0x00);
  const Bytes n = BnParam(small, OSSL_PKEY_PARAM_RSA_N);
  padded.insert(padded.end(), n.begin(), n.end());
  EXPECT_THAT(ImportCoseKey(RsaMap(small, -257).SetBytes(-1, padded).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsRsaModulusAbove8192Bits) {
  // n = 2^8192 + 1: 8193 bits, refused before OpenSSL sees it.
  Bytes n(1025, 0x00);
  n.front() = 0x01;
  n.back() = 0x01;
  EXPECT_THAT(ImportCoseKey(RsaMap(SharedKey("RSA2048"), -257).SetBytes(-1, n).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsBadRsaExponent) {
  EVP_PKEY* pkey = SharedKey("RSA2048");
  EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(-2, Bytes{}).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(-2, Hex("01")).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(-2, Hex("010000")).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));  // even
  EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(-2, Bytes(9, 0x01)).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));  // longer than 8 bytes
  EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetInt(-2, 65537).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));  // integer, not bytes
}

TEST(CoseKeyTest, RejectsEvenRsaModulus) {
  EVP_PKEY* pkey = SharedKey("RSA2048");
  Bytes n = BnParam(pkey, OSSL_PKEY_PARAM_RSA_N);
  n.back() &= 0xfe;
  EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(-1, n).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

// kStored: a record's key was fully checked at registration; the stored
// import keeps the structural RSA checks (n odd, e odd, 3 <= e < n).
TEST(CoseKeyTest, StoredValidationKeepsStructuralRsaChecks) {
  EVP_PKEY* pkey = SharedKey("RSA2048");
  const auto stored = [](const Bytes& cose) {
    return ImportCoseKey(cose, KeyValidation::kStored);
  };
  EXPECT_THAT(stored(RsaMap(pkey, -257).Encode()), IsOk());
  EXPECT_THAT(stored(RsaMap(pkey, -257).SetBytes(-2, Hex("01")).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));  // e = 1
  EXPECT_THAT(stored(RsaMap(pkey, -257).SetBytes(-2, Hex("010000")).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));  // even e
  Bytes even_n = BnParam(pkey, OSSL_PKEY_PARAM_RSA_N);
  even_n.back() &= 0xfe;
  EXPECT_THAT(stored(RsaMap(pkey, -257).SetBytes(-1, even_n).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(stored(Ec2Map(SharedKey("P-256"), -7, 1).Encode()), IsOk());
}

// A new credential's RSA exponent must exceed 2^16 (SP 800-56B); a stored
// one is only held to 3 <= e.
TEST(CoseKeyTest, FullValidationRequiresExponentAbove2To16) {
  EVP_PKEY* pkey = SharedKey("RSA2048");
  const Bytes e3 = RsaMap(pkey, -257).SetBytes(-2, Hex("03")).Encode();
  EXPECT_THAT(ImportCoseKey(e3), HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(e3, KeyValidation::kStored), IsOk());
  const Bytes e65535 = RsaMap(pkey, -257).SetBytes(-2, Hex("ffff")).Encode();
  EXPECT_THAT(ImportCoseKey(e65535), HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(-2, Hex("010001")).Encode()), IsOk());
}

// The verdict on a key never depends on chance: an odd composite modulus
// with several prime factors (which OpenSSL's randomised Miller-Rabin check
// sometimes rejects and sometimes accepts) gets the same answer every time.
TEST(CoseKeyTest, RsaImportVerdictIsDeterministic) {
  EVP_PKEY* pkey = SharedKey("RSA2048");
  Bytes n = BnParam(pkey, OSSL_PKEY_PARAM_RSA_N);
  for (std::size_t i = 0; i < n.size(); i += 7) n[i] ^= 0x5a;
  n.front() |= 0x80;
  n.back() |= 0x01;
  const Bytes cose = RsaMap(pkey, -257).SetBytes(-1, n).Encode();
  const bool first = ImportCoseKey(cose).has_value();
  for (int i = 0; i < 50; ++i) EXPECT_EQ(ImportCoseKey(cose).has_value(), first) << i;
}

// --- Algorithms this build does not verify ---------------------------------------------

TEST(CoseKeyTest, RejectsUnknownAlgorithmAsUnsupported) {
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -999, 1).Encode()),
              HasError(ErrorCode::kUnsupportedAlgorithm));
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), 0, 1).Encode()),
              HasError(ErrorCode::kUnsupportedAlgorithm));
  // ES256K (secp256k1) is registered but not supported.
  EXPECT_THAT(ImportCoseKey(Ec2Map(SharedKey("P-256"), -47, 1).Encode()),
              HasError(ErrorCode::kUnsupportedAlgorithm));
}

TEST(CoseKeyTest, RejectsMlDsaAsUnsupported) {
  // ML-DSA-44 (-48) with kty AKP (7) and a "pub" (-1) of 1312 bytes.
  CoseMap map;
  map.SetInt(1, 7).SetInt(3, -48).SetBytes(-1, Bytes(1312, 0x5a));
  EXPECT_THAT(ImportCoseKey(map.Encode()), HasError(ErrorCode::kUnsupportedAlgorithm));
}

// --- CBOR shape -----------------------------------------------------------------------

TEST(CoseKeyTest, RejectsDuplicateLabels) {
  EVP_PKEY* pkey = SharedKey("P-256");
  EXPECT_THAT(ImportCoseKey(Ec2Map(pkey, -7, 1).Duplicate(3, CborInt(-7)).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(pkey, -7, 1).Duplicate(1, CborInt(2)).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(pkey, -7, 1).Duplicate(-2, CborBytes(Bytes(32, 0x01))).Encode()),
              HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsTrailingBytes) {
  Bytes cose = Ec2Map(SharedKey("P-256"), -7, 1).Encode();
  cose.push_back(0x00);
  EXPECT_THAT(ImportCoseKey(cose), HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(CoseKeyAlgorithm(cose), HasError(ErrorCode::kInvalidPublicKey));
}

TEST(CoseKeyTest, RejectsNotAMap) {
  for (const char* hex : {"80", "8401020304", "4401020304", "6161", "01", "f6", ""}) {
    EXPECT_THAT(ImportCoseKey(Hex(hex)), HasError(ErrorCode::kInvalidPublicKey)) << hex;
  }
}

TEST(CoseKeyTest, RejectsMalformedCbor) {
  for (const char* hex : {"bf0102ff", "a5010203", "a1c00102", "a1410102", "a10162c080"}) {
    EXPECT_THAT(ImportCoseKey(Hex(hex)), HasError(ErrorCode::kInvalidPublicKey)) << hex;
  }
}

TEST(CoseKeyTest, IgnoresUnknownLabels) {
  // kid (2) and an unregistered private-use label are not key material.
  EVP_PKEY* pkey = SharedKey("P-256");
  auto key = ImportCoseKey(Ec2Map(pkey, -7, 1).SetBytes(2, Hex("0102")).SetInt(-70000, 1).Encode());
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(key->Verify(kMessage, Sign(pkey, {"SHA256"}, kMessage)), IsOk());
}

// --- CoseKeyAlgorithm ------------------------------------------------------------------

TEST(CoseKeyTest, CoseKeyAlgorithmReadsAlgWithoutImporting) {
  auto es256 = CoseKeyAlgorithm(Ec2Map(SharedKey("P-256"), -7, 1).Encode());
  ASSERT_THAT(es256, IsOk());
  EXPECT_EQ(*es256, -7);
  auto rs256 = CoseKeyAlgorithm(RsaMap(SharedKey("RSA2048"), -257).Encode());
  ASSERT_THAT(rs256, IsOk());
  EXPECT_EQ(*rs256, -257);
  // Unknown algorithms and inconsistent keys are still read.
  auto unknown = CoseKeyAlgorithm(Hex("a20102033903e6"));  // {1: 2, 3: -999}
  ASSERT_THAT(unknown, IsOk());
  EXPECT_EQ(*unknown, -999);
  auto rs1 = CoseKeyAlgorithm(Hex("a1033a0000fffe"));  // {3: -65535}
  ASSERT_THAT(rs1, IsOk());
  EXPECT_EQ(*rs1, -65535);
}

TEST(CoseKeyTest, CoseKeyAlgorithmRejectsMalformedKeys) {
  EXPECT_THAT(CoseKeyAlgorithm(Hex("a10102")), HasError(ErrorCode::kInvalidPublicKey));  // no alg
  EXPECT_THAT(CoseKeyAlgorithm(Hex("a1036545533235 36")), HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(CoseKeyAlgorithm(Hex("820326")), HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(CoseKeyAlgorithm(Hex("a203260326")), HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(CoseKeyAlgorithm(ByteView()), HasError(ErrorCode::kInvalidPublicKey));
}

// DecodeCoseKey + ImportCoseKey(CoseKeyMap): the decode-once path the
// ceremonies take gives what ImportCoseKey(bytes) gives.
TEST(CoseKeyTest, DecodedKeyImportsLikeTheBytes) {
  EVP_PKEY* pkey = SharedKey("P-256");
  const Bytes cose = Ec2Map(pkey, -7, 1).Encode();
  Result<CoseKeyMap> decoded = DecodeCoseKey(cose);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->alg, -7);
  Result<PublicKey> key = ImportCoseKey(*decoded);
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->algorithm(), CoseAlgorithm::kEs256);
  EXPECT_THAT(key->Verify(kMessage, Sign(pkey, {"SHA256"}, kMessage)), IsOk());
  // Decoding checks the map and the alg only; the import checks the rest
  // with the same codes as from bytes.
  Result<CoseKeyMap> unknown = DecodeCoseKey(Hex("a20102033903e6"));  // {1: 2, 3: -999}
  ASSERT_THAT(unknown, IsOk());
  EXPECT_THAT(ImportCoseKey(*unknown), HasError(ErrorCode::kUnsupportedAlgorithm));
  Result<CoseKeyMap> mismatched = DecodeCoseKey(Ec2Map(pkey, -7, 2).Encode());  // P-384 crv
  ASSERT_THAT(mismatched, IsOk());
  EXPECT_THAT(ImportCoseKey(*mismatched), HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(ImportCoseKey(Ec2Map(pkey, -7, 2).Encode()), HasError(ErrorCode::kInvalidPublicKey));
  EXPECT_THAT(DecodeCoseKey(Hex("a10102")), HasError(ErrorCode::kInvalidPublicKey));  // no alg
  Bytes trailing = cose;
  trailing.push_back(0x00);
  EXPECT_THAT(DecodeCoseKey(trailing), HasError(ErrorCode::kInvalidPublicKey));
}

// --- Ed25519 / Ed448 points (issue #16) ---------------------------------------

// OkpKey: the COSE_Key {1: 1, 3: alg, -1: crv, -2: x} for an encoded point.
Bytes OkpKey(std::int64_t alg, std::int64_t crv, ByteView encoded) {
  return CoseMap().SetInt(1, 1).SetInt(3, alg).SetInt(-1, crv).SetBytes(-2, encoded).Encode();
}

// Every point of small order, encoded (y little-endian, x's sign bit in the
// top bit of the last byte). Computed independently of the library's
// y-polynomial check, by scalar multiplication with plain Python integers:
// for random curve points P (y random, x = sqrt((y²-1)/(d·y²-a)) mod p),
// T = [q]P lies in the torsion subgroup (q: the prime subgroup order,
// 2^252 + 27742317777372353535851937790883648493 for edwards25519,
// 2^446 - 13818066809895115352007386748515426880336692474882178609894547503885
// for edwards448), collected until 8 (resp. 4) distinct T were found; the
// addition law is x3 = (x1·y2 + y1·x2)/(1 + d·x1·x2·y1·y2),
// y3 = (y1·y2 - a·x1·x2)/(1 - d·x1·x2·y1·y2).
const char* const kEd25519SmallOrder[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",  // order 4
    "0000000000000000000000000000000000000000000000000000000000000080",  // order 4
    "0100000000000000000000000000000000000000000000000000000000000000",  // identity
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  // order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  // order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  // order 8
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // (0, -1)
};
const char* const kEd448SmallOrder[] = {
    "0000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000",  // (1, 0)
    "0000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000080",  // (-1, 0)
    "0100000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000",  // identity
    "fefffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffff00",  // (0, -1)
};

// Non-canonical encodings: y = p (≡ 0), y = p + 1 (≡ 1, the identity), and
// x = 0 with the sign bit set (y = 1 and y = p - 1 with the top bit on).
// p = 2^255 - 19 and 2^448 - 2^224 - 1, written little-endian.
const char* const kEd25519NonCanonical[] = {
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p + 1
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // 2^255 - 1
    "0100000000000000000000000000000000000000000000000000000000000080",  // -0, y = 1
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  // -0, y = p - 1
};
const char* const kEd448NonCanonical[] = {
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffff00",  // p
    "00000000000000000000000000000000000000000000000000000000ff"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffff00",  // p + 1
    "0100000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000080",  // -0, y = 1
    "fefffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffff80",  // -0, y = p - 1
    "0300000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000001",  // y = 3, spare bit set
};

struct EdCase {
  const char* name;
  std::int64_t alg;
  std::int64_t crv;
};
const EdCase kEdCases[] = {
    {"EdDSA/Ed25519", -8, 6}, {"Ed25519", -19, 6}, {"EdDSA/Ed448", -8, 7}, {"Ed448", -53, 7}};

// ExpectBothModes: ImportCoseKey fails with kInvalidPublicKey in both modes.
void ExpectBothModes(const Bytes& cose, const std::string& what) {
  EXPECT_THAT(ImportCoseKey(cose, KeyValidation::kFull), HasError(ErrorCode::kInvalidPublicKey))
      << what;
  EXPECT_THAT(ImportCoseKey(cose, KeyValidation::kStored), HasError(ErrorCode::kInvalidPublicKey))
      << what;
}

// ExpectAllRejected: every encoding in the curve's list, under every alg
// naming that curve, fails in both modes.
template <std::size_t N25519, std::size_t N448>
void ExpectAllRejected(const char* const (&ed25519)[N25519], const char* const (&ed448)[N448]) {
  for (const EdCase& c : kEdCases) {
    const std::span<const char* const> list =
        c.crv == 6 ? std::span<const char* const>(ed25519) : std::span<const char* const>(ed448);
    for (const char* hex : list) {
      ASSERT_EQ(Hex(hex).size(), c.crv == 6 ? 32u : 57u) << hex;
      ExpectBothModes(OkpKey(c.alg, c.crv, Hex(hex)), std::string(c.name) + " " + hex);
    }
  }
}

TEST(CoseKeyTest, RejectsEveryEdwardsPointOfSmallOrder) {
  ExpectAllRejected(kEd25519SmallOrder, kEd448SmallOrder);
}

TEST(CoseKeyTest, RejectsNonCanonicalEdwardsEncodings) {
  ExpectAllRejected(kEd25519NonCanonical, kEd448NonCanonical);
}

// y = 2 is not the y of any point on either curve ((y²-1)/(d·y²-a) is not a
// square mod p); y = 3 is, on both, with either sign of x, and is not of
// small order (checked with Python integers: pow(x², (p-1)/2, p)). kFull
// refuses y = 2; kStored skips that test (for speed), and the key then
// verifies nothing.
TEST(CoseKeyTest, RejectsEdwardsYOffTheCurveAndAcceptsOneOnIt) {
  for (const EdCase& c : kEdCases) {
    const std::size_t length = c.crv == 6 ? 32 : 57;
    Bytes y2(length, 0x00);
    y2.front() = 0x02;
    EXPECT_THAT(ImportCoseKey(OkpKey(c.alg, c.crv, y2), KeyValidation::kFull),
                HasError(ErrorCode::kInvalidPublicKey))
        << c.name;
    const auto stored = ImportCoseKey(OkpKey(c.alg, c.crv, y2), KeyValidation::kStored);
    ASSERT_THAT(stored, IsOk()) << c.name;
    Bytes signature(c.crv == 6 ? 64 : 114, 0x00);
    std::copy(y2.begin(), y2.end(), signature.begin());
    EXPECT_THAT(stored->Verify(kMessage, signature), HasError(ErrorCode::kSignatureInvalid))
        << c.name;
    Bytes y3(length, 0x00);
    y3.front() = 0x03;
    EXPECT_THAT(ImportCoseKey(OkpKey(c.alg, c.crv, y3), KeyValidation::kFull), IsOk()) << c.name;
    EXPECT_THAT(ImportCoseKey(OkpKey(c.alg, c.crv, y3), KeyValidation::kStored), IsOk()) << c.name;
    // The sign bit of x, for Ed448 in the 57th byte (Ed25519: top of byte 32).
    y3.back() = static_cast<std::uint8_t>(y3.back() | 0x80);
    EXPECT_THAT(ImportCoseKey(OkpKey(c.alg, c.crv, y3)), IsOk()) << c.name << " negative x";
  }
}

// Real keys are accepted: many fresh OpenSSL keys per curve, so a wrong
// square test (which would reject about half of them) cannot go unnoticed.
TEST(CoseKeyTest, AcceptsFreshlyGeneratedEdwardsKeys) {
  for (int i = 0; i < 64; ++i) {
    for (const char* type : {"ED25519", "ED448"}) {
      const EvpPkeyPtr key = GenerateOkp(type);
      ASSERT_TRUE(key);
      const std::int64_t crv = type[2] == '2' ? 6 : 7;
      const Bytes cose = OkpMap(key.get(), -8, crv).Encode();
      EXPECT_THAT(ImportCoseKey(cose, KeyValidation::kFull), IsOk()) << type << " " << i;
      EXPECT_THAT(ImportCoseKey(cose, KeyValidation::kStored), IsOk()) << type << " " << i;
    }
  }
}

// The attack the small-order check stops: with the identity as public key,
// R = encoding(identity) and S = 0 satisfy [S]B = R + [k]A for every
// message. OpenSSL alone accepts it (this pins why ImportCoseKey must
// refuse the key); the library never gets that far.
TEST(CoseKeyTest, IdentityKeyWouldAcceptAForgedSignatureForAnyMessage) {
  const Bytes identity = Hex(kEd25519SmallOrder[2]);
  Bytes forged = identity;
  forged.resize(64, 0x00);
  EvpPkeyPtr raw(EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, identity.data(),
                                                identity.size()));
  ASSERT_TRUE(raw);
  for (const char* text : {"message one", "message two", ""}) {
    const std::string message(text);
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    ASSERT_TRUE(ctx);
    ASSERT_EQ(EVP_DigestVerifyInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr, raw.get(),
                                      nullptr),
              1);
    EXPECT_EQ(EVP_DigestVerify(ctx.get(), forged.data(), forged.size(),
                               reinterpret_cast<const unsigned char*>(message.data()),  // NOLINT
                               message.size()),
              1)
        << "OpenSSL no longer accepts the forgery; the test premise changed";
  }
  ExpectBothModes(OkpKey(-8, 6, identity), "identity");
}

// RFC 8230 §4: n and e use the minimum number of octets.
TEST(CoseKeyTest, RejectsRsaParametersWithALeadingZeroByte) {
  EVP_PKEY* pkey = SharedKey("RSA2048");
  Bytes n = BnParam(pkey, OSSL_PKEY_PARAM_RSA_N);
  n.insert(n.begin(), 0x00);
  for (const KeyValidation mode : {KeyValidation::kFull, KeyValidation::kStored}) {
    EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).Encode(), mode), IsOk());
    EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(-1, n).Encode(), mode),
                HasError(ErrorCode::kInvalidPublicKey));
    EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(-2, Hex("00010001")).Encode(), mode),
                HasError(ErrorCode::kInvalidPublicKey));
    EXPECT_THAT(ImportCoseKey(RsaMap(pkey, -257).SetBytes(-2, Hex("0003")).Encode(), mode),
                HasError(ErrorCode::kInvalidPublicKey));
  }
}

}  // namespace
}  // namespace passkey::internal
