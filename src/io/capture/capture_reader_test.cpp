#include <gtest/gtest.h>

#include <pcap/pcap.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "core/netpkt/testing_frames.hpp"
#include "io/capture/capture_reader.hpp"

namespace sotto::capture {
namespace {

using namespace netpkt::testing;
namespace fs = std::filesystem;

fs::path write_temp(const std::string& name, const Bytes& b) {
  fs::path p = fs::temp_directory_path() / ("sotto_capture_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  return p;
}

std::vector<TimedFrame> three_frames() {
  std::vector<TimedFrame> v;
  for (int i = 0; i < 3; ++i) {
    v.push_back({1'700'000'000'000'000'000 + i * 20'000'000 + 123'000,
                 ip_udp(ep("127.0.0.1", 4000), ep("127.0.0.1", 4002), Bytes(10 + i, static_cast<std::uint8_t>(i)))});
  }
  return v;
}

TEST(CaptureReader, ReadsPcapAndPcapng) {
  for (bool ng : {false, true}) {
    auto frames = three_frames();
    fs::path p = write_temp(ng ? "a.pcapng" : "a.pcap", ng ? pcapng_file(101, frames) : pcap_file(101, frames));
    auto r = CaptureReader::open(p.string());
    ASSERT_TRUE(r) << r.error().message();
    std::size_t n = 0;
    while (auto f = r->next()) {
      ASSERT_LT(n, frames.size());
      EXPECT_EQ(f->number, n + 1);
      EXPECT_EQ(f->time_ns, frames[n].time_ns);
      EXPECT_EQ(Bytes(f->bytes.begin(), f->bytes.end()), frames[n].bytes);
      EXPECT_TRUE(f->link_type == 101 || f->link_type == 12) << f->link_type;
      ++n;
    }
    EXPECT_EQ(n, 3u);
    EXPECT_FALSE(r->stopped());
    fs::remove(p);
  }
}

TEST(CaptureReader, TruncatedFileGivesFramesBeforeTheDamage) {
  Bytes file = pcap_file(1, three_frames());
  file.resize(file.size() - 5);
  fs::path p = write_temp("trunc.pcap", file);
  auto r = CaptureReader::open(p.string());
  ASSERT_TRUE(r);
  int n = 0;
  while (r->next()) ++n;
  EXPECT_EQ(n, 2);
  ASSERT_TRUE(r->stopped());
  EXPECT_NE(r->stopped()->find("stopped after frame 2"), std::string::npos) << *r->stopped();
  EXPECT_NE(r->stopped()->find(p.string()), std::string::npos);
  fs::remove(p);
}

struct Record {
  std::uint32_t sec, frac, caplen, len;
  Bytes data;  // caplen bytes, or fewer to cut the file short
};

// A classic pcap file written field by field, in either byte order and time resolution.
Bytes classic_pcap(bool swapped, bool nanos, std::uint32_t snaplen, const std::vector<Record>& recs, std::size_t cut = 0) {
  Bytes b;
  auto put32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(swapped ? v >> (24 - 8 * i) : v >> (8 * i)));
  };
  auto put16 = [&](std::uint16_t v) {
    for (int i = 0; i < 2; ++i) b.push_back(static_cast<std::uint8_t>(swapped ? v >> (8 - 8 * i) : v >> (8 * i)));
  };
  put32(nanos ? 0xa1b23c4du : 0xa1b2c3d4u);
  put16(2), put16(4), put32(0), put32(0), put32(snaplen), put32(101);
  for (const auto& r : recs) {
    put32(r.sec), put32(r.frac), put32(r.caplen), put32(r.len);
    b.insert(b.end(), r.data.begin(), r.data.end());
  }
  b.resize(b.size() - cut);
  return b;
}

using Seen = std::vector<std::tuple<std::uint64_t, std::int64_t, std::uint32_t, std::uint32_t, Bytes>>;

// What libpcap itself reads from the file, at nanosecond precision, and its error if any.
std::pair<Seen, std::string> read_with_libpcap(const fs::path& p) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pc = pcap_open_offline_with_tstamp_precision(p.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  EXPECT_NE(pc, nullptr) << err;
  if (!pc) return {};
  Seen seen;
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  int rc;
  while ((rc = pcap_next_ex(pc, &h, &d)) == 1) {
    seen.emplace_back(seen.size() + 1, std::int64_t{h->ts.tv_sec} * 1'000'000'000 + h->ts.tv_usec,
                      static_cast<std::uint32_t>(pcap_datalink(pc)), h->len, Bytes(d, d + h->caplen));
  }
  std::string error = rc == PCAP_ERROR ? pcap_geterr(pc) : "";
  pcap_close(pc);
  return {seen, error};
}

// Classic pcap is read straight from the mapped file; it must give frame for frame what libpcap gives,
// in both byte orders and resolutions, and hand the unusual records (longer than the snapshot length,
// cut short) to libpcap with its messages.
TEST(CaptureReader, DirectReadingOfClassicPcapMatchesLibpcap) {
  Bytes small(40, 0x45), big(100, 0x60);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
  struct Case {
    const char* name;
    std::vector<Record> recs;
    std::size_t cut;
    bool error;
  };
  const std::vector<Case> cases = {
      {"plain", {{1'700'000'000, 999'999, 40, 40, small}, {0xFFFFFFF0u, 7, 40, 1500, small}, {5, 0, 0, 0, {}}}, 0, false},
      {"over-snaplen", {{1, 2, 40, 40, small}, {3, 4, 100, 100, big}, {5, 6, 40, 40, small}}, 0, false},
      {"cut-in-data", {{1, 2, 40, 40, small}, {3, 4, 40, 40, small}}, 5, true},
      {"cut-in-header", {{1, 2, 40, 40, small}, {3, 4, 40, 40, small}}, 45, true},
  };
  for (bool swapped : {false, true}) {
    for (bool nanos : {false, true}) {
      for (const auto& c : cases) {
        std::string label = std::string(c.name) + (swapped ? " swapped" : "") + (nanos ? " ns" : " us");
        fs::path p = write_temp("direct.pcap", classic_pcap(swapped, nanos, 64, c.recs, c.cut));
        auto [want, want_error] = read_with_libpcap(p);
        auto r = CaptureReader::open(p.string());
        ASSERT_TRUE(r) << label;
        Seen got;
        while (auto f = r->next()) {
          got.emplace_back(f->number, f->time_ns, f->link_type, f->original_length, Bytes(f->bytes.begin(), f->bytes.end()));
        }
        EXPECT_EQ(got, want) << label;
        EXPECT_EQ(want_error.empty(), !c.error) << label << ": " << want_error;
        if (c.error) {
          ASSERT_TRUE(r->stopped()) << label;
          EXPECT_EQ(*r->stopped(), p.string() + ": stopped after frame " + std::to_string(want.size()) + ": " + want_error);
        } else {
          EXPECT_FALSE(r->stopped()) << label << ": " << *r->stopped();
        }
        fs::remove(p);
      }
    }
  }
}

TEST(CaptureReader, UnreadableInputsNameTheFile) {
  auto missing = CaptureReader::open("/nonexistent/x.pcap");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("/nonexistent/x.pcap: cannot open"), std::string::npos);
  fs::path p = write_temp("junk.pcap", bytes_of("this is not a capture file at all"));
  auto junk = CaptureReader::open(p.string());
  ASSERT_FALSE(junk);
  EXPECT_NE(junk.error().message().find("not a readable pcap or pcapng capture"), std::string::npos);
  fs::remove(p);
}

}  // namespace
}  // namespace sotto::capture
