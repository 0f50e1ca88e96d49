// Number parsing for flags; every failure says which flag and which piece of text.
#include "apps/cli/parse.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "apps/common/format.h"
#include "core/error.h"

namespace adma::apps {

namespace {
std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream is(s);
  while (std::getline(is, cur, sep)) out.push_back(cur);
  if (s.empty() || s.back() == sep) out.push_back("");
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Text as shown in a message: quoted, and cut when a fuzzer or a paste makes it long.
std::string quoted(const std::string& t) { return "'" + (t.size() > 40 ? t.substr(0, 37) + "..." : t) + "'"; }

bool is_non_finite_word(std::string t) {
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) t = t.substr(1);
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t.rfind("inf", 0) == 0 || t.rfind("nan", 0) == 0;
}
}  // namespace

double parse_number(const std::string& raw, const std::string& flag, Sign sign) {
  const std::string t = trim(raw);
  ADMA_USAGE_CHECK(!t.empty(), flag, ": empty value; give a number");
  ADMA_USAGE_CHECK(!is_non_finite_word(t), flag, ": must be finite, got ", quoted(t));
  // Only the characters of a decimal number: strtod alone would also take hex floats.
  ADMA_USAGE_CHECK(t.find_first_not_of("0123456789+-.eE") == std::string::npos, flag, ": ", quoted(t),
                   " is not a number");
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  ADMA_USAGE_CHECK(end == t.c_str() + t.size(), flag, ": ", quoted(t), " is not a number");
  // ERANGE with a tiny result is underflow: the nearest double (0 or subnormal) is the answer.
  ADMA_USAGE_CHECK(!(errno == ERANGE && std::fabs(v) > 1.0), flag, ": ", quoted(t),
                   " is out of range (numbers must lie within +-1.8e308)");
  ADMA_USAGE_CHECK(std::isfinite(v), flag, ": must be finite, got ", quoted(t));
  if (sign == Sign::Positive) ADMA_USAGE_CHECK(v > 0, flag, ": must be > 0, got ", quoted(t));
  if (sign == Sign::NonNegative) ADMA_USAGE_CHECK(v >= 0, flag, ": must be >= 0, got ", quoted(t));
  return v;
}

int64_t parse_integer(const std::string& raw, const std::string& flag, int64_t lo, int64_t hi) {
  const std::string t = trim(raw);
  ADMA_USAGE_CHECK(!t.empty(), flag, ": empty value; give an integer in [", lo, ", ", hi, "]");
  const size_t digits = (t[0] == '+' || t[0] == '-') ? 1 : 0;
  ADMA_USAGE_CHECK(t.size() > digits && t.find_first_not_of("0123456789", digits) == std::string::npos, flag, ": ",
                   quoted(t), " is not an integer");
  errno = 0;
  const long long v = std::strtoll(t.c_str(), nullptr, 10);
  ADMA_USAGE_CHECK(errno != ERANGE && v >= lo && v <= hi, flag, ": must be in [", lo, ", ", hi, "], got ",
                   quoted(t));
  return v;
}

std::vector<double> parse_doubles(const std::string& text, const std::string& flag, Sign sign) {
  std::vector<double> out;
  for (const auto& piece : split(text, ',')) out.push_back(parse_number(piece, flag, sign));
  return out;
}

std::vector<int32_t> parse_ints(const std::string& text, const std::string& flag) {
  std::vector<int32_t> out;
  for (const auto& piece : split(text, ','))
    out.push_back(static_cast<int32_t>(parse_integer(piece, flag, INT32_MIN, INT32_MAX)));
  return out;
}

std::vector<std::vector<double>> parse_matrix(const std::string& text, const std::string& flag) {
  std::vector<std::vector<double>> rows;
  for (const auto& row : split(text, ';')) rows.push_back(parse_doubles(row, flag));
  for (size_t i = 1; i < rows.size(); ++i)
    ADMA_USAGE_CHECK(rows[i].size() == rows[0].size(), flag, ": row ", i, " has ", rows[i].size(),
                     " values, row 0 has ", rows[0].size());
  return rows;
}

std::vector<double> parse_range(const std::string& text, const std::string& flag) {
  if (text.find(':') == std::string::npos) return parse_doubles(text, flag);
  std::vector<double> parts;
  std::istringstream is(text);
  std::string piece;
  while (std::getline(is, piece, ':')) parts.push_back(parse_number(piece, flag));
  ADMA_USAGE_CHECK(parts.size() == 3 && text.back() != ':', flag, ": '", text, "' is not START:STOP:STEP");
  const double start = parts[0], stop = parts[1], step = parts[2];
  ADMA_USAGE_CHECK(step > 0, flag, ": the step of '", text, "' must be > 0");
  ADMA_USAGE_CHECK(stop >= start, flag, ": '", text, "' ends before it starts");
  // (stop - start) / step is 12.000000000000002 or 11.999999999999998 for 0.20:0.32:0.01;
  // a relative tolerance makes both 12 intervals, so 0.32 is included.
  const double intervals = (stop - start) / step;
  const double n = std::floor(intervals + 1e-9 * std::max(1.0, intervals));
  ADMA_USAGE_CHECK(n < 10000, flag, ": '", text, "' has ", n + 1, " values; at most 10000");
  std::vector<double> out;
  for (int i = 0; i <= static_cast<int>(n); ++i) {
    // Rounded to 12 decimals so 0.2 + 3 * 0.01 prints (and names folders) as 0.23.
    const double v = start + i * step;
    out.push_back(std::stod(fixed(v, 12)));
  }
  return out;
}

}  // namespace adma::apps
