// Strict parsing of command-line values. Every failure is an adma::UsageError
// naming the flag and the text, with bounds written as people write numbers.
//   numbers:  decimal or exponent form ("0.25", "-3", "1e-5"); surrounding blanks are
//             ignored; "" , "abc", "1.5x" are not numbers; "inf" and "nan" are refused
//             ("must be finite"), as is anything beyond +-1.8e308 ("1e999"); a number
//             too small for a double ("1e-400") is accepted as the nearest double (0).
//   integers: an optional sign and digits only ("1e3" and "2.0" are refused), within the
//             flag's stated bounds.
// No CLI11 here: this is the adma_cli library, which the fuzz targets link too.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace adma::apps {

enum class Sign { Any, NonNegative, Positive };

double parse_number(const std::string& text, const std::string& flag, Sign sign = Sign::Any);
int64_t parse_integer(const std::string& text, const std::string& flag, int64_t lo, int64_t hi);

// "2,1,0.1;0.5,2.5,-1" -> rows of numbers (';' between rows, ',' within a row).
std::vector<std::vector<double>> parse_matrix(const std::string& text, const std::string& flag);
// "0,2" -> {0, 2}; "0.1,0.25" -> {0.1, 0.25}.
std::vector<int32_t> parse_ints(const std::string& text, const std::string& flag);
std::vector<double> parse_doubles(const std::string& text, const std::string& flag, Sign sign = Sign::Any);
// "0.20:0.32:0.01" -> 0.20, 0.21, ..., 0.32 (both ends included; the count is
// rounded so float steps do not lose the last value); "0.2,0.25" -> a list.
std::vector<double> parse_range(const std::string& text, const std::string& flag);

}  // namespace adma::apps
