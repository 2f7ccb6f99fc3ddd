// Plugin "proef" for the tests: functions that misbehave in every way the host must survive,
// and formats whose steps fail (tests/unit/plugin/). Loads fine; `meetlat plugins` lists it.
#include <cstring>
#include <stdexcept>
#include <string>

#include "meetlat/plugin.h"

namespace {

const meetlat_host_v1* g_host = nullptr;  // only for the failing format (one test at a time)

void fout(void*, const meetlat_value*, int, meetlat_result* result) {
  result->error = "bewust mis";
}

// A C++ exception must not cross the C boundary: caught here and reported as an error.
void gooit(void*, const meetlat_value*, int, meetlat_result* result) {
  try {
    throw std::runtime_error("iets onverwachts");
  } catch (const std::exception& e) {
    static thread_local char buffer[200];
    std::snprintf(buffer, sizeof buffer, "uitzondering opgevangen: %s", e.what());
    result->error = buffer;
  }
}

void te_veel(void*, const meetlat_value*, int, meetlat_result* result) {
  result->count = MEETLAT_MAX_RESULTS + 1;
}

void rare_soort(void*, const meetlat_value*, int, meetlat_result* result) {
  result->count = 1;
  int bad = 99;  // as a C plugin could store it; no enum cast (out of range in C++)
  static_assert(sizeof bad == sizeof result->values[0].kind);
  std::memcpy(&result->values[0].kind, &bad, sizeof bad);
}

void null_tekst(void*, const meetlat_value*, int, meetlat_result* result) {
  result->count = 1;
  result->values[0].kind = MEETLAT_STRING;
  result->values[0].string = nullptr;
  result->values[0].length = 3;
}

// Returns its arguments (at most 4), so tests can check the conversions both ways.
void echo(void*, const meetlat_value* args, int nargs, meetlat_result* result) {
  int n = nargs < MEETLAT_MAX_RESULTS ? nargs : MEETLAT_MAX_RESULTS;
  for (int i = 0; i < n; ++i) result->values[i] = args[i];
  result->count = n;
}

// A format that counts submissions; "proef-faalt" fails at the second submission.
struct State {
  meetlat_write_fn write;
  void* sink;
  int count;
};

int begin(void*, void** state, meetlat_write_fn write, void* sink) {
  *state = new State{write, sink, 0};
  return write(sink, "begin\n", 6);
}

int submission(void* context, void* state, const char* json, size_t length) {
  auto* s = static_cast<State*>(state);
  ++s->count;
  if (context != nullptr && s->count == 2) {
    g_host->fail(g_host->host, "schijf vol");
    return 1;
  }
  std::string line = "aanvraag " + std::to_string(s->count) + ": " + std::to_string(length) +
                     " bytes, begint met " + std::string(json, 1) + "\n";
  return s->write(s->sink, line.data(), line.size());
}

int end(void*, void* state, const char* packs, size_t length) {
  auto* s = static_cast<State*>(state);
  std::string line = "einde: " + std::string(packs, length) + "\n";
  int rc = s->write(s->sink, line.data(), line.size());
  delete s;
  return rc;
}

int init(const meetlat_host_v1* host) {
  g_host = host;
  struct F {
    const char* name;
    meetlat_function fn;
  };
  const F functions[] = {{"fout", fout},
                         {"gooit", gooit},
                         {"te_veel", te_veel},
                         {"rare_soort", rare_soort},
                         {"null_tekst", null_tekst},
                         {"echo", echo}};
  for (const F& f : functions) {
    if (host->register_function(host->host, "proef", f.name, "voor de tests", f.fn, nullptr) != 0) {
      return 1;
    }
  }
  static int failing = 1;
  meetlat_report_format ok{"proef", "telt aanvragen", nullptr, begin, submission, end};
  meetlat_report_format bad{
      "proef-faalt", "faalt bij de tweede aanvraag", &failing, begin, submission, end};
  if (host->register_format(host->host, &ok) != 0) return 1;
  if (host->register_format(host->host, &bad) != 0) return 1;
  return 0;
}

constexpr meetlat_plugin_info kInfo = {MEETLAT_PLUGIN_MAGIC,
                                       MEETLAT_PLUGIN_ABI_VERSION,
                                       sizeof(meetlat_host_v1),
                                       "proef",
                                       "0.0.1",
                                       "functies en formaten die zich misdragen, voor de tests",
                                       init};

}  // namespace

extern "C" MEETLAT_PLUGIN_EXPORT const meetlat_plugin_info* meetlat_plugin_v1(void) {
  return &kInfo;
}
