#include "cli_io.h"

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
  nlohmann::ordered_json error = nlohmann::ordered_json::object();
  error["code"] = std::string(ErrorCodeName(code));
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

}  // namespace passkey::cli
