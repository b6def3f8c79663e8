#include "io/capture/capture_reader.hpp"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace sotto::capture {

struct CaptureReader::Handle {
  pcap_t* p = nullptr;
  std::uint32_t link_type = 0;
  void* map = nullptr;  // the file mapped read-only (regular files), read through fmemopen
  std::size_t map_len = 0;
  std::FILE* mapped_file = nullptr;  // owned by libpcap; used to find what has been read
  std::size_t released = 0;          // bytes of the mapping handed back to the kernel
  ~Handle() {
    if (p) pcap_close(p);  // closes the FILE first
    if (map) munmap(map, map_len);
  }
};

namespace {

// A regular file is mapped and read through fmemopen: libpcap still parses it (pcap and pcapng), but
// its fread calls become copies from memory instead of a read(2) per buffer; the kernel's copy out of
// the page cache was the largest part of reading a big capture.
std::FILE* open_mapped(const std::string& path, void*& map, std::size_t& len) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
    ::close(fd);
    return nullptr;
  }
  len = static_cast<std::size_t>(st.st_size);
  map = mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) {
    map = nullptr;
    return nullptr;
  }
  madvise(map, len, MADV_SEQUENTIAL);
  std::FILE* f = fmemopen(map, len, "rb");
  if (!f) {
    munmap(map, len);
    map = nullptr;
  }
  return f;
}

}  // namespace

CaptureReader::CaptureReader(std::unique_ptr<Handle> h, std::string path) : h_(std::move(h)), path_(std::move(path)) {}
CaptureReader::CaptureReader(CaptureReader&&) noexcept = default;
CaptureReader& CaptureReader::operator=(CaptureReader&&) noexcept = default;
CaptureReader::~CaptureReader() = default;

Result<CaptureReader> CaptureReader::open(const std::string& path) {
  auto h = std::make_unique<Handle>();
  std::FILE* f = open_mapped(path, h->map, h->map_len);
  h->mapped_file = f;
  if (!f) {
    f = std::fopen(path.c_str(), "rb");  // pipes, devices, empty files
    if (!f) return fail(Errc::io_error, path + ": cannot open: " + std::string(std::strerror(errno)));
    // A large stdio buffer: libpcap reads record by record with fread.
    std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
  }
  char err[PCAP_ERRBUF_SIZE] = {};
  // pcap_fopen_offline takes ownership of f (closed by pcap_close, or on failure).
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
  if (!p) {
    return fail(Errc::io_error, path + ": not a readable pcap or pcapng capture: " + std::string(err));
  }
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
    if (h_->mapped_file && (count_ & 0x3FFF) == 0) {
      // Pages already read are not needed again: keep the resident size small on huge captures.
      long pos = std::ftell(h_->mapped_file);
      constexpr std::size_t kChunk = 64u << 20;
      if (pos > 0 && static_cast<std::size_t>(pos) > h_->released + 2 * kChunk) {
        std::size_t upto = (static_cast<std::size_t>(pos) - kChunk) & ~(std::size_t{4095});
        madvise(static_cast<char*>(h_->map) + h_->released, upto - h_->released, MADV_DONTNEED);
        h_->released = upto;
      }
    }
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
