// Numbers, times and lists as text, one helper each, for every room of apps/: what
// the program prints and writes into CSV, JSON, Markdown, command lines and folder names.
#pragma once
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace adma::apps {

// `v` to `digits` significant digits, as printf's %g: significant(0.25, 6) = "0.25",
// significant(1e6, 6) = "1e+06". Metrics files keep 9 digits, figures 10, checkpoints 17.
inline std::string significant(double v, int digits) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

// A number as a person reads it (6 significant digits): 0.25, 1e+06, 1.8e+308, never
// 309 digits. For messages and --help.
inline std::string format_number(double v) { return significant(v, 6); }

// The shortest text, at 6 significant digits or more, that reads back as exactly `v`:
// 0.258, 0.0001, 10, 0.1 (not 0.10000000000000001). For values a program reads again:
// command lines, run folder names, spec strings.
inline std::string exact_number(double v) {
  std::string text;
  for (int digits = 6; digits <= 17; ++digits) {
    text = significant(v, digits);
    if (std::strtod(text.c_str(), nullptr) == v) break;
  }
  return text;
}

// `v` with `decimals` digits after the point: fixed(0.91234, 2) = "0.91".
inline std::string fixed(double v, int decimals) {
  const int n = std::snprintf(nullptr, 0, "%.*f", decimals, v);  // 1e300 has 301 digits before the point
  std::string text(static_cast<size_t>(n), '\0');
  std::snprintf(text.data(), text.size() + 1, "%.*f", decimals, v);
  return text;
}

// Seconds as a clock shows them: "1:02:03", "4:05" (hours only when needed); "?" for a
// negative or non-finite time (an ETA not known yet).
inline std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long t = std::lround(seconds);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

// The time now in UTC in strftime's `format`: "%Y-%m-%dT%H:%M:%SZ" (config.json),
// "%Y%m%d-%H%M%S" (a default run folder's name).
inline std::string utc_now(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// {"a", "b", "c"} -> "a, b, c".
inline std::string join(const std::vector<std::string>& parts, const std::string& separator = ", ") {
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) text += (i ? separator : std::string()) + parts[i];
  return text;
}

}  // namespace adma::apps
