// Runs every vector of testdata/generated/*.json (written by
// tools/gen_testdata) as its own test case. Unlike the shared vectors, this
// is our own data: a negative must fail with exactly its `expect.code`, and a
// skipped vector is a failure.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"
#include "vector_runner.h"

namespace passkey::test {
namespace {

using Kind = VectorOutcome::Kind;

// The files the generator writes; each must exist and hold vectors.
constexpr std::string_view kGeneratedFiles[] = {
    "registration.json", "authentication.json", "registration_negative.json",
    "authentication_negative.json", "malformed.json"};

struct GeneratedVector {
  std::string name;  // gtest-safe, unique
  std::string id;
  nlohmann::json vector;
};

void PrintTo(const GeneratedVector& generated, std::ostream* os) {
  *os << generated.id;
}

std::string GeneratedDir() { return TestdataPath("generated"); }

std::vector<std::string> GeneratedFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(GeneratedDir(), ec)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".json") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// TestName: "passkey/reg/neg-rp-id-mismatch" -> "reg_neg_rp_id_mismatch".
std::string TestName(std::string_view id, std::set<std::string>* taken) {
  constexpr std::string_view kPrefix = "passkey/";
  if (id.starts_with(kPrefix)) id.remove_prefix(kPrefix.size());
  return UniqueTestName(id, taken);
}

std::vector<GeneratedVector> AllGeneratedVectors() {
  std::vector<GeneratedVector> out;
  std::set<std::string> taken;
  for (const std::string& file : GeneratedFiles()) {
    for (nlohmann::json& vector : LoadVectors(file)) {
      std::string id = "unnamed";
      if (const auto it = vector.find("id");
          it != vector.end() && it->is_string()) {
        id = it->get<std::string>();
      }
      out.push_back({TestName(id, &taken), id, std::move(vector)});
    }
  }
  return out;
}

TEST(GeneratedVectorsTest, EveryGeneratedFileIsPresent) {
  for (std::string_view file : kGeneratedFiles) {
    const std::string path = GeneratedDir() + "/" + std::string(file);
    const std::vector<nlohmann::json> vectors = LoadVectors(path);
    ASSERT_FALSE(vectors.empty()) << path;
    EXPECT_FALSE(vectors.front().contains("loadError"))
        << path << ": " << vectors.front().dump();
  }
}

class GeneratedVectorTest : public ::testing::TestWithParam<GeneratedVector> {};

TEST_P(GeneratedVectorTest, MatchesExpectation) {
  const nlohmann::json& vector = GetParam().vector;
  // Our negatives name the exact code; check the data before the library.
  const auto expect = vector.find("expect");
  ASSERT_NE(expect, vector.end()) << "vector has no expect";
  if (expect->value("ok", true) == false) {
    const auto code = expect->find("code");
    ASSERT_TRUE(code != expect->end() && code->is_string())
        << "negative vector without expect.code";
    ErrorCode parsed{};
    EXPECT_TRUE(ErrorCodeFromName(code->get<std::string>(), &parsed))
        << "unknown error code " << *code;
  }

  const VectorOutcome outcome = RunVector(vector);
  EXPECT_EQ(outcome.kind, Kind::kPass)
      << (outcome.kind == Kind::kSkip ? "skipped (not allowed for generated "
                                        "data): "
                                      : "failed: ")
      << outcome.detail;
}

INSTANTIATE_TEST_SUITE_P(
    Generated, GeneratedVectorTest, ::testing::ValuesIn(AllGeneratedVectors()),
    [](const ::testing::TestParamInfo<GeneratedVector>& param_info) {
      return param_info.param.name;
    });

}  // namespace
}  // namespace passkey::test
