#include "io/capture/capture_reader.hpp"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace sotto::capture {

struct CaptureReader::Handle {
  pcap_t* p = nullptr;
  std::uint32_t link_type = 0;
  ~Handle() {
    if (p) pcap_close(p);
  }
};

CaptureReader::CaptureReader(std::unique_ptr<Handle> h, std::string path) : h_(std::move(h)), path_(std::move(path)) {}
CaptureReader::CaptureReader(CaptureReader&&) noexcept = default;
CaptureReader& CaptureReader::operator=(CaptureReader&&) noexcept = default;
CaptureReader::~CaptureReader() = default;

Result<CaptureReader> CaptureReader::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return fail(Errc::io_error, path + ": cannot open: " + std::string(std::strerror(errno)));
  // A large stdio buffer: libpcap reads record by record with fread.
  std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
  char err[PCAP_ERRBUF_SIZE] = {};
  // pcap_fopen_offline takes ownership of f (closed by pcap_close, or on failure).
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
  if (!p) {
    return fail(Errc::io_error, path + ": not a readable pcap or pcapng capture: " + std::string(err));
  }
  auto h = std::make_unique<Handle>();
  h->p = p;
  h->link_type = static_cast<std::uint32_t>(pcap_datalink(p));
  return CaptureReader(std::move(h), path);
}

std::optional<Frame> CaptureReader::next() {
  if (!h_ || !h_->p || stopped_) return std::nullopt;
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(h_->p, &hdr, &data);
  if (rc == 1) {
    ++count_;
    Frame f;
    f.number = count_;
    f.time_ns = static_cast<std::int64_t>(hdr->ts.tv_sec) * 1'000'000'000 + static_cast<std::int64_t>(hdr->ts.tv_usec);
    // pcapng may change link type per interface; libpcap reports the current one.
    f.link_type = static_cast<std::uint32_t>(pcap_datalink(h_->p));
    f.original_length = hdr->len;
    f.bytes = std::span<const std::uint8_t>(data, hdr->caplen);
    return f;
  }
  if (rc == PCAP_ERROR) {
    stopped_ = path_ + ": stopped after frame " + std::to_string(count_) + ": " + pcap_geterr(h_->p);
  }
  return std::nullopt;  // PCAP_ERROR_BREAK: end of file
}

}  // namespace sotto::capture
