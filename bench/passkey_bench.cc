// passkey_bench: the ceremonies against a raw-OpenSSL floor, in one binary
// so ratios come from one run on one machine. Benchmark names are part of
// the interface (bench/README.md, issue #7):
//   VerifyAuthentication/<ALG>          full §7.2: parse the response JSON,
//                                       verify against a stored record
//                                       (COSE key bytes, imported per call)
//   VerifyAuthenticationPrepared/<ALG>  the same against a PreparedCredential
//   VerifyRegistration/none/<ALG>, VerifyRegistration/packed/<ALG>
//   Floor/<ALG>                         SHA-256 of clientDataJSON + one
//                                       EVP_DigestVerify with a pre-imported
//                                       key over authData ‖ that hash
//   Floor/Registration/<ALG>            SHA-256 of clientDataJSON + one key
//                                       import (EVP_PKEY_fromdata, no checks)
//   ParseAuthenticatorData, ParseCoseKey, ParseClientData,
//   ParseAttestationObject              the parsers alone
//   VerifyAuthenticationPrepared/ES256/real_time/threads:{1,2}   scaling
//   CApi/VerifyAuthenticationPrepared/<ALG>  the C API's path
//                                       (passkey_verify_authentication_prepared:
//                                       options JSON and response JSON in,
//                                       result JSON out and freed), to compare
//                                       with VerifyAuthenticationPrepared/<ALG>
// Every benchmark reports items_per_second (one item = one ceremony).
#include <benchmark/benchmark.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <passkey/passkey.h>
#include <passkey/passkey_c.h>
#include <passkey/testing/software_authenticator.h>

#include "webauthn/attestation_object.h"
#include "webauthn/authenticator_data.h"
#include "webauthn/client_data.h"
#include "webauthn/cose_key.h"

namespace {

using passkey::Bytes;
using passkey::CoseAlgorithm;

struct Algorithm {
  const char* name;
  CoseAlgorithm alg;
};

constexpr Algorithm kAlgorithms[] = {
    {"ES256", CoseAlgorithm::kEs256}, {"ES384", CoseAlgorithm::kEs384},
    {"EdDSA", CoseAlgorithm::kEdDsa}, {"RS256", CoseAlgorithm::kRs256},
    {"PS256", CoseAlgorithm::kPs256},
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "passkey_bench: setup failed: %s\n", what.c_str());
  std::abort();
}

template <typename T>
T Must(passkey::Result<T> result, const char* what) {
  if (!result.has_value()) Die(std::string(what) + ": " + result.error().message);
  return std::move(result).value();
}

// Raw public-key material for the registration floor's import.
struct RawKey {
  std::string type;          // "EC", "ED25519", "RSA"
  std::string group;         // EC curve name
  Bytes point;               // EC uncompressed point / Ed25519 raw key
  Bytes n_native, e_native;  // RSA, native-endian for OSSL_PARAM_construct_BN
};

// Fixture: one credential per algorithm, its registration and assertion
// responses, and the floor's pre-imported key. Built once, outside timing.
struct Fixture {
  explicit Fixture(CoseAlgorithm alg)
      : authenticator(Must(passkey::testing::SoftwareAuthenticator::Create(alg, "bench"),
                           "authenticator")) {
    const Bytes challenge(32, 0x42);
    rp.ids = {"example.com"};
    rp.origins = {"https://example.com"};

    passkey::testing::RegistrationParams reg;
    reg.rp_id = "example.com";
    reg.origin = "https://example.com";
    reg.challenge = challenge;
    reg.format = "none";
    registration_none_json = Must(authenticator.MakeCredentialJson(reg), "registration none");
    registration_none_parts = Must(authenticator.MakeCredential(reg), "registration parts");
    reg.format = "packed";
    registration_packed_json = Must(authenticator.MakeCredentialJson(reg), "registration packed");
    registration_options.rp = rp;
    registration_options.challenge = challenge;
    registration_options.now = 1767225600;  // 2026-01-01

    auto response = Must(passkey::ParseRegistrationResponseJson(registration_none_json),
                         "parse registration");
    record = Must(passkey::VerifyRegistration(registration_options, response), "register");

    passkey::testing::AssertionParams get;
    get.rp_id = "example.com";
    get.origin = "https://example.com";
    get.challenge = challenge;
    get.sign_count = 1;  // the record stays at 0, so every verify passes
    assertion_parts = Must(authenticator.GetAssertion(get), "assertion");
    assertion_json = passkey::testing::AuthenticationResponseJson(assertion_parts);
    authentication_options.rp = rp;
    authentication_options.challenge = challenge;
    authentication_options.now = 1767225600;
    assertion = Must(passkey::ParseAuthenticationResponseJson(assertion_json), "parse assertion");
    prepared = std::make_unique<passkey::PreparedCredential>(
        Must(passkey::PreparedCredential::Create(record), "prepare"));
    // Sanity: every path verifies before anything is timed.
    (void)Must(passkey::VerifyAuthentication(authentication_options, record, assertion), "verify");
    (void)Must(passkey::VerifyAuthentication(authentication_options, *prepared, assertion),
               "verify prepared");

    // The floor's key: imported once from the SubjectPublicKeyInfo.
    const Bytes& spki = authenticator.PublicKeySpki();
    const unsigned char* p = spki.data();
    floor_key = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
    if (floor_key == nullptr) Die("d2i_PUBKEY");
    scheme = alg;
    md_name = alg == CoseAlgorithm::kEs384 ? "SHA384" : "SHA256";
    ExtractRawKey();

    // The packed floor's input: what a packed self attestation signs
    // (authData ‖ SHA-256(clientDataJSON), WebAuthn §8.2) and its signature.
    packed_message = registration_none_parts.authenticator_data;
    unsigned char hash[32];
    unsigned int hash_len = 0;
    const std::string& cdj = registration_none_parts.client_data_json;
    if (EVP_Digest(cdj.data(), cdj.size(), hash, &hash_len, EVP_sha256(), nullptr) != 1) {
      Die("SHA-256");
    }
    packed_message.insert(packed_message.end(), hash, hash + hash_len);
    packed_signature = Must(authenticator.Sign(packed_message), "packed signature");
  }

  void ExtractRawKey() {
    if (EVP_PKEY_is_a(floor_key, "EC")) {
      raw.type = "EC";
      char group[64] = {};
      std::size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(floor_key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                         sizeof(group), &len) != 1) {
        Die("group name");
      }
      raw.group = group;
      raw.point.resize(200);
      if (EVP_PKEY_get_octet_string_param(floor_key, OSSL_PKEY_PARAM_PUB_KEY, raw.point.data(),
                                          raw.point.size(), &len) != 1) {
        Die("EC point");
      }
      raw.point.resize(len);
    } else if (EVP_PKEY_is_a(floor_key, "ED25519")) {
      raw.type = "ED25519";
      raw.point.resize(32);
      std::size_t len = raw.point.size();
      if (EVP_PKEY_get_raw_public_key(floor_key, raw.point.data(), &len) != 1) Die("raw key");
    } else {
      raw.type = "RSA";
      BIGNUM* n = nullptr;
      BIGNUM* e = nullptr;
      if (EVP_PKEY_get_bn_param(floor_key, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
          EVP_PKEY_get_bn_param(floor_key, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
        Die("RSA n/e");
      }
      raw.n_native.resize(static_cast<std::size_t>(BN_num_bytes(n)));
      raw.e_native.resize(static_cast<std::size_t>(BN_num_bytes(e)));
      BN_bn2nativepad(n, raw.n_native.data(), static_cast<int>(raw.n_native.size()));
      BN_bn2nativepad(e, raw.e_native.data(), static_cast<int>(raw.e_native.size()));
      BN_free(n);
      BN_free(e);
    }
  }

  passkey::testing::SoftwareAuthenticator authenticator;
  passkey::RelyingParty rp;
  std::string registration_none_json;
  std::string registration_packed_json;
  passkey::testing::RegistrationParts registration_none_parts;
  passkey::RegistrationOptions registration_options;
  passkey::CredentialRecord record;
  passkey::testing::AssertionParts assertion_parts;
  std::string assertion_json;
  passkey::AuthenticationOptions authentication_options;
  passkey::AuthenticationResponse assertion;
  std::unique_ptr<passkey::PreparedCredential> prepared;
  EVP_PKEY* floor_key = nullptr;  // process lifetime
  CoseAlgorithm scheme = CoseAlgorithm::kEs256;
  const char* md_name = "SHA256";
  RawKey raw;
  Bytes packed_message;    // authData ‖ clientDataHash of the registration
  Bytes packed_signature;  // by the credential key (self attestation)
};

Fixture& Get(CoseAlgorithm alg) {
  static auto* fixtures = new std::map<CoseAlgorithm, std::unique_ptr<Fixture>>();
  auto& slot = (*fixtures)[alg];
  if (!slot) slot = std::make_unique<Fixture>(alg);
  return *slot;
}

// --- The floor -------------------------------------------------------------

// FloorVerify: one EVP_DigestVerify of `message` with `key`, a fresh
// EVP_MD_CTX + EVP_DigestVerifyInit_ex per call, as OpenSSL's docs show it.
bool FloorVerify(const Fixture& f, EVP_PKEY* key, const unsigned char* message,
                 std::size_t message_len, const Bytes& sig) {
  const bool eddsa = f.scheme == CoseAlgorithm::kEdDsa;
  const bool pss = f.scheme == CoseAlgorithm::kPs256;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  int ok = EVP_DigestVerifyInit_ex(ctx, &pctx, eddsa ? nullptr : f.md_name, nullptr, nullptr, key,
                                   nullptr);
  if (pss) {
    ok &= EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    ok &= EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO);
  }
  ok &= EVP_DigestVerify(ctx, sig.data(), sig.size(), message, message_len);
  EVP_MD_CTX_free(ctx);
  return ok == 1;
}

// FloorImport: the public key from its raw parameters, no checks:
// EVP_PKEY_fromdata (group name + point / n, e) with a fresh EVP_PKEY_CTX,
// EVP_PKEY_new_raw_public_key_ex for Ed25519. nullptr on failure.
EVP_PKEY* FloorImport(const RawKey& raw) {
  EVP_PKEY* key = nullptr;
  if (raw.type == "ED25519") {
    return EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, raw.point.data(),
                                          raw.point.size());
  }
  // OSSL_PARAM_construct_* take non-const pointers; nothing is written.
  RawKey& params_source = const_cast<RawKey&>(raw);  // NOLINT
  OSSL_PARAM params[3];
  if (raw.type == "EC") {
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                 params_source.group.data(), 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                                  params_source.point.data(), raw.point.size());
  } else {
    params[0] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_N, params_source.n_native.data(),
                                        raw.n_native.size());
    params[1] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_E, params_source.e_native.data(),
                                        raw.e_native.size());
  }
  params[2] = OSSL_PARAM_construct_end();
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, raw.type.c_str(), nullptr);
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    key = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  return key;
}

// Floor/<ALG>: what any verifier must do at least. SHA-256 of
// clientDataJSON, then EVP_DigestVerify over authData ‖ hash with a key
// imported beforehand. Floor/ImportVerify/<ALG>: the same with the key
// imported from its raw parameters on every call (FloorImport), the least a
// verifier does that keeps no imported key between sign-ins.
void BM_Floor(benchmark::State& state, CoseAlgorithm alg, bool import_per_call) {
  Fixture& f = Get(alg);
  const Bytes& cdj_text = f.assertion.client_data_json;
  const Bytes& auth_data = f.assertion.authenticator_data;
  const Bytes& sig = f.assertion.signature;
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  for (auto _ : state) {
    unsigned char message[512];
    const std::size_t ad = auth_data.size();
    std::copy(auth_data.begin(), auth_data.end(), message);
    unsigned int hash_len = 0;
    EVP_Digest(cdj_text.data(), cdj_text.size(), message + ad, &hash_len, sha256, nullptr);
    EVP_PKEY* key = import_per_call ? FloorImport(f.raw) : f.floor_key;
    const bool ok = key != nullptr && FloorVerify(f, key, message, ad + hash_len, sig);
    if (import_per_call) EVP_PKEY_free(key);
    if (!ok) state.SkipWithError("floor verify failed");
    benchmark::DoNotOptimize(ok);
  }
  EVP_MD_free(sha256);
  state.SetItemsProcessed(state.iterations());
}

// Floor/Registration/<ALG>: SHA-256 of clientDataJSON plus one import of
// the public key from its raw parameters (FloorImport, no checks).
// Floor/Registration/packed/<ALG>: the same plus one signature check with
// the imported key (a packed self attestation's).
void BM_FloorRegistration(benchmark::State& state, CoseAlgorithm alg, bool packed) {
  Fixture& f = Get(alg);
  const std::string& cdj = f.registration_none_parts.client_data_json;
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  for (auto _ : state) {
    unsigned char hash[32];
    unsigned int hash_len = 0;
    EVP_Digest(cdj.data(), cdj.size(), hash, &hash_len, sha256, nullptr);
    benchmark::DoNotOptimize(hash);
    EVP_PKEY* key = FloorImport(f.raw);
    bool ok = key != nullptr;
    if (ok && packed) {
      ok = FloorVerify(f, key, f.packed_message.data(), f.packed_message.size(),
                       f.packed_signature);
    }
    EVP_PKEY_free(key);
    if (!ok) state.SkipWithError("floor import failed");
  }
  EVP_MD_free(sha256);
  state.SetItemsProcessed(state.iterations());
}

// --- The library -----------------------------------------------------------

void BM_VerifyAuthentication(benchmark::State& state, CoseAlgorithm alg) {
  Fixture& f = Get(alg);
  for (auto _ : state) {
    auto response = passkey::ParseAuthenticationResponseJson(f.assertion_json);
    if (!response.has_value()) {
      state.SkipWithError("parse failed");
      break;
    }
    auto result = passkey::VerifyAuthentication(f.authentication_options, f.record, *response);
    if (!result.has_value()) {
      state.SkipWithError("verify failed");
      break;
    }
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_VerifyAuthenticationPrepared(benchmark::State& state, CoseAlgorithm alg) {
  Fixture& f = Get(alg);
  const passkey::PreparedCredential prepared = *f.prepared;  // shares the key
  for (auto _ : state) {
    auto response = passkey::ParseAuthenticationResponseJson(f.assertion_json);
    if (!response.has_value()) {
      state.SkipWithError("parse failed");
      break;
    }
    auto result = passkey::VerifyAuthentication(f.authentication_options, prepared, *response);
    if (!result.has_value()) {
      state.SkipWithError("verify failed");
      break;
    }
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}

// The same verification through the C API, as a binding calls it: the
// options as JSON (parsed per call), the prepared handle, the result as JSON
// (the updated record included) allocated and freed per call.
void BM_CApiVerifyAuthenticationPrepared(benchmark::State& state, CoseAlgorithm alg) {
  Fixture& f = Get(alg);
  passkey_error err = PASSKEY_ERROR_INIT;
  passkey_credential* credential = nullptr;
  const std::string record_json = passkey::CredentialRecordToJson(f.record);
  if (passkey_credential_prepare(record_json.c_str(), &credential, &err) != 0)
    Die(std::string("passkey_credential_prepare: ") + err.message);
  const std::string options_json =
      R"({"rpIds":["example.com"],"origins":["https://example.com"],"challenge":")" +
      passkey::Base64UrlEncode(f.authentication_options.challenge) + R"(","now":1767225600})";
  for (auto _ : state) {
    char* result = nullptr;
    if (passkey_verify_authentication_prepared(options_json.c_str(), credential,
                                               f.assertion_json.c_str(), &result, &err) != 0) {
      state.SkipWithError(err.message);
      break;
    }
    benchmark::DoNotOptimize(result);
    passkey_string_free(result);
  }
  passkey_credential_free(credential);
  passkey_error_clear(&err);
  state.SetItemsProcessed(state.iterations());
}

void BM_VerifyRegistration(benchmark::State& state, CoseAlgorithm alg, bool packed) {
  Fixture& f = Get(alg);
  const std::string& json = packed ? f.registration_packed_json : f.registration_none_json;
  for (auto _ : state) {
    auto response = passkey::ParseRegistrationResponseJson(json);
    if (!response.has_value()) {
      state.SkipWithError("parse failed");
      break;
    }
    auto record = passkey::VerifyRegistration(f.registration_options, *response);
    if (!record.has_value()) {
      state.SkipWithError("verify failed");
      break;
    }
    benchmark::DoNotOptimize(record);
  }
  state.SetItemsProcessed(state.iterations());
}

// --- Parsers alone (ES256 inputs) ------------------------------------------

void BM_ParseAuthenticatorData(benchmark::State& state) {
  Fixture& f = Get(CoseAlgorithm::kEs256);
  // Registration authData: rpIdHash, flags, counter, attested credential data.
  const Bytes& data = f.registration_none_parts.authenticator_data;
  for (auto _ : state) {
    auto parsed = passkey::internal::ParseAuthenticatorData(data);
    if (!parsed.has_value()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ParseCoseKey(benchmark::State& state) {
  Fixture& f = Get(CoseAlgorithm::kEs256);
  for (auto _ : state) {
    auto key = passkey::internal::ImportCoseKey(f.record.public_key);
    if (!key.has_value()) state.SkipWithError("import failed");
    benchmark::DoNotOptimize(key);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ParseClientData(benchmark::State& state) {
  Fixture& f = Get(CoseAlgorithm::kEs256);
  for (auto _ : state) {
    auto parsed = passkey::internal::ParseClientData(f.assertion.client_data_json);
    if (!parsed.has_value()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ParseAttestationObject(benchmark::State& state) {
  Fixture& f = Get(CoseAlgorithm::kEs256);
  const Bytes& data = f.registration_none_parts.attestation_object;
  for (auto _ : state) {
    auto parsed = passkey::internal::ParseAttestationObject(data);
    if (!parsed.has_value()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}

void RegisterAll() {
  for (const Algorithm& a : kAlgorithms) {
    const std::string name = a.name;
    benchmark::RegisterBenchmark(("Floor/" + name).c_str(), BM_Floor, a.alg, false);
    benchmark::RegisterBenchmark(("Floor/ImportVerify/" + name).c_str(), BM_Floor, a.alg, true);
    benchmark::RegisterBenchmark(("VerifyAuthentication/" + name).c_str(),
                                 BM_VerifyAuthentication, a.alg);
    benchmark::RegisterBenchmark(("VerifyAuthenticationPrepared/" + name).c_str(),
                                 BM_VerifyAuthenticationPrepared, a.alg);
    benchmark::RegisterBenchmark(("CApi/VerifyAuthenticationPrepared/" + name).c_str(),
                                 BM_CApiVerifyAuthenticationPrepared, a.alg);
  }
  for (const Algorithm& a : kAlgorithms) {
    const std::string name = a.name;
    benchmark::RegisterBenchmark(("Floor/Registration/" + name).c_str(), BM_FloorRegistration,
                                 a.alg, false);
    benchmark::RegisterBenchmark(("Floor/Registration/packed/" + name).c_str(),
                                 BM_FloorRegistration, a.alg, true);
    benchmark::RegisterBenchmark(("VerifyRegistration/none/" + name).c_str(),
                                 BM_VerifyRegistration, a.alg, false);
    benchmark::RegisterBenchmark(("VerifyRegistration/packed/" + name).c_str(),
                                 BM_VerifyRegistration, a.alg, true);
  }
  benchmark::RegisterBenchmark("ParseAuthenticatorData", BM_ParseAuthenticatorData);
  benchmark::RegisterBenchmark("ParseCoseKey", BM_ParseCoseKey);
  benchmark::RegisterBenchmark("ParseClientData", BM_ParseClientData);
  benchmark::RegisterBenchmark("ParseAttestationObject", BM_ParseAttestationObject);
  // Thread scaling: wall-clock throughput of the prepared ES256 verify.
  Get(CoseAlgorithm::kEs256);  // build the fixture before threads start
  benchmark::RegisterBenchmark("VerifyAuthenticationPrepared/ES256", BM_VerifyAuthenticationPrepared,
                               CoseAlgorithm::kEs256)
      ->Threads(1)
      ->Threads(2)
      ->UseRealTime();
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
