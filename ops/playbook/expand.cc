#include "ops/playbook/expand.h"

#include <charconv>

namespace kv::playbook {

std::vector<std::string> ReferencedNames(const std::string& text) {
  std::vector<std::string> names;
  for (size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {
    const size_t end = text.find('}', at + 2);
    if (end == std::string::npos) break;
    names.push_back(text.substr(at + 2, end - at - 2));
  }
  return names;
}

Result<std::string> Expand(const std::string& text, const Variables& vars, bool keep_unknown) {
  std::string out;
  size_t from = 0;
  for (size_t at = text.find("${"); at != std::string::npos; at = text.find("${", from)) {
    const size_t end = text.find('}', at + 2);
    if (end == std::string::npos) return Status::InvalidArgument("'${' without '}' in \"" + text + "\"");
    out.append(text, from, at - from);
    const std::string name = text.substr(at + 2, end - at - 2);
    if (auto v = vars.find(name); v != vars.end()) {
      out += v->second;
    } else if (keep_unknown) {
      out.append(text, at, end + 1 - at);
    } else {
      return Status::InvalidArgument("${" + name + "} has no value yet");
    }
    from = end + 1;
  }
  out.append(text, from);
  return out;
}

bool IsPlaygroundBuiltin(const std::string& name) {
  return name == "ns" || name.ends_with(".endpoint") || name.ends_with(".data_dir");
}

Result<std::vector<std::string>> SplitWords(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : line) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) return Status::InvalidArgument(std::string("unclosed ") + quote + " in: " + line);
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::optional<double> ParseNumber(const std::string& text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Result<std::set<int>> ParseExitCodes(const std::string& text) {
  std::set<int> codes;
  size_t from = 0;
  for (;;) {
    const size_t comma = text.find(',', from);
    const std::string code = text.substr(from, comma - from);
    const std::optional<double> n = ParseNumber(code);
    if (!n || *n < 0 || *n > 255 || *n != double(int(*n))) {
      return Status::InvalidArgument("exit: \"" + code + "\" is not an exit code");
    }
    codes.insert(int(*n));
    if (comma == std::string::npos) return codes;
    from = comma + 1;
  }
}

Result<double> ParseSeconds(const std::string& text) {
  double scale = 1;
  std::string number = text;
  if (number.ends_with("ms")) {
    scale = 0.001;
    number.resize(number.size() - 2);
  } else if (number.ends_with("s")) {
    number.resize(number.size() - 1);
  } else if (number.ends_with("m")) {
    scale = 60;
    number.resize(number.size() - 1);
  }
  const std::optional<double> value = ParseNumber(number);
  if (!value || *value < 0) return Status::InvalidArgument("\"" + text + "\" is not a duration (500ms, 10s, 2m)");
  return *value * scale;
}

}  // namespace kv::playbook
