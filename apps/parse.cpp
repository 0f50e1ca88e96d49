// Number lists for flags; every failure says which flag and which piece of text.
#include "apps/parse.h"

#include <cmath>
#include <sstream>

#include "core/error.h"

namespace adma::apps {

namespace {
std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream is(s);
  while (std::getline(is, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

double to_double(const std::string& raw, const std::string& flag) {
  const std::string t = trim(raw);
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(t, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  ADMA_CHECK(!t.empty() && used == t.size(), flag, ": '", t, "' is not a number");
  ADMA_CHECK(std::isfinite(v), flag, ": '", t, "' is not finite");
  return v;
}
}  // namespace

std::vector<double> parse_doubles(const std::string& text, const std::string& flag) {
  std::vector<double> out;
  for (const auto& piece : split(text, ',')) out.push_back(to_double(piece, flag));
  ADMA_CHECK(!out.empty(), flag, ": no values given");
  return out;
}

std::vector<int32_t> parse_ints(const std::string& text, const std::string& flag) {
  std::vector<int32_t> out;
  for (const auto& piece : split(text, ',')) {
    const double v = to_double(piece, flag);
    ADMA_CHECK(v == std::floor(v) && std::fabs(v) < 2147483647.0, flag, ": '", trim(piece), "' is not an integer");
    out.push_back(static_cast<int32_t>(v));
  }
  ADMA_CHECK(!out.empty(), flag, ": no values given");
  return out;
}

std::vector<std::vector<double>> parse_matrix(const std::string& text, const std::string& flag) {
  std::vector<std::vector<double>> rows;
  for (const auto& row : split(text, ';')) rows.push_back(parse_doubles(row, flag));
  for (size_t i = 1; i < rows.size(); ++i)
    ADMA_CHECK(rows[i].size() == rows[0].size(), flag, ": row ", i, " has ", rows[i].size(), " values, row 0 has ",
               rows[0].size());
  return rows;
}

}  // namespace adma::apps
