// The paper's Tables 1-4 and dataset settings, checked against its text.
#include <gtest/gtest.h>

#include <set>

#include "apps/experiment/paper_tables.h"
#include "data/datasets.h"
#include "core/error.h"

namespace adma {
namespace {

using apps::find_paper_result;

TEST(PaperTables, FashionMnistTable1AsInThePaper) {
  const auto* adma = find_paper_result(1, "fashion-mnist", "adma");
  ASSERT_NE(adma, nullptr);
  EXPECT_DOUBLE_EQ(adma->a, 0.2580);
  EXPECT_DOUBLE_EQ(adma->percent, 91.48);
  EXPECT_DOUBLE_EQ(adma->accuracy(), 0.9148);
  EXPECT_DOUBLE_EQ(find_paper_result(1, "fashion-mnist", "cce")->percent, 91.42);
  EXPECT_DOUBLE_EQ(find_paper_result(1, "fashion-mnist", "squared-hinge")->percent, 86.13);
  EXPECT_DOUBLE_EQ(find_paper_result(1, "fashion-mnist", "mse")->percent, 88.76);
}

TEST(PaperTables, OtherCellsAsInThePaper) {
  // One cell from each table, in different rows and columns.
  EXPECT_DOUBLE_EQ(find_paper_result(1, "mnist", "adma")->a, 0.2624);
  EXPECT_DOUBLE_EQ(find_paper_result(1, "dogs-vs-cats", "mse")->percent, 98.64);
  EXPECT_DOUBLE_EQ(find_paper_result(2, "cifar100", "adma")->a, 0.3110);
  EXPECT_DOUBLE_EQ(find_paper_result(2, "svhn", "cce")->percent, 74.12);
  EXPECT_DOUBLE_EQ(find_paper_result(3, "fashion-mnist", "adma")->a, 0.2481);
  EXPECT_DOUBLE_EQ(find_paper_result(3, "fashion-mnist", "adma")->percent, 92.14);
  EXPECT_DOUBLE_EQ(find_paper_result(3, "ham10000", "squared-hinge")->percent, 62.12);
  EXPECT_DOUBLE_EQ(find_paper_result(4, "dogs-vs-cats", "adma")->a, 0.3118);
  EXPECT_DOUBLE_EQ(find_paper_result(4, "cifar100", "cce")->percent, 45.13);
  EXPECT_DOUBLE_EQ(find_paper_result(4, "flowers", "mse")->percent, 56.15);
}

TEST(PaperTables, EveryTableHasEveryDatasetAndLossOnce) {
  EXPECT_EQ(apps::paper_results().size(), 4u * 8u * 4u);
  std::set<std::string> seen;
  for (const auto& r : apps::paper_results()) {
    EXPECT_TRUE(seen.insert(std::to_string(r.table) + r.dataset + r.loss).second) << r.dataset << " " << r.loss;
    EXPECT_NE(apps::find_paper_dataset(r.dataset), nullptr) << r.dataset;
    EXPECT_GT(r.percent, 10.0);
    EXPECT_LT(r.percent, 100.0);
    if (std::string(r.loss) == "adma") {
      // The paper: a in [0.245, 0.312] in every table.
      EXPECT_GE(r.a, 0.245);
      EXPECT_LE(r.a, 0.312);
    } else {
      EXPECT_EQ(r.a, 0.0);
    }
  }
  EXPECT_EQ(find_paper_result(1, "imagenet", "adma"), nullptr);
  EXPECT_EQ(find_paper_result(5, "mnist", "adma"), nullptr);
}

TEST(PaperTables, SettingsAndDatasets) {
  EXPECT_STREQ(apps::paper_setting(1).optimizer, "adam");
  EXPECT_DOUBLE_EQ(apps::paper_setting(1).l2, 1e-4);
  EXPECT_STREQ(apps::paper_setting(2).optimizer, "sgd");
  EXPECT_DOUBLE_EQ(apps::paper_setting(3).l2, 0.0);
  EXPECT_STREQ(apps::paper_setting(4).optimizer, "sgd");
  EXPECT_THROW(apps::paper_setting(0), Error);
  // Every dataset of the paper's tables is in the registry (which holds their settings).
  for (const auto& d : apps::paper_datasets()) EXPECT_NO_THROW(data::find_dataset(d.name)) << d.name;
  const auto* fm = apps::find_paper_dataset("fashion-mnist");
  ASSERT_NE(fm, nullptr);
  EXPECT_STREQ(fm->title, "FASHION-MNIST");
  EXPECT_EQ(apps::find_paper_dataset("cifar100")->iterations, 20);
}

}  // namespace
}  // namespace adma
