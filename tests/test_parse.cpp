// apps/cli/parse.h: the command line's number rules, value by value; and the one
// set of number and time formatters (apps/common/format.h).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "apps/cli/parse.h"
#include "apps/common/format.h"
#include "core/error.h"

namespace adma::apps {
namespace {

std::string refusal(const std::string& text, Sign sign = Sign::Any) {
  try {
    parse_number(text, "--x", sign);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(ParseNumber, AcceptsDecimalAndExponentForms) {
  EXPECT_EQ(parse_number("0.25", "--x"), 0.25);
  EXPECT_EQ(parse_number(" -3 ", "--x"), -3.0);
  EXPECT_EQ(parse_number("1e308", "--x"), 1e308);
  EXPECT_EQ(parse_number("1e-400", "--x"), 0.0) << "underflow is the nearest double, not an error";
  EXPECT_GT(parse_number("4e-320", "--x"), 0.0) << "subnormals survive";
}

TEST(ParseNumber, RefusesWithTheFlagAndTheText) {
  EXPECT_EQ(refusal(""), "--x: empty value; give a number");
  EXPECT_EQ(refusal("inf"), "--x: must be finite, got 'inf'");
  EXPECT_EQ(refusal("-Infinity"), "--x: must be finite, got '-Infinity'");
  EXPECT_EQ(refusal("nan"), "--x: must be finite, got 'nan'");
  EXPECT_EQ(refusal("1e999"), "--x: '1e999' is out of range (numbers must lie within +-1.8e308)");
  EXPECT_EQ(refusal("0x10"), "--x: '0x10' is not a number");
  EXPECT_EQ(refusal("1.5x"), "--x: '1.5x' is not a number");
  EXPECT_EQ(refusal("1e"), "--x: '1e' is not a number");
  EXPECT_EQ(refusal("0", Sign::Positive), "--x: must be > 0, got '0'");
  EXPECT_EQ(refusal("-1", Sign::NonNegative), "--x: must be >= 0, got '-1'");
}

TEST(ParseInteger, DigitsOnlyWithinReadableBounds) {
  EXPECT_EQ(parse_integer("64", "--batch", 1, 100), 64);
  EXPECT_EQ(parse_integer("+7", "--batch", 1, 100), 7);
  EXPECT_THROW(parse_integer("1e3", "--batch", 1, 10000), UsageError);
  EXPECT_THROW(parse_integer("2.0", "--batch", 1, 10000), UsageError);
  try {
    parse_integer("99999999999999999999999", "--batch", 1, 100);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--batch: must be in [1, 100], got '99999999999999999999999'");
  }
}

TEST(ParseMatrix, RowsMustAgree) {
  const auto m = parse_matrix("2,1,0.1;0.5,2.5,-1", "--logits");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1][2], -1.0);
  EXPECT_THROW(parse_matrix("1,2;3", "--logits"), UsageError);
  EXPECT_THROW(parse_matrix("1,,2", "--logits"), UsageError);
  EXPECT_THROW(parse_matrix("1,2;", "--logits"), UsageError);
  EXPECT_EQ(parse_ints("0,2", "--labels"), (std::vector<int32_t>{0, 2}));
  EXPECT_THROW(parse_ints("3000000000", "--labels"), UsageError);
}

TEST(ParseRange, InclusiveAndFloatSafe) {
  const auto v = parse_range("0.20:0.32:0.01", "--a");
  ASSERT_EQ(v.size(), 13u);
  EXPECT_EQ(v.front(), 0.2);
  EXPECT_EQ(v[3], 0.23);
  EXPECT_EQ(v.back(), 0.32);
  EXPECT_EQ(parse_range("0:1:0.1", "--a").size(), 11u);
  EXPECT_EQ(parse_range("0.1:0.3:0.1", "--a").size(), 3u);
  EXPECT_EQ(parse_range("0.25:0.25:0.01", "--a").size(), 1u);
  EXPECT_EQ(parse_range("0.2:0.3:0.07", "--a").size(), 2u);  // 0.2, 0.27 (0.34 is past the end)
  EXPECT_EQ(parse_range("0.2,0.25", "--a"), (std::vector<double>{0.2, 0.25}));
  EXPECT_THROW(parse_range("0.3:0.2:0.01", "--a"), UsageError);
  EXPECT_THROW(parse_range("0.2:0.3:0", "--a"), UsageError);
  EXPECT_THROW(parse_range("0.2:0.3", "--a"), UsageError);
  EXPECT_THROW(parse_range("0.2:x:0.1", "--a"), UsageError);
  EXPECT_THROW(parse_range("0.2,0.3:0.4:0.1", "--a"), UsageError);  // a list is no start
  EXPECT_THROW(parse_range("0:100:0.0001", "--a"), UsageError);     // a million runs
  const auto huge = parse_range("1e300:3e300:1e300", "--a");  // 12 decimals of a 301-digit number
  ASSERT_EQ(huge.size(), 3u);
  EXPECT_DOUBLE_EQ(huge[2], 3e300);
}

TEST(FormatNumber, ReadableBounds) {
  EXPECT_EQ(format_number(1.7976931348623157e308), "1.79769e+308");
  EXPECT_EQ(format_number(0.25), "0.25");
  EXPECT_EQ(significant(0.1234567891234, 9), "0.123456789");
  EXPECT_EQ(fixed(0.91234, 2), "0.91");
  EXPECT_EQ(std::strtod(fixed(1e300, 12).c_str(), nullptr), 1e300);  // all 301 digits, not cut
}

// Shortest text that reads back exactly: what command lines and folder names hold.
TEST(FormatNumber, ExactNumbersReadBack) {
  for (double v : {0.1, 0.258, 1e-4, 10.0, 1e6, 1.0 / 3.0, 0.2 + 0.1, 1.7976931348623157e308, -2.5e-300}) {
    const std::string text = exact_number(v);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
  }
  EXPECT_EQ(exact_number(0.1), "0.1");
  EXPECT_EQ(exact_number(10), "10");
  EXPECT_EQ(exact_number(0.2 + 0.1), "0.30000000000000004");
}

TEST(FormatDuration, ClockText) {
  EXPECT_EQ(format_duration(3725), "1:02:05");
  EXPECT_EQ(format_duration(65), "1:05");
  EXPECT_EQ(format_duration(-1), "?");
  EXPECT_EQ(format_duration(NAN), "?");
  EXPECT_EQ(join({"a", "b", "c"}), "a, b, c");
  EXPECT_EQ(join({"30", "60"}, "/"), "30/60");
  EXPECT_EQ(join({}), "");
}

}  // namespace
}  // namespace adma::apps
