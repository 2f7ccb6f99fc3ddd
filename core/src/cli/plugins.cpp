// `meetlat plugins`: lists the plugins found on the search path, what each offers (functions for
// rules, report formats) and every file that was refused, with the reason. Exit status 0 when
// every plugin loaded, 1 when one was refused (docs/plugins.md).
#include <algorithm>
#include <cstdio>

#include "cli.h"

namespace meetlat::cli {

namespace {
struct PluginsOptions {
  std::vector<std::string> plugin_path;
};

std::size_t width_of(const std::string& s) {
  // Display width of UTF-8 text: count the bytes that start a character.
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void print_column(const std::string& left, std::size_t width, const std::string& right) {
  std::printf("    %s", left.c_str());
  for (std::size_t w = width_of(left); w < width + 2; ++w) std::fputc(' ', stdout);
  std::printf("%s\n", right.c_str());
}
}  // namespace

void add_plugins(CLI::App& app, Action& action) {
  auto o = std::make_shared<PluginsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plugins", "Toon de gevonden plugins: functies voor regels, rapportformaten en weigeringen");
  cmd->add_option("--plugin-path", o->plugin_path,
                  "Extra map met plugins (voor MEETLAT_PLUGIN_PATH en de ingebouwde plugins)");
  cmd->callback([o, &action]() {
    action = [o]() -> int {
      auto dirs = plugin_search_path(o->plugin_path);
      PluginSet set;
      set.load_dirs(dirs);
      std::printf("Zoekpad (bestanden %s*%s):\n", std::string(kPluginPrefix).c_str(),
                  std::string(kPluginSuffix).c_str());
      for (const auto& d : dirs) std::printf("  %s\n", d.string().c_str());
      for (const PluginInfo& p : set.plugins()) {
        std::printf("\n%s %s — %s\n", p.name.c_str(), p.version.c_str(), p.description.c_str());
        std::printf("  bestand: %s\n", p.file.c_str());
        std::size_t width = 0;
        for (const auto& f : p.functions) width = std::max(width, width_of(f.ns + "." + f.name));
        for (const auto& f : p.formats) width = std::max(width, width_of(f.name));
        if (!p.functions.empty()) {
          std::printf("  functies voor regels:\n");
          for (const auto& f : p.functions) print_column(f.ns + "." + f.name, width, f.description);
        }
        if (!p.formats.empty()) {
          std::printf("  rapportformaten (meetlat check --format NAAM):\n");
          for (const auto& f : p.formats) print_column(f.name, width, f.description);
        }
      }
      for (const std::string& s : set.shadowed()) {
        std::printf(
            "\nOvergeslagen: %s (een plugin met dezelfde bestandsnaam staat eerder op "
            "het zoekpad)\n",
            s.c_str());
      }
      if (!set.refusals().empty()) {
        std::printf("\nGeweigerd:\n");
        for (const PluginRefusal& r : set.refusals()) std::printf("  %s\n", r.message.c_str());
      }
      std::printf("\n%zu %s geladen, %zu geweigerd\n", set.plugins().size(),
                  set.plugins().size() == 1 ? "plugin" : "plugins", set.refusals().size());
      return set.refusals().empty() ? 0 : 1;
    };
  });
}

}  // namespace meetlat::cli
