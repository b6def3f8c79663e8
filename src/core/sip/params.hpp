#pragma once
// Params: an ordered list of `name[=value]` parameters with case-insensitive names, used for
// uri-parameters (RFC 3261 19.1.1), header params (tag, expires, q) and Via params.
//
//   Params p;  p.set("branch", "z9hG4bK776");  p.set("rport");   // ";branch=z9hG4bK776;rport"
//   if (auto b = p.get("BRANCH")) use(*b);                      // names compare case-insensitively
//   bool lr = p.has("lr");                                       // flag parameter, no value
//
// Order and spelling are preserved so a message can be forwarded unchanged. In a Uri the names and
// values are stored percent-decoded; in header params the value is stored as written (a quoted-string
// value keeps its quotes: use unquoted() to read it).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace sotto::sip {

struct Param {
  std::string name;
  std::optional<std::string> value;  // std::nullopt: flag parameter (";lr"), "" cannot be parsed
  friend bool operator==(const Param&, const Param&) = default;
};

class Params {
 public:
  bool has(std::string_view name) const noexcept { return find(name) != nullptr; }
  // The value of `name`; nullopt if absent or a flag. Use has() to tell those apart.
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  const Param* find(std::string_view name) const noexcept;
  // Replaces the first parameter called `name` (keeping its position) or appends one.
  void set(std::string_view name, std::optional<std::string_view> value = std::nullopt);
  void add(std::string name, std::optional<std::string> value = std::nullopt);
  bool remove(std::string_view name);

  const std::vector<Param>& items() const noexcept { return items_; }
  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  auto begin() const noexcept { return items_.begin(); }
  auto end() const noexcept { return items_.end(); }

  friend bool operator==(const Params&, const Params&) = default;

 private:
  std::vector<Param> items_;
};

// *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ], gen-value = token / host / quoted-string
// (RFC 3261 25.1). `s` must start at the first ';' (or be empty). SEMI and EQUAL allow whitespace around.
// `what` names the header for error contexts ("Via", "From").
Result<Params> parse_generic_params(std::string_view s, std::string_view what);
// ";name=value" for each parameter, values written as stored.
void append_generic_params(std::string& out, const Params& params);

// The content of a quoted-string value without quotes and escapes; other values unchanged.
std::string unquoted(std::string_view value);

}  // namespace sotto::sip
