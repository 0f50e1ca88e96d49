// apps/cli/parse.h: the command line's number rules, value by value.
#include <gtest/gtest.h>

#include <cmath>

#include "apps/cli/parse.h"
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

TEST(FormatNumber, ReadableBounds) {
  EXPECT_EQ(format_number(1.7976931348623157e308), "1.79769e+308");
  EXPECT_EQ(format_number(0.25), "0.25");
}

}  // namespace
}  // namespace adma::apps
