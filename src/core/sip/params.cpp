#include "core/sip/params.hpp"

#include "core/sip/grammar.hpp"

namespace sotto::sip {

const Param* Params::find(std::string_view name) const noexcept {
  for (const auto& p : items_) {
    if (iequals(p.name, name)) return &p;
  }
  return nullptr;
}

std::optional<std::string_view> Params::get(std::string_view name) const noexcept {
  const Param* p = find(name);
  if (!p || !p->value) return std::nullopt;
  return std::string_view(*p->value);
}

void Params::set(std::string_view name, std::optional<std::string_view> value) {
  for (auto& p : items_) {
    if (iequals(p.name, name)) {
      p.value = value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
      return;
    }
  }
  items_.push_back(Param{std::string(name), value ? std::optional<std::string>(std::string(*value)) : std::nullopt});
}

void Params::add(std::string name, std::optional<std::string> value) {
  items_.push_back(Param{std::move(name), std::move(value)});
}

bool Params::remove(std::string_view name) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (iequals(it->name, name)) {
      items_.erase(it);
      return true;
    }
  }
  return false;
}

namespace {

// gen-value = token / host / quoted-string. A host may be an IPv6 reference "[...]", so '[' ']' ':' are
// accepted besides token characters.
bool is_gen_value_char(char c) noexcept { return is_token_char(c) || c == '[' || c == ']' || c == ':'; }

}  // namespace

Result<Params> parse_generic_params(std::string_view s, std::string_view what) {
  Params out;
  const std::string w(what);
  std::size_t i = 0;
  auto skip_ws = [&] {
    while (i < s.size() && is_wsp(s[i])) ++i;
  };
  skip_ws();
  while (i < s.size()) {
    if (s[i] != ';') return fail(Errc::malformed_input, w + ": expected ';' before '" + excerpt(s.substr(i)) + "'");
    ++i;
    skip_ws();
    const std::size_t name_len = token_length(s.substr(i));
    if (name_len == 0) return fail(Errc::malformed_input, w + ": empty or invalid parameter name");
    std::string name(s.substr(i, name_len));
    i += name_len;
    skip_ws();
    std::optional<std::string> value;
    if (i < s.size() && s[i] == '=') {
      ++i;
      skip_ws();
      if (i < s.size() && s[i] == '"') {
        auto q = scan_quoted_string(s.substr(i), nullptr);
        if (!q) return fail(Errc::malformed_input, w + ": parameter " + name + ": " + q.error().context);
        value = std::string(s.substr(i, *q));
        i += *q;
      } else {
        std::size_t n = 0;
        while (i + n < s.size() && is_gen_value_char(s[i + n])) ++n;
        if (n == 0) return fail(Errc::malformed_input, w + ": parameter " + name + " has an empty value");
        value = std::string(s.substr(i, n));
        i += n;
      }
      skip_ws();
    }
    out.add(std::move(name), std::move(value));
  }
  return out;
}

void append_generic_params(std::string& out, const Params& params) {
  for (const auto& p : params) {
    out.push_back(';');
    out += p.name;
    if (p.value) {
      out.push_back('=');
      out += *p.value;
    }
  }
}

std::string unquoted(std::string_view value) {
  if (value.size() >= 2 && value.front() == '"') {
    std::string text;
    if (scan_quoted_string(value, &text)) return text;
  }
  return std::string(value);
}

}  // namespace sotto::sip
