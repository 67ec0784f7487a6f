#include "cli_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace passkey::cli {

ReadStatus ReadCapped(std::FILE* file, std::size_t cap, std::string* out) {
  out->clear();
  char buffer[16384];
  for (;;) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, file);
    if (n > 0) {
      if (out->size() + n > cap) {
        return ReadStatus::kTooLarge;
      }
      out->append(buffer, n);
    }
    if (n < sizeof buffer) {
      if (std::ferror(file) != 0) {
        return ReadStatus::kIoError;
      }
      if (std::feof(file) != 0) {
        return ReadStatus::kOk;
      }
    }
  }
}

ReadStatus ReadPathCapped(const std::string& path, std::FILE* stdin_file, std::size_t cap,
                          std::string* out, std::string* why) {
  if (path == "-") {
    ReadStatus status = ReadCapped(stdin_file, cap, out);
    if (status == ReadStatus::kIoError) {
      *why = "cannot read standard input";
    }
    return status;
  }
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    *why = "cannot open '" + path + "': " + std::strerror(errno);
    return ReadStatus::kIoError;
  }
  errno = 0;
  ReadStatus status = ReadCapped(file.get(), cap, out);
  if (status == ReadStatus::kIoError) {
    const int saved = errno;
    *why = "cannot read '" + path + "'";
    if (saved != 0) {
      *why += ": ";
      *why += std::strerror(saved);
    }
  }
  return status;
}

std::string ErrorJson(ErrorCode code, std::string_view message) {
  return ErrorJson(ErrorCodeName(code), message);
}

std::string ErrorJson(std::string_view code_name, std::string_view message) {
  nlohmann::ordered_json error = nlohmann::ordered_json::object();
  error["code"] = std::string(code_name);
  error["message"] = std::string(message);
  nlohmann::ordered_json root = nlohmann::ordered_json::object();
  root["error"] = std::move(error);
  return root.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool WriteLine(std::FILE* out, std::string_view text) {
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), out) != text.size()) {
    return false;
  }
  if (std::fputc('\n', out) == EOF) {
    return false;
  }
  return std::fflush(out) == 0;
}

int CommandIo::Usage(std::string_view message) const {
  Note(message);
  WriteLine(err, "Try '" + name + " --help'.");
  return kExitUsage;
}

void CommandIo::Note(std::string_view message) const {
  std::string line = name;
  line += ": ";
  line += message;
  WriteLine(err, line);
}

int CommandIo::Print(std::string_view text, int code) const {
  errno = 0;
  if (WriteLine(out, text)) return code;
  const int saved = errno;
  std::string why = "cannot write to standard output";
  if (saved != 0) {
    why += ": ";
    why += std::strerror(saved);
  }
  Note(why);
  return kExitOutput;
}

int CommandIo::Succeed(std::string_view text) const { return Print(text, kExitOk); }

int CommandIo::Reject(ErrorCode code, std::string_view message) const {
  return Print(ErrorJson(code, message), kExitRejected);
}

int CommandIo::Reject(const Error& error) const { return Reject(error.code, error.message); }

int CommandIo::Help(std::string_view text) const {
  // The help texts end with a newline; Print adds one.
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return Print(text, kExitOk);
}

ReadStatus CommandIo::Read(const std::string& path, std::string_view what, std::size_t cap,
                           std::string* text, std::string* why) const {
  if (path == "-" && ::isatty(::fileno(in)) == 1) {
    Note("waiting for " + std::string(what) +
         " on standard input (a terminal): paste it, then press Ctrl-D");
  }
  return ReadPathCapped(path, in, cap, text, why);
}

}  // namespace passkey::cli
