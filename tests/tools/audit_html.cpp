// Renders a `sotto audit --json` report as the HTML page, for tests of the page itself:
//   audit_html REPORT.json OUT.html
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "audit/html_report.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: audit_html REPORT.json OUT.html\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "audit_html: cannot read " << argv[1] << "\n";
    return 2;
  }
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    std::cerr << "audit_html: " << argv[1] << " is not JSON: " << e.what() << "\n";
    return 2;
  }
  std::ofstream out(argv[2], std::ios::binary);
  out << sotto::audit::render_html(report);
  if (!out) {
    std::cerr << "audit_html: cannot write " << argv[2] << "\n";
    return 2;
  }
  return 0;
}
