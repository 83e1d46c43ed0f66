#include "cli/command.h"

#include <cstdio>
#include <exception>
#include <map>

namespace kv::cli {
namespace {
std::string g_tool = "kv";

std::vector<CommandFactory>& Registry() {
  static std::vector<CommandFactory> factories;
  return factories;
}
}  // namespace

bool RegisterCommand(CommandFactory factory) {
  Registry().push_back(factory);
  return true;
}

std::vector<std::unique_ptr<Command>> TakeRegisteredCommands() {
  std::vector<std::unique_ptr<Command>> out;
  for (CommandFactory f : Registry()) out.push_back(f());
  return out;
}

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk: return kExitOk;
    case Status::Code::kInvalidArgument:
    case Status::Code::kNotFound: return kExitUsage;
    default: return kExitFailed;
  }
}

int ReportError(const Status& s) {
  std::fprintf(stderr, "%s: %s\n", g_tool.c_str(), s.message().c_str());
  return ExitCodeFor(s);
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", g_tool.c_str(), message.c_str());
  return kExitUsage;
}

int RunTool(const std::string& tool, const std::string& description,
            std::vector<std::unique_ptr<Command>> commands, int argc, char** argv) {
  g_tool = tool;
  CLI::App app(description, tool);
  app.require_subcommand(1);
  CommonFlags common;
  std::map<std::string, CLI::App*> groups;  // "wal" -> its app, for nested commands
  std::vector<std::pair<CLI::App*, Command*>> leaves;
  for (auto& cmd : commands) {
    CLI::App* parent = &app;
    std::string key;
    const auto path = cmd->Path();
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      key += "/" + path[i];
      auto it = groups.find(key);
      if (it == groups.end()) {
        CLI::App* g = parent->add_subcommand(path[i], path[i] + " commands");
        g->require_subcommand(1);
        it = groups.emplace(key, g).first;
      }
      parent = it->second;
    }
    CLI::App* sub = parent->add_subcommand(path.back(), cmd->Help());
    sub->add_flag("--json", common.json, "one JSON object per line on stdout");
    cmd->AddFlags(sub);
    leaves.emplace_back(sub, cmd.get());
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Every flag belongs to a command, so one before the command name (as in
    // `ops --ns EP showtable`) would otherwise be reported as stray arguments.
    if (argc > 1 && argv[1][0] == '-') {
      std::fprintf(stderr, "%s: %s is an option of a command: put it after the command's name, as in `%s <command> %s ...` "
                           "(see `%s --help`)\n",
                   tool.c_str(), argv[1], tool.c_str(), argv[1], tool.c_str());
      return kExitUsage;
    }
    // One line: what was wrong, and where the help is.
    std::string where = tool;
    for (const CLI::App* a = &app; a != nullptr;) {
      const CLI::App* next = nullptr;
      for (const CLI::App* s : a->get_subcommands()) next = s;
      if (next == nullptr) break;
      where += " " + next->get_name();
      a = next;
    }
    std::fprintf(stderr, "%s: %s (see `%s --help`)\n", tool.c_str(), e.what(), where.c_str());
    return kExitUsage;
  }
  for (auto& [sub, cmd] : leaves) {
    if (!sub->parsed()) continue;
    try {
      return cmd->Run(common);
    } catch (const std::exception& e) {
      // Libraries return Status; an exception here is a bug, reported without a stack trace.
      std::fprintf(stderr, "%s: internal error: %s\n", tool.c_str(), e.what());
      return kExitFailed;
    }
  }
  return UsageError("no command given (see `" + tool + " --help`)");
}

}  // namespace kv::cli
