// Figures: the CSV and script are well-formed, gnuplot draws them at the asked
// size, typography is enhanced text, styles stay distinct past ten series, and
// a missing or failing gnuplot is reported as such.
#include <cmath>
#include <cstdlib>
#include <set>

#include "apps/common/gnuplot.h"
#include "apps/common/subprocess.h"
#include "core/error.h"
#include "program_test_util.h"

namespace adma {
namespace {

using apps::Figure;
using apps::PlotPanel;
using apps::PlotSeries;
using test::contains;

// Restores an environment variable when the test ends.
struct EnvGuard {
  std::string name, old;
  bool had;
  EnvGuard(const char* n, const char* value) : name(n) {
    const char* o = std::getenv(n);
    had = o != nullptr;
    if (had) old = o;
    ::setenv(n, value, 1);
  }
  ~EnvGuard() {
    if (had) ::setenv(name.c_str(), old.c_str(), 1);
    else ::unsetenv(name.c_str());
  }
};

Figure twelve_series_figure() {
  Figure fig;
  fig.title = "test figure";
  fig.x_column = "p";
  for (int i = 1; i <= 20; ++i) fig.x.push_back(i / 20.0);
  PlotPanel p;
  p.title = "loss against {/:Italic p}_{/:Italic y}";
  p.x_label = "{/:Italic p}_{/:Italic y}";
  p.y_label = "loss";
  p.y_min = 0;
  p.y_max = 3;
  for (int s = 0; s < 12; ++s) {
    PlotSeries series;
    series.column = "series_" + std::to_string(s);
    series.title = apps::enhanced_escape("adma_a=" + std::to_string(s));
    for (double x : fig.x) series.y.push_back(-std::log(x) * (s + 1) / 12.0);
    p.series.push_back(series);
  }
  p.series[3].y[0] = NAN;  // a missing point
  fig.panels = {p, p};
  for (auto& s : fig.panels[1].series) s.column += "_b";
  fig.columns = 2;
  fig.width = 800;
  fig.height = 300;
  return fig;
}

TEST(Gnuplot, CsvHasOneColumnPerSeriesAndNaNForMissing) {
  const std::string csv = apps::figure_csv(twelve_series_figure());
  const auto first_nl = csv.find('\n');
  const std::string header = csv.substr(0, first_nl);
  EXPECT_EQ(header.rfind("p,series_0,series_1,", 0), 0u) << header;
  EXPECT_TRUE(contains(header, ",series_11_b")) << header;
  const std::string row1 = csv.substr(first_nl + 1, csv.find('\n', first_nl + 1) - first_nl - 1);
  EXPECT_EQ(row1.rfind("0.05,", 0), 0u) << row1;
  EXPECT_TRUE(contains(row1, ",NaN,")) << row1;
  size_t lines = 0;
  for (char c : csv) lines += c == '\n';
  EXPECT_EQ(lines, 21u);
}

TEST(Gnuplot, ScriptUsesEnhancedTextPngcairoAndEscapes) {
  const std::string gp = apps::figure_script(twelve_series_figure(), "fig.png", "fig.csv");
  EXPECT_TRUE(contains(gp, "set terminal pngcairo size 800,300 enhanced")) << gp;
  EXPECT_TRUE(contains(gp, "set output 'fig.png'"));
  EXPECT_TRUE(contains(gp, "set xlabel '{/:Italic p}_{/:Italic y}'"));
  EXPECT_TRUE(contains(gp, "set yrange [0:3]"));
  EXPECT_TRUE(contains(gp, "'fig.csv' skip 1 using 1:2 with lines ls 1 title 'adma\\_a=0'"));
  EXPECT_TRUE(contains(gp, "using 1:25 with lines ls 12"));  // last series of the second panel
  EXPECT_TRUE(contains(gp, "set multiplot layout 1,2"));
  EXPECT_EQ(apps::enhanced_escape("p_y^2 {a}"), "p\\_y\\^2 \\{a\\}");
}

TEST(Gnuplot, ErrorBarsComeFromTheirColumn) {
  Figure fig;
  fig.x = {1, 2};
  PlotPanel p;
  p.series.push_back({"mean", "mean", {0.5, 0.6}, "std"});
  fig.panels = {p};
  fig.extra = {{"std", "", {0.01, 0.02}}};
  const std::string gp = apps::figure_script(fig, "f.png", "f.csv");
  EXPECT_TRUE(contains(gp, "using 1:2:3 with yerrorlines ls 1")) << gp;
  EXPECT_EQ(apps::figure_csv(fig), "x,mean,std\n1,0.5,0.01\n2,0.6,0.02\n");
  fig.panels[0].series[0].error_column = "nope";
  EXPECT_THROW(apps::figure_script(fig, "f.png", "f.csv"), Error);
}

TEST(Gnuplot, FortySeriesStylesAreDistinctAndTheFirstEightAreSolid) {
  std::set<std::string> styles;
  for (size_t i = 0; i < 40; ++i) styles.insert(apps::series_style(i));
  EXPECT_EQ(styles.size(), 40u);
  for (size_t i = 0; i < 8; ++i) EXPECT_TRUE(contains(apps::series_style(i), "dt 1")) << apps::series_style(i);
  EXPECT_NE(apps::series_style(0), apps::series_style(10));
}

TEST(Gnuplot, DrawsAPngOfTheAskedSize) {
  if (apps::find_program("gnuplot").empty()) GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox)";
  test::TempDir dir;
  const auto files = apps::write_figure(dir / "sub/fig.png", twelve_series_figure());
  EXPECT_TRUE(files.drawn) << files.note;
  EXPECT_EQ(files.csv, dir / "sub/fig.csv");
  EXPECT_EQ(files.script, dir / "sub/fig.gp");
  EXPECT_TRUE(apps::file_exists(files.csv));
  EXPECT_TRUE(apps::file_exists(files.script));
  const auto [w, h] = test::png_size(files.png);
  EXPECT_EQ(w, 800u);
  EXPECT_EQ(h, 300u);
  // The script redraws the figure by itself, from its own folder.
  std::string out;
  EXPECT_EQ(apps::run_captured({apps::find_program("gnuplot"), "fig.gp"}, dir / "sub", &out), 0) << out;
}

TEST(Gnuplot, PanelWithoutDataIsDrawnEmpty) {
  if (apps::find_program("gnuplot").empty()) GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox)";
  test::TempDir dir;
  Figure fig;
  fig.x = {};
  PlotPanel p;
  p.title = "nothing yet";
  p.series.push_back({"a", "a", {}});
  fig.panels = {p};
  const auto files = apps::write_figure(dir / "empty.png", fig);
  EXPECT_TRUE(files.drawn);
  EXPECT_GT(test::png_size(files.png).first, 0u);
}

TEST(Gnuplot, WithoutGnuplotLeavesCsvAndScriptAndSaysWhatToInstall) {
  EnvGuard env("ADMA_GNUPLOT", "/nonexistent/gnuplot");
  test::TempDir dir;
  const auto files = apps::write_figure(dir / "fig.png", twelve_series_figure());
  EXPECT_FALSE(files.drawn);
  EXPECT_TRUE(contains(files.note, "apt-get install gnuplot-nox")) << files.note;
  EXPECT_TRUE(apps::file_exists(dir / "fig.csv"));
  EXPECT_TRUE(apps::file_exists(dir / "fig.gp"));
  EXPECT_FALSE(apps::file_exists(dir / "fig.png"));
}

TEST(Gnuplot, AFailingGnuplotIsAnError) {
  EnvGuard env("ADMA_GNUPLOT", "/bin/false");
  test::TempDir dir;
  try {
    apps::write_figure(dir / "fig.png", twelve_series_figure());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "gnuplot failed (exit status 1)")) << e.what();
  }
}

TEST(Gnuplot, MismatchedSeriesLengthIsRefused) {
  Figure fig = twelve_series_figure();
  fig.panels[0].series[2].y.pop_back();
  EXPECT_THROW(apps::figure_csv(fig), Error);
}

}  // namespace
}  // namespace adma
