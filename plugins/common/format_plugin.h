// Glue between the C format steps of plugin.h (begin, submission, end) and a C++ writer class:
// parses the JSON the host hands over, collects the output in a string and passes it to the
// host's write function. No C++ exception crosses the C boundary: every step catches and reports
// through host->fail(). The `context` of a registered format is the host table given to init,
// so that a plugin loaded by two plugin sets in one process reports to the right one.
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "meetlat/plugin.h"
#include "report_model.h"

namespace meetlat_plugins {

/// A report format: each method appends to `out` what the host should write.
class FormatWriter {
 public:
  virtual ~FormatWriter() = default;
  virtual void begin(std::string& out) = 0;
  virtual void submission(const SubmissionData& s, std::string& out) = 0;
  virtual void end(const std::vector<PackData>& packs, std::string& out) = 0;
};

namespace detail {

struct FormatState {
  meetlat_write_fn write = nullptr;
  void* sink = nullptr;
  std::unique_ptr<FormatWriter> writer;
  std::string buffer;
};

inline int fail(void* context, const std::string& message) {
  const auto* host = static_cast<const meetlat_host_v1*>(context);
  host->fail(host->host, message.c_str());
  return 1;
}

inline int flush(void* context, FormatState& s) {
  if (s.buffer.empty()) return 0;
  int rc = s.write(s.sink, s.buffer.data(), s.buffer.size());
  s.buffer.clear();
  if (rc != 0) return fail(context, "het rapport kon niet worden geschreven");
  return 0;
}

template <class W>
int begin_step(void* context, void** state, meetlat_write_fn write, void* sink) {
  try {
    auto s = std::make_unique<FormatState>();
    s->write = write;
    s->sink = sink;
    s->writer = std::make_unique<W>();
    s->writer->begin(s->buffer);
    int rc = flush(context, *s);
    *state = s.release();
    return rc;
  } catch (const std::exception& e) {
    return fail(context, std::string("interne fout: ") + e.what());
  }
}

inline int submission_step(void* context, void* state, const char* json, std::size_t length) {
  try {
    auto& s = *static_cast<FormatState*>(state);
    SubmissionData data;
    std::string error;
    if (!parse_submission(json, length, data, error)) return fail(context, error);
    s.writer->submission(data, s.buffer);
    return flush(context, s);
  } catch (const std::exception& e) {
    return fail(context, std::string("interne fout: ") + e.what());
  }
}

inline int end_step(void* context, void* state, const char* json, std::size_t length) {
  std::unique_ptr<FormatState> s(static_cast<FormatState*>(state));  // freed whatever happens
  try {
    std::vector<PackData> packs;
    std::string error;
    if (!parse_packs(json, length, packs, error)) return fail(context, error);
    s->writer->end(packs, s->buffer);
    return flush(context, *s);
  } catch (const std::exception& e) {
    return fail(context, std::string("interne fout: ") + e.what());
  }
}

}  // namespace detail

/// Registers writer W as format `name`; 0 on success (as host->register_format).
template <class W>
int register_format(const meetlat_host_v1* host, const char* name, const char* description) {
  meetlat_report_format f{};
  f.name = name;
  f.description = description;
  f.context = const_cast<meetlat_host_v1*>(host);  // NOLINT: C API takes void*
  f.begin = detail::begin_step<W>;
  f.submission = detail::submission_step;
  f.end = detail::end_step;
  return host->register_format(host->host, &f);
}

}  // namespace meetlat_plugins
