#pragma once
// The TOML parser behind parse_config, shared by its source files: server_config.cpp (the top-level keys,
// [records]), server_config_trunk.cpp ([[trunk]]), server_config_text.cpp (the value checks, to_toml).
// Not for use outside src/config: use parse_config and to_toml.
//
//   detail::Parser p("sotto.toml", options);
//   p.top(root, out);                      // every problem goes to p.errors(), in file order

#include <algorithm>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <toml++/toml.h>
#include <utility>
#include <vector>

#include "config/server_config.hpp"

namespace sotto::config::detail {

std::string join(std::span<const std::string_view> names);  // "a, b, c"
std::string_view type_name(const toml::node& n);             // "a string", "an array", ...
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// TOML text for to_toml: a basic string with escapes, an array of them, one [[trunk]] section.
std::string quoted(std::string_view s);
std::string array(const std::vector<std::string>& v);
std::string trunk_toml(const TrunkConfig& t);

// One parse: the file name, and every problem found so far.
class Parser {
 public:
  Parser(std::string_view file, const ParseOptions& o) : file_(file), options_(o) {}

  void error(const toml::source_region& where, const std::string& what) {
    errors_.push_back({where.begin.line, where.begin.column,
                       std::string(file_) + ":" + std::to_string(where.begin.line) + ":" +
                           std::to_string(where.begin.column) + ": " + what});
  }
  // In file order (toml++ iterates a table's keys sorted by name).
  std::vector<std::string> errors() const {
    auto sorted = errors_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Problem& a, const Problem& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    std::vector<std::string> out;
    for (auto& p : sorted) out.push_back(std::move(p.text));
    return out;
  }

  std::optional<std::string> string(const toml::node& n, std::string_view key, std::string_view expected) {
    if (const auto* s = n.as_string()) return s->get();
    error(n.source(), std::string(key) + ": expected " + std::string(expected) + ", got " + std::string(type_name(n)));
    return std::nullopt;
  }

  // A string with a check; the error names the key, what the check expects and the value.
  std::optional<std::string> checked(const toml::node& n, std::string_view key, std::string_view expected,
                                     const std::function<Status(std::string_view)>& check) {
    auto s = string(n, key, expected);
    if (!s) return std::nullopt;
    if (auto st = check(*s); !st) {
      error(n.source(), std::string(key) + ": " + st.error().context);
      return std::nullopt;
    }
    return s;
  }

  // A string or an array of strings (a comma list in a string is split as the flags are).
  std::optional<std::vector<std::string>> list(const toml::node& n, std::string_view key, std::string_view expected,
                                               const std::function<Status(std::string_view)>& check) {
    std::vector<std::pair<std::string, const toml::node*>> items;
    auto split_into = [&](const std::string& s, const toml::node* where) {
      std::size_t start = 0;
      while (true) {
        const auto comma = s.find(',', start);
        std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        part.erase(0, part.find_first_not_of(" \t"));
        part.erase(part.find_last_not_of(" \t") + 1);
        items.emplace_back(part, where);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    };
    if (const auto* s = n.as_string()) {
      split_into(s->get(), &n);
    } else if (const auto* a = n.as_array()) {
      for (const auto& el : *a) {
        if (const auto* es = el.as_string()) {
          split_into(es->get(), &el);
        } else {
          error(el.source(), std::string(key) + ": expected " + std::string(expected) + ", got " +
                                 std::string(type_name(el)) + " in the array");
          return std::nullopt;
        }
      }
      if (a->empty()) {
        error(n.source(), std::string(key) + ": expected " + std::string(expected) + ", got an empty array");
        return std::nullopt;
      }
    } else {
      error(n.source(), std::string(key) + ": expected " + std::string(expected) + ", got " + std::string(type_name(n)));
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (auto& [item, where] : items) {
      if (item.empty()) {
        error(where->source(), std::string(key) + ": empty entry (expected " + std::string(expected) + ")");
        ok = false;
        continue;
      }
      if (auto st = check(item); !st) {
        error(where->source(), std::string(key) + ": " + st.error().context);
        ok = false;
        continue;
      }
      out.push_back(std::move(item));
    }
    if (!ok) return std::nullopt;
    return out;
  }

  void trunk(const toml::table& t, ServerConfig& out);
  void records(const toml::node& n, ServerConfig& out);
  void top(const toml::table& root, ServerConfig& out);

 private:
  struct Problem {
    toml::source_index line, column;
    std::string text;
  };
  std::string_view file_;
  const ParseOptions& options_;
  std::vector<Problem> errors_;
};

}  // namespace sotto::config::detail
