#pragma once
// SipMessage: a SIP request or response (RFC 3261 7): start line, ordered header list, body bytes.
//
//   auto msg = parse_message(datagram);                       // message_parser.hpp
//   if (msg && msg->is_request() && msg->method() == MethodId::invite) { auto cseq = msg->header(hdr::cseq); }
//   SipMessage r = SipMessage::response(180, "Ringing");  r.add(hdr::call_id, std::string("a84b4c76e66710"));
//
// Header values are stored as text and parsed on access, so what is read is always what will be written,
// and headers this layer does not know survive untouched. A regular value type: copyable, ==-comparable.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/sip/header.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/method.hpp"
#include "core/sip/uri.hpp"

namespace sotto::sip {

class SipMessage {
 public:
  SipMessage() = default;
  static SipMessage request(Method method, Uri request_uri);
  static SipMessage response(int status, std::string reason);

  // Start line. Request-Line = Method SP Request-URI SP SIP-Version; Status-Line = SIP-Version SP
  // Status-Code SP Reason-Phrase. The version is always SIP/2.0 (anything else is rejected with 505).
  bool is_request() const noexcept { return is_request_; }
  bool is_response() const noexcept { return !is_request_; }
  const Method& method() const noexcept { return method_; }  // requests only
  const Uri& request_uri() const noexcept { return request_uri_; }
  int status() const noexcept { return status_; }             // responses only, 100-699
  const std::string& reason() const noexcept { return reason_; }
  void set_method(Method m) { method_ = std::move(m); }
  void set_request_uri(Uri u) { request_uri_ = std::move(u); }
  void set_status(int status, std::string reason);

  // Raw header list in message order.
  const std::vector<Header>& headers() const noexcept { return headers_; }
  std::vector<Header>& headers() noexcept { return headers_; }
  const Header* find(HeaderId id) const noexcept;
  const Header* find(std::string_view name) const noexcept;  // by name, compact forms included
  std::size_t count(HeaderId id) const noexcept;
  std::vector<std::string_view> values(HeaderId id) const;
  // Appends a header as text; rejects names that are not tokens and values containing CR or LF.
  Status add_raw(std::string_view name, std::string_view value);
  std::size_t remove(HeaderId id);
  std::size_t remove(std::string_view name);

  // Typed access: the first value of a header, or all of them (Errc::not_found if absent).
  template <class F>
  Result<typename F::value_type> header(F) const {
    const Header* h = find(F::id);
    if (!h) return fail(Errc::not_found, std::string(canonical_name(F::id)) + ": missing");
    return F::parse(h->value);
  }
  template <class F>
  Result<std::vector<typename F::value_type>> all(F) const {
    std::vector<typename F::value_type> out;
    for (const auto& h : headers_) {
      if (h.id != F::id) continue;
      auto v = F::parse(h.value);
      if (!v) return Unexpected(v.error());
      out.push_back(std::move(*v));
    }
    return out;
  }
  template <class F>
  void add(F, const typename F::value_type& v) {
    headers_.push_back(Header{std::string(canonical_name(F::id)), F::id, F::write(v)});
  }
  // Inserts before the first header of the same kind (a proxy adding its Via, RFC 3261 16.6 step 8).
  template <class F>
  void push_front(F, const typename F::value_type& v) {
    insert_first(Header{std::string(canonical_name(F::id)), F::id, F::write(v)});
  }
  // Replaces every header of this kind with one value, at the position of the first.
  template <class F>
  void set(F, const typename F::value_type& v) {
    replace_all(Header{std::string(canonical_name(F::id)), F::id, F::write(v)});
  }

  const std::string& body() const noexcept { return body_; }
  // Also rewrites a stored Content-Length to the new size (serialize() recomputes it anyway).
  void set_body(std::string body);

  friend bool operator==(const SipMessage&, const SipMessage&) = default;

 private:
  void insert_first(Header h);
  void replace_all(Header h);

  bool is_request_ = true;
  Method method_;
  Uri request_uri_;
  int status_ = 0;
  std::string reason_;
  std::vector<Header> headers_;
  std::string body_;
};

}  // namespace sotto::sip
