// Bounded reading of files: only regular files of limited size reach a parser.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "meetlat/submission.h"

namespace meetlat {

Expected<std::string> read_regular_file(const std::string& path, std::size_t max_bytes) {
  // O_NONBLOCK so that opening a FIFO without a writer does not hang; we refuse it below anyway.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return Error{fmt::format("kan het bestand niet openen ({})", std::strerror(errno))};
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return Error{fmt::format("kan het bestand niet lezen ({})", std::strerror(e))};
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Error{std::string("is een map, geen bestand")};
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error{std::string("is geen gewoon bestand (bijvoorbeeld een pipe of apparaat)")};
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return Error{
        fmt::format("bestand is te groot ({} bytes; de grens is {} bytes)", st.st_size, max_bytes)};
  }
  std::string data;
  // The padding is made part of the string while reading (zeroed) and cut off after, so that it
  // stays behind the contents, within the capacity (kInputPadding).
  const auto size = static_cast<std::size_t>(st.st_size);
  data.resize(size + kInputPadding);
  std::size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, data.data() + got, size - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return Error{fmt::format("leesfout ({})", std::strerror(e))};
    }
    if (n == 0) break;  // the file shrank while reading; use what is there
    got += static_cast<std::size_t>(n);
  }
  data.resize(got);
  // A file that grew past the limit between fstat and read is cut off by the resize above;
  // check for more bytes so that it is refused instead of parsed half.
  char extra = 0;
  ssize_t more = ::read(fd, &extra, 1);
  ::close(fd);
  if (more > 0 && data.size() + 1 > max_bytes) {
    return Error{fmt::format("bestand is te groot (de grens is {} bytes)", max_bytes)};
  }
  return data;
}

std::optional<SubmissionFormat> format_of(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".toml") || ends_with(".TOML")) return SubmissionFormat::toml;
  if (ends_with(".json") || ends_with(".JSON")) return SubmissionFormat::json;
  return std::nullopt;
}

Submission parse_submission(std::string_view text, SubmissionFormat format, std::string name,
                            const ReadLimits& limits, std::size_t readable_after) {
  Submission s;
  s.file = std::move(name);
  s.format = format;
  s.doc.source_name = s.file;
  if (text.size() > limits.max_file_bytes) {
    s.errors.push_back({"", 0, 0,
                        fmt::format("aanvraag is te groot ({} bytes; de grens is {} bytes)",
                                    text.size(), limits.max_file_bytes)});
    return s;
  }
  if (format == SubmissionFormat::toml) {
    detail::read_toml(text, s, limits);
  } else {
    detail::read_json(text, s, limits, readable_after);
  }
  if (s.errors.empty()) validate_submission(s);
  if (format == SubmissionFormat::json) detail::locate_json_errors(text, s.errors);
  // Report problems in the order of the file, as an editor would list them.
  std::stable_sort(s.errors.begin(), s.errors.end(), [](const InputError& a, const InputError& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return s;
}

Submission read_submission(const std::string& path, const ReadLimits& limits) {
  auto format = format_of(path);
  if (!format) {
    Submission s;
    s.file = path;
    s.errors.push_back(
        {"", 0, 0, "onbekend bestandstype: een aanvraag is een .toml- of .json-bestand"});
    return s;
  }
  auto text = read_regular_file(path, limits.max_file_bytes);
  if (!text) {
    Submission s;
    s.file = path;
    s.format = *format;
    s.errors.push_back({"", 0, 0, text.error().message});
    return s;
  }
  return parse_submission(*text, *format, path, limits, text->capacity() - text->size());
}

}  // namespace meetlat
