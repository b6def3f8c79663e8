#pragma once
// B2buaEvent: what the B2BUA reports to the server: a call arriving, answered, transferred, ended (with
// its record).
//
//   while (auto ev = b2bua.poll_event())              // drain events before transmits:
//     if (ev->kind == B2buaEvent::Kind::call_ended) store.write(ev->record);
//   while (auto t = b2bua.poll_transmit()) io.send(*t);   // held back until the record was polled

#include <cstdint>

#include "core/b2bua/call_record.hpp"

namespace sotto::b2bua {

// A B2BUA-local call number (not the SIP Call-ID). 0 is never used.
using CallHandle = std::uint64_t;

struct B2buaEvent {
  enum class Kind : std::uint8_t {
    call_started,   // the caller was authenticated and the callee's bindings are being called
    call_answered,  // 2xx from a callee, both legs' media set on the relay
    call_transferred,  // a transfer target took a side over; record.legs ends with its leg (transfer_target)
    call_ended,     // final: `record` is complete; transmits produced after it are held until it is polled
  };
  Kind kind = Kind::call_started;
  CallHandle call = 0;
  CallRecord record;  // as far as known at this point
};

}  // namespace sotto::b2bua
