#pragma once
// CaptureReader: the frames of a pcap or pcapng file (libpcap), in file order, numbered from 1.
//
//   auto r = CaptureReader::open("call.pcapng");          // error names the file and what is wrong
//   while (auto f = r->next()) analyse(f->number, f->time_ns, f->link_type, f->bytes);
//   if (r->stopped()) warn(*r->stopped());                // "stopped after frame 41: truncated dump file..."
//
// A damaged file yields the frames before the damage; stopped() then says where and why.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "base/result.hpp"

namespace sotto::capture {

struct Frame {
  std::uint64_t number = 0;        // 1-based, as Wireshark counts
  std::int64_t time_ns = 0;        // since the Unix epoch
  std::uint32_t link_type = 0;     // LINKTYPE_* (pcap-linktype(7))
  std::uint32_t original_length = 0;
  std::span<const std::uint8_t> bytes;  // valid until the next call to next()
};

class CaptureReader {
 public:
  // Errc::io_error naming the file: missing, unreadable, not a pcap/pcapng file.
  static Result<CaptureReader> open(const std::string& path);
  CaptureReader(CaptureReader&&) noexcept;
  CaptureReader& operator=(CaptureReader&&) noexcept;
  ~CaptureReader();

  std::optional<Frame> next();
  // Set when reading ended before the end of the file.
  const std::optional<std::string>& stopped() const noexcept { return stopped_; }
  std::uint64_t frames() const noexcept { return count_; }

 private:
  struct Handle;
  explicit CaptureReader(std::unique_ptr<Handle> h, std::string path);
  std::unique_ptr<Handle> h_;
  std::string path_;
  std::uint64_t count_ = 0;
  std::optional<std::string> stopped_;
};

}  // namespace sotto::capture
