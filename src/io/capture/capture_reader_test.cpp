#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

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
