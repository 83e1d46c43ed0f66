#include "cli/parse_flags.h"

#include <cstdio>

#include "cli/command.h"

namespace kv::cli {

std::optional<int> ParseFlagsOrExit(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string& name = app.get_name();
    std::fprintf(stderr, "%s: %s (see `%s --help`)\n", name.c_str(), e.what(), name.c_str());
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace kv::cli
