/*
 * Meetlat native plugin ABI, version 1.
 *
 * The one header a plugin includes (house style, point 7; DuckDB's extension loading for the
 * ideas). A plugin is a shared library that exports ONE symbol:
 *
 *     MEETLAT_PLUGIN_EXPORT const meetlat_plugin_info* meetlat_plugin_v1(void);
 *
 * The engine loads the library with RTLD_NOW | RTLD_LOCAL, finds that symbol and checks the
 * returned info (magic, ABI version, size of the host table it expects) BEFORE calling any other
 * code of the plugin. Only then does it call `init` with a versioned table of host functions; the
 * plugin registers what it offers through that table and returns 0, or returns non-zero after
 * reporting why through host->fail(). A plugin built for another ABI version, without the symbol,
 * whose init fails or that registers a name twice is refused with a message naming the file and
 * the symbol; nothing it registered stays.
 *
 * Plugins offer two kinds of things:
 *   (a) functions rules can call, under the plugin's namespace: nl.iban_geldig("NL91ABNA...")
 *   (b) report formats: meetlat check --format html
 *
 * Values cross the boundary as meetlat_value (nil, boolean, integer, number, string). Strings
 * passed to a plugin are valid until it returns; strings it returns (values and result->error)
 * must stay valid until the function returns to the host, which copies them at once: static or
 * thread-local storage is the usual choice (functions run on several threads). A plugin function
 * that fails reports a message through result->error; the calling rule then gets outcome `error`
 * (never a crash, never a pass). The host also turns a malformed result (count out of range, an
 * unknown kind, a NULL string with a length) into `error`.
 *
 * What the host cannot contain: a C++ exception must never leave a plugin function (catch
 * everything at the boundary and report it through result->error), and a plugin that crashes
 * (segmentation fault, abort) takes the whole meetlat process down with it. Plugins run in the
 * engine's process; only trusted plugins belong on the search path (docs/plugins.md).
 *
 * Names: namespaces and function names are lower-case Lua identifiers ([a-z_][a-z0-9_]*) and a
 * namespace may not be a name of the rule API itself (money, string, pass, ...); format names are
 * [a-z0-9_-]+ and may not be text, json or json-compact. Two plugins may not register the same
 * ns.name or format, nor have the same info->name.
 *
 * Everything here is plain C99 so that a plugin can be written in C or in C++ (or anything that
 * speaks the C ABI), and built without any other header of the engine.
 */
#ifndef MEETLAT_PLUGIN_H
#define MEETLAT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MEETLAT_PLUGIN_ABI_VERSION 1u
/* "MEETLAT\0" as a little-endian 64-bit number: catches a symbol of the right name pointing at
 * something else. */
#define MEETLAT_PLUGIN_MAGIC 0x0054414C5445454DULL
#define MEETLAT_PLUGIN_ENTRY "meetlat_plugin_v1"

#if defined(__GNUC__)
#define MEETLAT_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define MEETLAT_PLUGIN_EXPORT
#endif

typedef enum meetlat_value_kind {
  MEETLAT_NIL = 0,
  MEETLAT_BOOLEAN = 1,
  MEETLAT_INTEGER = 2, /* 64-bit; money is an integer number of cents */
  MEETLAT_NUMBER = 3,  /* double */
  MEETLAT_STRING = 4   /* UTF-8, with length */
} meetlat_value_kind;

typedef struct meetlat_value {
  meetlat_value_kind kind;
  int boolean;
  int64_t integer;
  double number;
  const char* string;
  size_t length;
} meetlat_value;

/* What a plugin function hands back: up to 4 values, or an error message. */
#define MEETLAT_MAX_RESULTS 4
typedef struct meetlat_result {
  meetlat_value values[MEETLAT_MAX_RESULTS];
  int count;         /* number of values set in `values` */
  const char* error; /* non-NULL: the call failed; a Dutch message, copied by the host */
} meetlat_result;

/* A function rules can call. `args` holds `nargs` values; fill `result`. `context` is the
 * pointer given at registration. Must not keep pointers to `args` after returning. Must be safe
 * to call from several threads at once (the engine evaluates with several workers). */
typedef void (*meetlat_function)(void* context, const meetlat_value* args, int nargs,
                                 meetlat_result* result);

/* A report format writes one document to `out` (through `write`), in three steps: begin, one
 * call per submission with its report as the JSON object of interfaces.md (`submissions[i]`,
 * compact, UTF-8), and end with the JSON array of packs used. JSON is the stable, documented
 * shape of a report, so a format plugin needs no engine types. Return 0 on success.
 *
 * The three steps run on one thread, in order. After a successful begin, end is called exactly
 * once, also after a failed submission step (no further submission is then passed) or when the
 * batch stops early (then with "[]"): end frees the state. When begin fails, neither is called,
 * so begin frees what it allocated. A format must be deterministic (no clock, no random): its
 * output is compared with golden files. `write` returns non-zero when the output cannot be
 * written; the step should then fail. */
typedef int (*meetlat_write_fn)(void* sink, const char* bytes, size_t length);
typedef struct meetlat_report_format {
  const char* name;        /* --format NAME, e.g. "html" */
  const char* description; /* one line, Dutch, for `meetlat plugins` */
  void* context;
  /* Each returns 0 on success; non-zero after writing an error through host->fail(). */
  int (*begin)(void* context, void** state, meetlat_write_fn write, void* sink);
  int (*submission)(void* context, void* state, const char* report_json, size_t length);
  int (*end)(void* context, void* state, const char* packs_json, size_t length);
} meetlat_report_format;

/* Functions the host offers to a plugin during init. Versioned: the plugin says which version it
 * was built against (info->host_api_version) and the host refuses versions it does not know.
 * New functions are only ever appended. */
typedef struct meetlat_host_v1 {
  uint32_t abi_version; /* MEETLAT_PLUGIN_ABI_VERSION of the host */
  uint32_t size;        /* sizeof(meetlat_host_v1) as the host knows it */
  void* host;           /* opaque; pass back as the first argument */
  /* Registers nspace.name for rules. Returns 0, or non-zero when the name is taken. */
  int (*register_function)(void* host, const char* nspace, const char* name,
                           const char* description, meetlat_function fn, void* context);
  /* Registers a report format. Returns 0, or non-zero when the name is taken. */
  int (*register_format)(void* host, const meetlat_report_format* format);
  /* Says why init (or a format step) failed; the host adds the file and the symbol. The table
   * stays valid as long as the plugin is loaded, so a format may call fail() in its steps: pass
   * the table as the format's `context` (one process may load a plugin into several hosts, and
   * dlopen gives them all the same instance of its globals). */
  void (*fail)(void* host, const char* message);
  /* The engine version, e.g. "0.1.0". */
  const char* engine_version;
} meetlat_host_v1;

typedef struct meetlat_plugin_info {
  uint64_t magic;          /* MEETLAT_PLUGIN_MAGIC */
  uint32_t abi_version;    /* MEETLAT_PLUGIN_ABI_VERSION the plugin was built against */
  uint32_t host_api_size;  /* sizeof(meetlat_host_v1) the plugin was built against */
  const char* name;        /* e.g. "nl"; also the namespace of its functions by convention */
  const char* version;     /* the plugin's own version */
  const char* description; /* one line, Dutch */
  /* Registers everything; returns 0, or non-zero after host->fail(). */
  int (*init)(const meetlat_host_v1* host);
} meetlat_plugin_info;

typedef const meetlat_plugin_info* (*meetlat_plugin_entry)(void);

#ifdef __cplusplus
}
#endif

#endif /* MEETLAT_PLUGIN_H */
