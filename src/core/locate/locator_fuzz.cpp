// Fuzz target: the Locator fed arbitrary DNS answers. Properties: it finishes within max_queries + 1 steps,
// never asks the same query twice, every target has a valid address and a port, and a sips: URI only ever
// yields TLS targets.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "core/locate/locator.hpp"
#include "core/sip/host.hpp"

using namespace sotto;
using namespace sotto::locate;

namespace {

struct Bytes {
  const std::uint8_t* p;
  std::size_t n;
  std::uint8_t next() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  std::uint16_t next16() { return static_cast<std::uint16_t>(next() << 8 | next()); }
};

const char* const kNames[] = {"example.com", "_sips._tcp.example.com", "_sip._tcp.example.com",
                              "_sip._udp.example.com", "a.example.com", "b.example.com", ".", ""};
const char* const kServices[] = {"SIP+D2U", "SIP+D2T", "SIPS+D2T", "sips+d2t", "SIP+D2S", "E2U+sip"};
const char* const kFlags[] = {"s", "S", "a", "", "u"};
const char* const kAddresses[] = {"192.0.2.1", "2001:db8::1", "not-an-ip", "::1", "127.0.0.1", ""};
const char* const kUris[] = {"sip:bob@example.com", "sips:bob@example.com", "sip:bob@example.com:5080",
                             "sip:bob@example.com;transport=tcp", "sips:bob@192.0.2.1", "sip:[::1]"};

DnsRecord make_record(Bytes& in, const DnsQuery& q) {
  const std::string name = in.next() % 4 ? q.name : kNames[in.next() % 8];
  switch (in.next() % 3) {
    case 0:
      return NaptrRecord{name, in.next16(), in.next16(), kFlags[in.next() % 5], kServices[in.next() % 6],
                         in.next() % 8 ? "" : "!x!y!", kNames[in.next() % 8]};
    case 1:
      return SrvRecord{name, in.next16(), in.next16(), in.next16(), kNames[in.next() % 8]};
    default:
      return AddressRecord{name, kAddresses[in.next() % 6]};
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in{data, size};
  const sip::Uri uri = *sip::parse_uri(kUris[in.next() % 6]);
  const auto mode = static_cast<TransportMode>(in.next() % 5);
  LocatorOptions options;
  options.families = static_cast<AddressFamilies>(in.next() % 4);
  options.max_queries = 1 + in.next() % 16;
  options.timeout_is_fatal = in.next() % 2;
  Locator locator(seeded_uniform_random(in.next16()), options);

  auto step = locator.start(uri, mode);
  std::set<std::string> asked;
  std::size_t steps = 0;
  while (step && std::holds_alternative<DnsQuery>(*step)) {
    const DnsQuery q = std::get<DnsQuery>(*step);
    if (!asked.insert(to_string(q)).second) std::abort();
    if (++steps > options.max_queries) std::abort();
    const std::uint8_t kind = in.next();
    if (kind % 4 == 0) {
      step = locator.on_failure(static_cast<DnsFailure>(in.next() % 4));
      continue;
    }
    std::vector<DnsRecord> answer;
    for (int i = 0, count = kind % 6; i < count; ++i) answer.push_back(make_record(in, q));
    step = locator.on_answer(answer);
  }
  if (!step) return 0;
  for (const Target& t : std::get<std::vector<Target>>(*step)) {
    if (!sip::is_ipv4_address(t.address) && !sip::is_ipv6_address(t.address)) std::abort();
    if (t.port == 0) std::abort();
    if (uri.scheme == sip::UriScheme::sips && t.transport != Transport::tls) std::abort();
  }
  return 0;
}
