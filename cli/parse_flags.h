// The flag parsing of a program with one command line and no subcommands (the
// benchmarks; the servers have the same shape): what RunTool does for the tools.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>

namespace kv::cli {

// Parses argv into app. nullopt: go on. Otherwise the exit code to end with:
// 0 after --help (printed), 2 after one line on stderr naming the bad flag and
// the help to read ("<program>: <what> (see `<program> --help`)").
std::optional<int> ParseFlagsOrExit(CLI::App& app, int argc, char** argv);

}  // namespace kv::cli
