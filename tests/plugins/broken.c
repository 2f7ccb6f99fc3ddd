/* Deliberately broken plugins, one per way a plugin can be refused (tests/unit/plugin/). The
 * variant is chosen at compile time with -DVARIANT_...; each is built as its own
 * meetlat-test-*.so by tests/plugins/CMakeLists.txt. Written in C: the ABI header must work in
 * plain C99. */
#include <stddef.h>

#include "meetlat/plugin.h"

static void dummy(void* context, const meetlat_value* args, int nargs, meetlat_result* result) {
  (void)context;
  (void)args;
  (void)nargs;
  result->count = 0;
}

static int dummy_submission(void* context, void* state, const char* json, size_t length) {
  (void)context;
  (void)state;
  (void)json;
  (void)length;
  return 0;
}

static int init(const meetlat_host_v1* host) {
#if defined(VARIANT_INIT_FAILS)
  /* Registers first, then fails: nothing it registered may stay. */
  host->register_function(host->host, "kapot", "half", "half geregistreerd", dummy, NULL);
  host->fail(host->host, "geen verbinding met het register");
  return 1;
#elif defined(VARIANT_INIT_FAILS_SILENTLY)
  (void)host;
  return 7;
#elif defined(VARIANT_DUPLICATE_FUNCTION)
  host->register_function(host->host, "dubbel", "naam", "eerste", dummy, NULL);
  host->register_function(host->host, "dubbel", "naam", "tweede", dummy, NULL);
  return 0; /* ignores the return values: the host refuses anyway */
#elif defined(VARIANT_DUPLICATE_FORMAT) || defined(VARIANT_BUILTIN_FORMAT)
  meetlat_report_format f = {0};
#if defined(VARIANT_DUPLICATE_FORMAT)
  f.name = "dubbel";
#else
  f.name = "json";
#endif
  f.description = "een formaat";
  f.submission = dummy_submission;
  if (host->register_format(host->host, &f) != 0) return 1;
  if (host->register_format(host->host, &f) != 0) return 1;
  return 0;
#elif defined(VARIANT_TAKES_NL)
  /* nl.bedrag belongs to the plugin nl. */
  if (host->register_function(host->host, "nl", "bedrag", "kaper", dummy, NULL) != 0) return 1;
  return 0;
#elif defined(VARIANT_RESERVED)
  if (host->register_function(host->host, "money", "mul", "kaper", dummy, NULL) != 0) return 1;
  return 0;
#else
  host->register_function(host->host, "leeg", "niets", "doet niets", dummy, NULL);
  return 0;
#endif
}

static const meetlat_plugin_info info = {
#if defined(VARIANT_BAD_MAGIC)
    0x0123456789ABCDEFULL,
#else
    MEETLAT_PLUGIN_MAGIC,
#endif
#if defined(VARIANT_ABI2)
    2u,
#else
    MEETLAT_PLUGIN_ABI_VERSION,
#endif
#if defined(VARIANT_HOST_TOO_BIG)
    (uint32_t)sizeof(meetlat_host_v1) + 64u,
#else
    (uint32_t)sizeof(meetlat_host_v1),
#endif
    PLUGIN_NAME,
    "0.0.1",
    "een bewust kapotte plugin voor de tests",
#if defined(VARIANT_NO_INIT)
    NULL,
#else
    init,
#endif
};

#if defined(VARIANT_NO_ENTRY)
/* Exports something, but not meetlat_plugin_v1. */
MEETLAT_PLUGIN_EXPORT const meetlat_plugin_info* meetlat_plugin_v0(void) {
  return &info;
}
#elif defined(VARIANT_NULL_INFO)
MEETLAT_PLUGIN_EXPORT const meetlat_plugin_info* meetlat_plugin_v1(void) {
  (void)&info;
  return NULL;
}
#else
MEETLAT_PLUGIN_EXPORT const meetlat_plugin_info* meetlat_plugin_v1(void) {
  return &info;
}
#endif
