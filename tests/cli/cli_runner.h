// Runs the built `passkey` binary (PASSKEY_CLI_PATH, defined per test
// target) in a temporary directory: the base fixture of the CLI tests.
#ifndef PASSKEY_TESTS_CLI_RUNNER_H_
#define PASSKEY_TESTS_CLI_RUNNER_H_

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern char** environ;

#ifndef PASSKEY_CLI_PATH
#define PASSKEY_CLI_PATH ""
#endif

namespace passkey::test {

struct RunResult {
  int exit_code = -1;  // -1: did not exit normally (signal)
  std::string out;
  std::string err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class CliRunnerTest : public ::testing::Test {
 protected:
  explicit CliRunnerTest(std::string temp_prefix) : temp_prefix_(std::move(temp_prefix)) {}

  void SetUp() override {
    if (std::string(PASSKEY_CLI_PATH).empty()) {
      GTEST_SKIP() << "the passkey CLI is not built (PASSKEY_BUILD_TOOLS=OFF)";
    }
    std::string tmpl =
        (std::filesystem::temp_directory_path() / (temp_prefix_ + ".XXXXXX")).string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }

  // WriteFile writes `content` to a file in the test's temporary directory
  // and returns its path.
  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Run executes the CLI with `args`, feeding `input` on stdin.
  RunResult Run(const std::vector<std::string>& args, const std::string& input = "") {
    return RunTo(args, input, dir_ + "/stdout");
  }

  // RunTo is Run with stdout opened on `stdout_path` (e.g. /dev/full).
  RunResult RunTo(const std::vector<std::string>& args, const std::string& input,
                  const std::string& stdout_path) {
    const std::string in_path = WriteFile("stdin", input);
    const pid_t pid = Spawn(args, in_path, O_RDONLY, stdout_path);
    return pid > 0 ? Wait(pid, stdout_path) : RunResult{};
  }

  // Spawn starts the CLI with `args`, stdin opened on `stdin_path` with
  // `stdin_flags`, stdout on `stdout_path` and stderr on StderrPath().
  // Returns the process ID, or -1 (with a test failure).
  pid_t Spawn(const std::vector<std::string>& args, const std::string& stdin_path,
              int stdin_flags, const std::string& stdout_path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), stdin_flags, 0);
    posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, StderrPath().c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> argv_strings = {PASSKEY_CLI_PATH};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : argv_strings) {
      argv.push_back(s.data());
    }
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, PASSKEY_CLI_PATH, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      ADD_FAILURE() << "posix_spawn failed: " << rc;
      return -1;
    }
    return pid;
  }

  // Wait waits for `pid` and collects its exit code, stdout (read back from
  // `stdout_path` when it is a regular file) and stderr.
  RunResult Wait(pid_t pid, const std::string& stdout_path) {
    RunResult result;
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) {
      ADD_FAILURE() << "waitpid failed";
      return result;
    }
    if (WIFEXITED(status)) {
      result.exit_code = WEXITSTATUS(status);
    }
    if (std::filesystem::is_regular_file(stdout_path)) result.out = Slurp(stdout_path);
    result.err = Slurp(StderrPath());
    return result;
  }

  std::string StderrPath() const { return dir_ + "/stderr"; }

  std::string temp_prefix_;
  std::string dir_;
};

}  // namespace passkey::test

#endif  // PASSKEY_TESTS_CLI_RUNNER_H_
