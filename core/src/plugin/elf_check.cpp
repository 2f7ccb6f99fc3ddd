// The first check of a plugin file, before dlopen runs any of its code (house style point 7:
// "plugins checked (magic, platform, ABI version) before any of their code runs"). Reads the ELF
// header and the dynamic symbol table; nothing is executed or mapped.
#include <elf.h>
#include <link.h>  // ElfW(): the ELF types of this platform's word size

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "plugin_internal.h"

namespace meetlat {

namespace {

// A plugin larger than this is not read for the check (and is surely not one of ours).
constexpr std::uintmax_t kMaxPluginBytes = 512ull << 20;

#if defined(__x86_64__)
constexpr int kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr int kHostMachine = EM_AARCH64;
#elif defined(__i386__)
constexpr int kHostMachine = EM_386;
#elif defined(__arm__)
constexpr int kHostMachine = EM_ARM;
#else
constexpr int kHostMachine = -1;  // unknown: the machine is not checked, dlopen will be
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kHostData = ELFDATA2LSB;
#else
constexpr unsigned char kHostData = ELFDATA2MSB;
#endif

constexpr unsigned char kHostClass = sizeof(void*) == 8 ? ELFCLASS64 : ELFCLASS32;

template <class T>
bool read_at(const std::vector<char>& bytes, std::uint64_t offset, T& out) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
  std::memcpy(&out, bytes.data() + offset, sizeof(T));
  return true;
}

}  // namespace

std::optional<std::string> check_plugin_file(const std::filesystem::path& file,
                                             std::string_view entry) {
  std::error_code ec;
  std::uintmax_t size = std::filesystem::file_size(file, ec);
  if (ec) return fmt::format("kan niet worden gelezen: {}", ec.message());
  if (size > kMaxPluginBytes) return std::string("te groot voor een plugin (meer dan 512 MiB)");
  std::vector<char> bytes(static_cast<std::size_t>(size));
  std::ifstream in(file, std::ios::binary);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    return std::string("kan niet worden gelezen");
  }

  ElfW(Ehdr) eh{};
  if (!read_at(bytes, 0, eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return std::string("geen gedeelde bibliotheek (ELF); geen Meetlat-plugin?");
  }
  if (eh.e_ident[EI_CLASS] != kHostClass || eh.e_ident[EI_DATA] != kHostData ||
      (kHostMachine >= 0 && eh.e_machine != kHostMachine)) {
    return fmt::format(
        "gebouwd voor een ander platform (ELF-klasse {}, machine {}; deze meetlat: klasse {}, "
        "machine {})",
        static_cast<int>(eh.e_ident[EI_CLASS]), eh.e_machine, static_cast<int>(kHostClass),
        kHostMachine);
  }
  if (eh.e_type != ET_DYN) {
    return fmt::format("geen gedeelde bibliotheek (ELF-type {}); bouw de plugin met -shared",
                       eh.e_type);
  }

  // The dynamic symbol table: is the entry defined (not merely referenced)?
  if (eh.e_shoff == 0 || eh.e_shnum == 0 || eh.e_shentsize != sizeof(ElfW(Shdr))) {
    return std::nullopt;  // no section headers (stripped hard): dlsym decides after opening
  }
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    ElfW(Shdr) sh{};
    if (!read_at(bytes, eh.e_shoff + std::uint64_t{i} * sizeof(ElfW(Shdr)), sh)) break;
    if (sh.sh_type != SHT_DYNSYM || sh.sh_entsize != sizeof(ElfW(Sym))) continue;
    ElfW(Shdr) strtab{};
    if (sh.sh_link >= eh.e_shnum ||
        !read_at(bytes, eh.e_shoff + std::uint64_t{sh.sh_link} * sizeof(ElfW(Shdr)), strtab)) {
      return std::nullopt;
    }
    std::uint64_t count = sh.sh_size / sizeof(ElfW(Sym));
    for (std::uint64_t k = 0; k < count; ++k) {
      ElfW(Sym) sym{};
      if (!read_at(bytes, sh.sh_offset + k * sizeof(ElfW(Sym)), sym)) break;
      if (sym.st_shndx == SHN_UNDEF || sym.st_name >= strtab.sh_size) continue;
      std::uint64_t at = strtab.sh_offset + sym.st_name;
      if (at >= bytes.size()) continue;
      const char* name = bytes.data() + at;
      std::size_t max = bytes.size() - at;
      std::size_t len = strnlen(name, max);
      if (len == max) continue;
      if (std::string_view(name, len) == entry) return std::nullopt;
    }
    return fmt::format("{} ontbreekt (geen Meetlat-plugin?)", entry);
  }
  return std::nullopt;
}

}  // namespace meetlat
