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
  // Classic pcap files (version 2.4) are read straight from the mapping, without copies; `direct`
  // is then the offset of the next record. Anything unusual hands the rest to libpcap.
  bool direct = false;
  std::size_t offset = 0;
  bool swapped = false, nanoseconds = false;
  std::uint32_t snapshot = 0, link = 0;
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

std::uint32_t load32(const unsigned char* p, bool swapped) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return swapped ? __builtin_bswap32(v) : v;
}

// A classic pcap file of version 2.4 (the header libpcap has already accepted): its records can be
// walked in the mapping. pcapng and the old or modified variants stay with libpcap.
void setup_direct(CaptureReader::Handle& h) {
  if (!h.map || h.map_len < 24) return;
  const auto* m = static_cast<const unsigned char*>(h.map);
  std::uint32_t magic = load32(m, false);
  bool swapped = false, nanos = false;
  if (magic == 0xa1b2c3d4u) {
  } else if (magic == 0xa1b23c4du) {
    nanos = true;
  } else if (magic == 0xd4c3b2a1u) {
    swapped = true;
  } else if (magic == 0x4d3cb2a1u) {
    swapped = nanos = true;
  } else {
    return;
  }
  std::uint16_t major, minor;
  std::memcpy(&major, m + 4, 2);
  std::memcpy(&minor, m + 6, 2);
  if (swapped) {
    major = __builtin_bswap16(major);
    minor = __builtin_bswap16(minor);
  }
  if (major != 2 || minor != 4 || std::ftell(h.mapped_file) != 24) return;
  int snap = pcap_snapshot(h.p);
  if (snap <= 0) return;
  h.direct = true;
  h.offset = 24;
  h.swapped = swapped;
  h.nanoseconds = nanos;
  h.snapshot = static_cast<std::uint32_t>(snap);
  h.link = static_cast<std::uint32_t>(pcap_datalink(h.p));
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
  if (h->mapped_file) setup_direct(*h);
  return CaptureReader(std::move(h), path);
}

void CaptureReader::release_read_pages(std::size_t pos) {
  // Pages already read are not needed again: keep the resident size small on huge captures.
  constexpr std::size_t kChunk = 64u << 20;
  if (pos > h_->released + 2 * kChunk) {
    std::size_t upto = (pos - kChunk) & ~(std::size_t{4095});
    madvise(static_cast<char*>(h_->map) + h_->released, upto - h_->released, MADV_DONTNEED);
    h_->released = upto;
  }
}

std::optional<Frame> CaptureReader::next() {
  if (!h_ || !h_->p || stopped_) return std::nullopt;
  if (h_->direct) {
    Handle& h = *h_;
    const auto* rec = static_cast<const unsigned char*>(h.map) + h.offset;
    std::size_t left = h.map_len - h.offset;
    std::uint32_t caplen = left >= 16 ? load32(rec + 8, h.swapped) : 0;
    if (left >= 16 && caplen <= h.snapshot && caplen <= left - 16) {
      ++count_;
      if ((count_ & 0x3FFF) == 0) release_read_pages(h.offset);
      // As libpcap gives them: microseconds scaled to nanoseconds; the 32-bit fields are signed in
      // the host's byte order and unsigned once swapped (what libpcap's byte swapping yields).
      std::uint32_t sec_raw = load32(rec, h.swapped), frac_raw = load32(rec + 4, h.swapped);
      std::int64_t sec = h.swapped ? std::int64_t{sec_raw} : std::int64_t{static_cast<std::int32_t>(sec_raw)};
      std::int64_t frac = h.swapped ? std::int64_t{frac_raw} : std::int64_t{static_cast<std::int32_t>(frac_raw)};
      Frame f;
      f.number = count_;
      f.time_ns = sec * 1'000'000'000 + frac * (h.nanoseconds ? 1 : 1000);
      f.link_type = h.link;
      f.original_length = load32(rec + 12, h.swapped);
      f.bytes = std::span<const std::uint8_t>(rec + 16, caplen);
      h.offset += 16 + std::size_t{caplen};
      return f;
    }
    // End of file, a truncated record or one libpcap treats specially (longer than the snapshot
    // length): libpcap reads on from this record and says what is wrong, as it would have.
    h.direct = false;
    if (std::fseek(h.mapped_file, static_cast<long>(h.offset), SEEK_SET) != 0) {
      stopped_ = path_ + ": stopped after frame " + std::to_string(count_) + ": cannot seek";
      return std::nullopt;
    }
  }
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(h_->p, &hdr, &data);
  if (rc == 1) {
    ++count_;
    if (h_->mapped_file && (count_ & 0x3FFF) == 0) {
      long pos = std::ftell(h_->mapped_file);
      if (pos > 0) release_read_pages(static_cast<std::size_t>(pos));
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
