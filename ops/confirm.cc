#include "ops/confirm.h"

#include <algorithm>
#include <cctype>

namespace kv::ops {

Result<bool> Confirm(const std::string& question, FILE* in, FILE* err) {
  std::fprintf(err, "%s [y/N] ", question.c_str());
  std::fflush(err);
  std::string line;
  int c;
  bool got_any = false;
  while ((c = std::fgetc(in)) != EOF) {
    got_any = true;
    if (c == '\n') break;
    line.push_back(static_cast<char>(std::tolower(c)));
  }
  if (!got_any) {
    std::fprintf(err, "\n");
    return Status::InvalidArgument("no answer on stdin: pass --yes to go ahead without asking");
  }
  line.erase(std::remove_if(line.begin(), line.end(), [](unsigned char ch) { return std::isspace(ch); }), line.end());
  return line == "y" || line == "yes";
}

}  // namespace kv::ops
