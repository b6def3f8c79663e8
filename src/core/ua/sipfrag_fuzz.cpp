// Fuzz target: the message/sipfrag status line of a NOTIFY (parse_sipfrag_status) and the Event check.
// Property: a parsed status is 100-699 and re-parses to itself when written back as a status line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/ua/transfer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)sotto::ua::is_refer_event(in);
  auto st = sotto::ua::parse_sipfrag_status(in);
  if (!st) return 0;
  if (st->status < 100 || st->status > 699) std::abort();
  const std::string again = "SIP/2.0 " + std::to_string(st->status) + " " + st->reason + "\r\n";
  auto round = sotto::ua::parse_sipfrag_status(again);
  if (!round || !(*round == *st)) std::abort();
  return 0;
}
