#include "audit/html_report.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sotto::audit {
namespace {

using nlohmann::json;

json sample() {
  std::ifstream in(std::string(SOTTO_SOURCE_DIR) + "/tests/audit/sample_report.json");
  EXPECT_TRUE(in) << "tests/audit/sample_report.json";
  return json::parse(in);
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + needle.size())) ++n;
  return n;
}

// Every string anywhere in `j` replaced by `f(old)`.
void map_strings(json& j, const std::function<std::string(const std::string&)>& f) {
  if (j.is_string()) j = f(j.get<std::string>());
  else if (j.is_structured())
    for (auto& v : j) map_strings(v, f);
}

// A structural check of the page: every tag is one the renderer writes, every attribute one it uses,
// every attribute value double-quoted. Text from the capture can then only ever be text.
::testing::AssertionResult only_known_markup(const std::string& html) {
  static const std::set<std::string> tags = {
      "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "table", "tr",
      "th", "td", "nav", "ol", "li", "a", "span", "code", "main", "section", "dl", "dt", "dd", "div", "svg", "text",
      "line", "g", "path", "polygon"};
  static const std::set<std::string> attrs = {
      "lang", "charset", "http-equiv", "content", "name", "class", "id", "data-verdict", "href", "role", "width",
      "height", "viewBox", "x", "y", "x1", "y1", "x2", "y2", "d", "points", "text-anchor", "fill"};
  // The style block is ours and contains no '<'.
  const std::regex attr(R"re(\s*([A-Za-z][A-Za-z0-9-]*)="([^"<]*)")re");
  for (std::size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
    const std::size_t end = html.find('>', i);
    if (end == std::string::npos) return ::testing::AssertionFailure() << "unclosed tag at " << i;
    std::string tag = html.substr(i + 1, end - i - 1);
    if (!tag.empty() && tag.back() == '/') tag.pop_back();
    if (!tag.empty() && tag[0] == '/') {
      if (!tags.count(tag.substr(1))) return ::testing::AssertionFailure() << "unknown closing tag <" << tag << ">";
      continue;
    }
    const std::size_t sp = tag.find(' ');
    const std::string name = tag.substr(0, sp);
    if (!tags.count(name)) return ::testing::AssertionFailure() << "unknown tag <" << tag << ">";
    if (name == "!DOCTYPE" || sp == std::string::npos) continue;
    std::string rest = tag.substr(sp);
    std::smatch m;
    while (std::regex_search(rest, m, attr, std::regex_constants::match_continuous)) {
      if (!attrs.count(m[1].str())) return ::testing::AssertionFailure() << "unknown attribute " << m[1] << " in <" << tag << ">";
      if (m[1].str() == "href" && m[2].str().rfind('#', 0) != 0)
        return ::testing::AssertionFailure() << "link out of the page: " << m[2];
      rest = m.suffix().str();
    }
    if (rest.find_first_not_of(" \t\n") != std::string::npos)
      return ::testing::AssertionFailure() << "unparsed attribute text '" << rest << "' in <" << tag << ">";
  }
  return ::testing::AssertionSuccess();
}

TEST(HtmlReport, OneSectionPerCallAndRegistrationWithLadderFindingsAndWaveforms) {
  const std::string html = render_html(sample());
  EXPECT_EQ(count(html, "<section class=\"call "), 2u);
  EXPECT_EQ(count(html, "<section class=\"registration "), 1u);
  EXPECT_NE(html.find("id=\"call-1\" data-verdict=\"insecure\""), std::string::npos);
  EXPECT_NE(html.find("id=\"call-2\" data-verdict=\"secure\""), std::string::npos);
  EXPECT_EQ(count(html, "<g class=\"message\">"), 6u + 4u);  // one arrow per message
  EXPECT_NE(html.find("#900 10:00:04.210"), std::string::npos);  // frame number and time on the arrow
  EXPECT_NE(html.find("INVITE sip:bob@127.0.0.1:5070 (SDP)"), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"finding\">"), 3u);
  EXPECT_NE(html.find("<td class=\"nw\">sdes-keys-exposed</td>"), std::string::npos);
  EXPECT_NE(html.find(">1, 2, 3, 4, 900, 901<"), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"stream\">"), 3u);
  EXPECT_EQ(count(html, "<svg class=\"waveform\""), 2u);  // the third stream was not decoded
  EXPECT_NE(html.find("not decoded"), std::string::npos);
  const auto p = html.find("<path class=\"wave\" d=\"");
  ASSERT_NE(p, std::string::npos);
  EXPECT_EQ(count(html.substr(p, html.find('"', p + 22) - p), "M"), 200u);  // one bar per [min,max] pair
  EXPECT_NE(html.find("(media without visible signalling)"), std::string::npos);
  EXPECT_NE(html.find("TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (SNI pbx.example"), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"cert\">"), 1u);
  EXPECT_NE(html.find("<td class=\"mono\">CN=pbx.example</td><td class=\"mono\">CN=pbx.example</td>"), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"tls-connection\">"), 1u);
  EXPECT_NE(html.find("<dt>Method</dt><dd>REGISTER</dd>"), std::string::npos);
  EXPECT_TRUE(only_known_markup(html));
}

TEST(HtmlReport, SelfContainedAndScriptFree) {
  const std::string html = render_html(sample());
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""),
            std::string::npos);
  for (const char* outside : {"http:", "https:", "src=", "url(", "@import", "<script", "<link", "<img", "<iframe"})
    EXPECT_EQ(html.find(outside), std::string::npos) << outside;
}

TEST(HtmlReport, HostileCaptureStringsStayText) {
  json r = sample();
  const std::string payloads[] = {
      "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'><svg onload=alert(1)>",
      "</text></svg><script>alert(1)</script>", "]]><!--", "javascript:alert(1)", "&lt;script&gt;",
      "</style><script>x</script>", "\xff\xfe<b>\x01\x1b[31m"};
  for (const auto& bad : payloads) {
    json h = r;
    map_strings(h, [&](const std::string& s) { return s + bad; });
    // Also as keys' values of the wrong type and in the verdict/severity words used as CSS classes.
    h["calls"][0]["verdict"] = bad;
    h["calls"][0]["findings"][0]["severity"] = bad;
    h["calls"][0]["streams"][0]["waveform"][3] = json::array({bad, bad});
    const std::string html = render_html(h);
    EXPECT_TRUE(only_known_markup(html)) << "payload " << bad;
    EXPECT_EQ(html.find("<script"), std::string::npos) << bad;
    EXPECT_EQ(html.find("<img"), std::string::npos) << bad;
    EXPECT_EQ(html.find("<b>"), std::string::npos) << bad;
    EXPECT_NE(html.find("class=\"verdict unknown\""), std::string::npos);  // the word did not become a class
    EXPECT_EQ(count(html, "<section class=\"call "), 2u);
  }
  // The payload is shown, escaped, where the capture had it.
  json h = r;
  h["calls"][0]["call_id"] = "<script>alert(1)</script>";
  EXPECT_NE(render_html(h).find("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"), std::string::npos);
}

TEST(HtmlReport, EscapeReplacesInvalidUtf8AndControls) {
  EXPECT_EQ(html_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(html_escape("\xff" "x\x01y\x7f"), "\uFFFDx\uFFFDy\uFFFD");
  EXPECT_EQ(html_escape("\xc2\x85"), "\uFFFD");                 // C1 control NEL
  EXPECT_EQ(html_escape("\xc0\xaf"), "\uFFFD\uFFFD");           // overlong '/'
  EXPECT_EQ(html_escape("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD"); // surrogate
  EXPECT_EQ(html_escape("\xe2\x82"), "\uFFFD\uFFFD");           // cut sequence at the end
  EXPECT_EQ(html_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e\t\n"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e\t\n");
}

TEST(HtmlReport, MissingOrWrongTypedFieldsRenderAsDashes) {
  for (const json& j : {json(nullptr), json::array({1, 2}), json("text"), json::object()}) {
    const std::string html = render_html(j);
    EXPECT_NE(html.find("</html>"), std::string::npos) << j.dump();
    EXPECT_TRUE(only_known_markup(html)) << j.dump();
  }
  EXPECT_NE(render_html(json::array()).find("not a JSON object"), std::string::npos);
  EXPECT_NE(render_html(json::object()).find("No calls and no registrations"), std::string::npos);

  json odd = {{"calls", json::array({json::object(), 42,
                                     {{"messages", 7}, {"findings", "x"}, {"streams", json::array({3, json::object()})}},
                                     {{"messages", json::array({json::object(), 5})},
                                      {"streams", json::array({{{"waveform", json::array({1, json::array({0.5}), "x",
                                                                 json::array({std::numeric_limits<double>::infinity(), -9})})}}})}}})},
              {"registrations", json::object()}};
  const std::string html = render_html(odd);
  EXPECT_EQ(count(html, "<section class=\"call "), 4u);
  EXPECT_EQ(count(html, "<section class=\"registration "), 0u);
  EXPECT_TRUE(only_known_markup(html));
  const std::regex path_d(R"re( d="([^"]*)")re");
  std::size_t paths = 0;
  for (std::sregex_iterator it(html.begin(), html.end(), path_d), end; it != end; ++it, ++paths)
    EXPECT_EQ((*it)[1].str().find_first_not_of("0123456789.MVhv- "), std::string::npos) << (*it)[1];  // no nan/inf
  EXPECT_EQ(paths, 3u);  // the waveform and two self-addressed messages (no src/dst)
  EXPECT_EQ(count(html, "<path class=\"wave\""), 1u);
}

TEST(HtmlReport, LongLaddersAreCappedWithANote) {
  json r = sample();
  json& msgs = r["calls"][0]["messages"];
  const json first = msgs[0];
  for (int i = 0; i < 1000; ++i) {
    json m = first;
    m["frame"] = 1000 + i;
    msgs.push_back(m);
  }
  const std::string html = render_html(r);
  EXPECT_EQ(count(html, "<g class=\"message\">"), 400u + 4u);
  EXPECT_NE(html.find("606 more messages not drawn."), std::string::npos);
}

TEST(HtmlReport, LongSummariesAreCutOnCharacterBoundaries) {
  json r = sample();
  std::string summary = "INVITE sip:";
  for (int i = 0; i < 100; ++i) summary += "\xc3\xa9";  // 'é', two bytes each
  r["calls"][0]["messages"][0]["summary"] = summary;
  const std::string html = render_html(r);
  std::string cut = "INVITE sip:";
  for (int i = 0; i < 56 - 11; ++i) cut += "\xc3\xa9";
  EXPECT_NE(html.find(">" + cut + "\u2026 (SDP)</text>"), std::string::npos);
  EXPECT_NE(html.find("<title>" + summary + " [UDP]</title>"), std::string::npos);  // the full text on hover
}

}  // namespace
}  // namespace sotto::audit
