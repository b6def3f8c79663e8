#include "core/sip/sip_message.hpp"

#include <algorithm>

#include "core/sip/grammar.hpp"

namespace sotto::sip {

SipMessage SipMessage::request(Method method, Uri request_uri) {
  SipMessage m;
  m.is_request_ = true;
  m.method_ = std::move(method);
  m.request_uri_ = std::move(request_uri);
  return m;
}

SipMessage SipMessage::response(int status, std::string reason) {
  SipMessage m;
  m.is_request_ = false;
  m.status_ = status;
  m.reason_ = std::move(reason);
  return m;
}

void SipMessage::set_status(int status, std::string reason) {
  is_request_ = false;
  status_ = status;
  reason_ = std::move(reason);
}

const Header* SipMessage::find(HeaderId id) const noexcept {
  for (const auto& h : headers_) {
    if (h.id == id) return &h;
  }
  return nullptr;
}

const Header* SipMessage::find(std::string_view name) const noexcept {
  const HeaderId id = header_id(name);
  if (id != HeaderId::other) return find(id);
  for (const auto& h : headers_) {
    if (h.id == HeaderId::other && iequals(h.name, name)) return &h;
  }
  return nullptr;
}

std::size_t SipMessage::count(HeaderId id) const noexcept {
  return static_cast<std::size_t>(std::count_if(headers_.begin(), headers_.end(), [id](const Header& h) { return h.id == id; }));
}

std::vector<std::string_view> SipMessage::values(HeaderId id) const {
  std::vector<std::string_view> out;
  for (const auto& h : headers_) {
    if (h.id == id) out.emplace_back(h.value);
  }
  return out;
}

Status SipMessage::add_raw(std::string_view name, std::string_view value) {
  if (!is_token(name)) return fail(Errc::invalid_argument, "header name '" + excerpt(name) + "' is not a token");
  if (value.find_first_of("\r\n") != std::string_view::npos) {
    return fail(Errc::invalid_argument, "header " + std::string(name) + ": value contains CR or LF");
  }
  headers_.push_back(Header{std::string(name), header_id(name), std::string(trim_lws(value))});
  return {};
}

std::size_t SipMessage::remove(HeaderId id) {
  const auto n = std::erase_if(headers_, [id](const Header& h) { return h.id == id; });
  return static_cast<std::size_t>(n);
}

std::size_t SipMessage::remove(std::string_view name) {
  const HeaderId id = header_id(name);
  if (id != HeaderId::other) return remove(id);
  const auto n = std::erase_if(headers_, [name](const Header& h) { return h.id == HeaderId::other && iequals(h.name, name); });
  return static_cast<std::size_t>(n);
}

void SipMessage::set_body(std::string body) {
  body_ = std::move(body);
  for (auto& h : headers_) {
    if (h.id == HeaderId::content_length) h.value = std::to_string(body_.size());
  }
}

void SipMessage::insert_first(Header h) {
  auto it = std::find_if(headers_.begin(), headers_.end(), [&](const Header& x) { return x.id == h.id; });
  headers_.insert(it, std::move(h));
}

void SipMessage::replace_all(Header h) {
  auto it = std::find_if(headers_.begin(), headers_.end(), [&](const Header& x) { return x.id == h.id; });
  if (it == headers_.end()) {
    headers_.push_back(std::move(h));
    return;
  }
  const HeaderId id = h.id;
  *it = std::move(h);
  const auto first = static_cast<std::size_t>(it - headers_.begin());
  std::size_t out = first + 1;
  for (std::size_t i = first + 1; i < headers_.size(); ++i) {
    if (headers_[i].id != id) {
      if (out != i) headers_[out] = std::move(headers_[i]);
      ++out;
    }
  }
  headers_.resize(out);
}

}  // namespace sotto::sip
