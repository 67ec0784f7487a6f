// Runs every shared conformance vector (the *.json files of
// SharedVectorsDir(): $PASSKEY_VECTORS_DIR, else ../shared/vectors) as its
// own test case, plus a summary of pass/fail/skip counts.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"
#include "vector_runner.h"

namespace passkey::test {
namespace {

using Kind = VectorOutcome::Kind;

// VectorCase: one vector with its id and a unique gtest-safe name.
struct VectorCase {
  std::string name;
  std::string id;
  nlohmann::json vector;
};

// PrintTo: gtest prints the parameter of a failing test; show the id, not
// the whole JSON.
void PrintTo(const VectorCase& vector_case, std::ostream* os) {
  *os << vector_case.id;
}

// ConfiguredVectorsDir: where SharedVectorsDir() looks, for messages.
std::string ConfiguredVectorsDir() {
  const char* env = std::getenv("PASSKEY_VECTORS_DIR");
  return env != nullptr && *env != '\0' ? env : PASSKEY_SHARED_VECTORS_DIR;
}

std::string VectorId(const nlohmann::json& vector) {
  const auto it = vector.find("id");
  if (it == vector.end() || !it->is_string()) return "unnamed";
  return it->get<std::string>();
}


// VectorFiles: the *.json files directly in `dir`, sorted (the trust anchor
// index lives in a subdirectory and is not a vector file).
std::vector<std::string> VectorFiles(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".json") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// LoadAllVectors: every vector of every file; empty when the directory is
// missing.
std::vector<VectorCase> LoadAllVectors() {
  std::vector<VectorCase> cases;
  const std::optional<std::string> dir = SharedVectorsDir();
  if (!dir.has_value()) return cases;
  std::set<std::string> taken;
  for (const std::string& file : VectorFiles(*dir)) {
    for (nlohmann::json& vector : LoadVectors(file)) {
      std::string id = VectorId(vector);
      std::string name = UniqueTestName(id, &taken);
      cases.push_back({std::move(name), std::move(id), std::move(vector)});
    }
  }
  return cases;
}

const std::vector<VectorCase>& Vectors() {
  static const auto& cases = *new std::vector<VectorCase>(LoadAllVectors());
  return cases;
}

class ConformanceTest : public testing::TestWithParam<VectorCase> {};

TEST_P(ConformanceTest, MatchesExpectation) {
  const VectorOutcome outcome = RunVector(GetParam().vector);
  if (outcome.kind == Kind::kSkip) {
    GTEST_SKIP() << outcome.detail;
  }
  if (outcome.kind == Kind::kFail) {
    ADD_FAILURE() << GetParam().id << ": " << outcome.detail;
  }
  if (outcome.kind == Kind::kPass && !outcome.detail.empty()) {
    std::cout << GetParam().id << ": " << outcome.detail << "\n";
  }
}

std::string CaseName(const testing::TestParamInfo<VectorCase>& case_info) {
  return case_info.param.name;
}

INSTANTIATE_TEST_SUITE_P(SharedVectors, ConformanceTest,
                         testing::ValuesIn(Vectors()), CaseName);
// Without the shared vectors there is nothing to instantiate;
// ConformanceSummaryTest.PrintsCounts reports that as a skip.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ConformanceTest);

// Prints total/pass/fail/skip (skips by reason). Failures are reported by
// the per-vector tests, not here.
TEST(ConformanceSummaryTest, PrintsCounts) {
  if (!SharedVectorsDir().has_value()) {
    GTEST_SKIP() << "shared vectors not found at " << ConfiguredVectorsDir()
                 << "; set PASSKEY_VECTORS_DIR";
  }
  ASSERT_FALSE(Vectors().empty())
      << "no vector files in " << ConfiguredVectorsDir();
  int passed = 0;
  int skipped = 0;
  std::vector<std::string> deviations;
  std::vector<std::string> failed;
  std::map<std::string, int> skips_by_reason;
  for (const VectorCase& vector_case : Vectors()) {
    const VectorOutcome outcome = RunVector(vector_case.vector);
    switch (outcome.kind) {
      case Kind::kPass:
        ++passed;
        if (!outcome.detail.empty()) deviations.push_back(vector_case.id + ": " + outcome.detail);
        break;
      case Kind::kSkip:
        ++skipped;
        ++skips_by_reason[outcome.detail];
        break;
      case Kind::kFail:
        failed.push_back(vector_case.id);
        break;
    }
  }
  std::cout << "conformance vectors: " << Vectors().size() << " total, "
            << passed << " pass, " << failed.size() << " fail, " << skipped
            << " skip\n";
  for (const auto& [reason, count] : skips_by_reason) {
    std::cout << "  skip " << count << ": " << reason << "\n";
  }
  for (const std::string& deviation : deviations) std::cout << "  " << deviation << "\n";
  for (const std::string& id : failed) std::cout << "  fail: " << id << "\n";
}

}  // namespace
}  // namespace passkey::test
