#pragma once
// BindingRecord: one registrar binding as it is kept on disk (RFC 3261 section 10, RFC 5626 flows,
// RFC 5627 GRUU), so registrations survive a restart. The server maps registrar::Binding to and from it.
//
//   store::BindingRecord b{.user = "alice", .contact = "sips:alice@127.0.0.1:40312", .expires_unix = now + 600};
//   st->put_binding(b);                               // durable when it returns
//   for (const auto& r : *st->list_bindings(now)) restore(r);

#include <cstdint>
#include <string>

#include "store/user_policy.hpp"

namespace sotto::store {

struct BindingRecord {
  std::string user;               // account name (the AOR's user part)
  std::string contact;            // the Contact URI as registered, without the expires parameter
  std::string instance;           // +sip.instance (RFC 5626), empty when none
  std::uint32_t reg_id = 0;       // reg-id (RFC 5626), 0 when none
  Transport transport = Transport::tls;
  std::string source_ip;          // "127.0.0.1", "::1"
  std::uint16_t source_port = 0;
  std::string call_id;            // of the REGISTER
  std::uint32_t cseq = 0;
  std::int64_t expires_unix = 0;  // wall-clock expiry
  std::string pub_gruu;           // RFC 5627 public GRUU, empty when the client did not ask
  bool outbound = false;          // RFC 5626: requests to it go down its flow
  std::string flow;               // the flow it registered over, for people: "tls 127.0.0.1:40312"
  std::int64_t updated_unix = 0;  // when it was last written
  friend bool operator==(const BindingRecord&, const BindingRecord&) = default;
};

// What makes two bindings the same one: with a +sip.instance, the user, instance and reg-id (RFC 5626
// section 6: a REGISTER from the same instance and reg-id replaces the binding whatever its Contact);
// without, the user and the contact URI (RFC 3261 section 10.3 step 7).
std::string binding_key(const BindingRecord& b);
// "127.0.0.1:40312", "[::1]:40312": a binding's source address as logs, records and `sotto registrations` write it.
std::string source_text(const std::string& ip, std::uint16_t port);

}  // namespace sotto::store
