#pragma once
// The pieces of the Prometheus text exposition format (0.0.4) that the Registry writes: name checks,
// escaping and number formatting.
//
//   is_metric_name("sotto_calls_total");         // true
//   escape_label_value("say \"hi\"\n");          // say \"hi\"\n  (backslash, quote, newline escaped)
//   format_value(1.5);                           // "1.5"; NaN -> "NaN", infinities -> "+Inf" / "-Inf"

#include <string>
#include <string_view>

namespace sotto::metrics {

bool is_metric_name(std::string_view s) noexcept;  // [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_label_name(std::string_view s) noexcept;   // [a-zA-Z_][a-zA-Z0-9_]*

// HELP text: backslash -> \\, line feed -> \n.
std::string escape_help(std::string_view s);
// Label value: backslash -> \\, double quote -> \", line feed -> \n; invalid UTF-8 -> U+FFFD.
std::string escape_label_value(std::string_view s);
// A sample value the way Prometheus parses it (Go's ParseFloat): integers without a fraction, the
// shortest round-trip form otherwise, NaN, +Inf, -Inf.
std::string format_value(double v);

}  // namespace sotto::metrics
