// Strict parsing of command-line values: a bad number names the flag and the text.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace adma::apps {

// "2,1,0.1;0.5,2.5,-1" -> rows of numbers (';' between rows, ',' within a row).
std::vector<std::vector<double>> parse_matrix(const std::string& text, const std::string& flag);
// "0,2" -> {0, 2}; "0.1,0.25" -> {0.1, 0.25}.
std::vector<int32_t> parse_ints(const std::string& text, const std::string& flag);
std::vector<double> parse_doubles(const std::string& text, const std::string& flag);

}  // namespace adma::apps
