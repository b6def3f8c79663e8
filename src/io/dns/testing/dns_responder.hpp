#pragma once
// DnsResponder (tests only): a tiny authoritative DNS server on 127.0.0.1, answering from a table.
//
//   testing::DnsResponder dns(io);   // UDP, ephemeral port; dns.server() == "127.0.0.1:40123"
//   dns.add(locate::SrvRecord{"_sip._udp.example.test", 10, 0, 5060, "sip.example.test"});
//   dns.set_silent(true);            // drop queries, to test timeouts; dns.queries() lists what came in

#include <arpa/inet.h>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/locate/dns_name.hpp"
#include "core/locate/dns_record.hpp"

namespace sotto::io::dns::testing {

class DnsResponder {
 public:
  explicit DnsResponder(asio::io_context& io)
      : socket_(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    receive();
  }

  std::uint16_t port() const { return socket_.local_endpoint().port(); }
  std::string server() const { return "127.0.0.1:" + std::to_string(port()); }
  void add(locate::DnsRecord r) { records_.push_back(std::move(r)); }
  void set_silent(bool silent) { silent_ = silent; }
  // Answer `query` ("SRV _sip._udp.example.test") with this RCODE (2 SERVFAIL, 5 REFUSED) and no records.
  void set_rcode(const std::string& query, std::uint8_t rcode) { rcodes_[query] = rcode; }
  const std::vector<std::string>& queries() const { return queries_; }

 private:
  using Bytes = std::vector<std::uint8_t>;

  void receive() {
    socket_.async_receive_from(asio::buffer(buf_), from_, [this](const std::error_code& ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) answer(Bytes(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n)));
      receive();
    });
  }

  static void put16(Bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v & 0xff));
  }
  static void put_name(Bytes& out, std::string_view name) {   // RFC 1035 3.1, uncompressed
    while (!name.empty() && name != ".") {
      const auto dot = name.find('.');
      const auto label = name.substr(0, dot);
      out.push_back(static_cast<std::uint8_t>(label.size()));
      out.insert(out.end(), label.begin(), label.end());
      name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    }
    out.push_back(0);
  }
  static void put_string(Bytes& out, std::string_view s) {   // <character-string>
    out.push_back(static_cast<std::uint8_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }

  // RDATA for `r` if it answers (type, name).
  static std::optional<Bytes> rdata(const locate::DnsRecord& r, std::uint16_t type, const std::string& name) {
    Bytes out;
    if (auto* n = std::get_if<locate::NaptrRecord>(&r)) {   // RFC 3403 4.1
      if (type != 35 || !locate::same_dns_name(n->name, name)) return std::nullopt;
      put16(out, n->order);
      put16(out, n->preference);
      put_string(out, n->flags);
      put_string(out, n->services);
      put_string(out, n->regexp);
      put_name(out, n->replacement);
      return out;
    }
    if (auto* s = std::get_if<locate::SrvRecord>(&r)) {   // RFC 2782
      if (type != 33 || !locate::same_dns_name(s->name, name)) return std::nullopt;
      put16(out, s->priority);
      put16(out, s->weight);
      put16(out, s->port);
      put_name(out, s->target);
      return out;
    }
    const auto& a = std::get<locate::AddressRecord>(r);
    const bool v6 = a.address.find(':') != std::string::npos;
    if (type != (v6 ? 28 : 1) || !locate::same_dns_name(a.name, name)) return std::nullopt;
    out.resize(v6 ? 16 : 4);
    inet_pton(v6 ? AF_INET6 : AF_INET, a.address.c_str(), out.data());
    return out;
  }

  static const std::string& owner(const locate::DnsRecord& r) {
    return std::visit([](const auto& rec) -> const std::string& { return rec.name; }, r);
  }

  void answer(const Bytes& q) {
    // Header (12 bytes), then QNAME QTYPE QCLASS (RFC 1035 4.1.1, 4.1.2).
    if (q.size() < 12 || (q[4] << 8 | q[5]) != 1) return;
    std::size_t pos = 12;
    std::string name;
    while (pos < q.size() && q[pos] != 0) {
      const std::size_t len = q[pos];
      if (len > 63 || pos + 1 + len > q.size()) return;
      if (!name.empty()) name += '.';
      name.append(reinterpret_cast<const char*>(&q[pos + 1]), len);
      pos += 1 + len;
    }
    if (pos + 5 > q.size()) return;
    const auto type = static_cast<std::uint16_t>(q[pos + 1] << 8 | q[pos + 2]);
    const std::size_t question_end = pos + 5;
    const std::string type_name(locate::to_string(static_cast<locate::RecordType>(type)));
    const std::string key = type_name + " " + locate::normalize_dns_name(name);
    queries_.push_back(key);
    if (silent_) return;

    std::uint8_t rcode = 0;
    std::vector<Bytes> answers;
    if (auto it = rcodes_.find(key); it != rcodes_.end()) {
      rcode = it->second;
    } else {
      bool name_exists = false;
      for (const auto& r : records_) {
        name_exists = name_exists || locate::same_dns_name(owner(r), name);
        if (auto data = rdata(r, type, name)) answers.push_back(std::move(*data));
      }
      if (!name_exists) rcode = 3;   // NXDOMAIN
    }

    Bytes out(q.begin(), q.begin() + 2);                        // ID
    out.push_back(static_cast<std::uint8_t>(0x84 | (q[2] & 0x01)));   // QR, AA, RD copied
    out.push_back(static_cast<std::uint8_t>(0x80 | rcode));          // RA, RCODE
    put16(out, 1);
    put16(out, static_cast<std::uint16_t>(answers.size()));
    put16(out, 0);
    put16(out, 0);
    out.insert(out.end(), q.begin() + 12, q.begin() + static_cast<std::ptrdiff_t>(question_end));
    for (const Bytes& data : answers) {
      put16(out, 0xC00C);   // owner: pointer to the question's name
      put16(out, type);
      put16(out, 1);        // IN
      put16(out, 0);
      put16(out, 300);      // TTL
      put16(out, static_cast<std::uint16_t>(data.size()));
      out.insert(out.end(), data.begin(), data.end());
    }
    socket_.send_to(asio::buffer(out), from_);
  }

  asio::ip::udp::socket socket_;
  std::array<std::uint8_t, 1500> buf_{};
  asio::ip::udp::endpoint from_;
  std::vector<locate::DnsRecord> records_;
  std::map<std::string, std::uint8_t> rcodes_;
  std::vector<std::string> queries_;
  bool silent_ = false;
};

}  // namespace sotto::io::dns::testing
