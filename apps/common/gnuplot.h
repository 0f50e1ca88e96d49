// Figures drawn by gnuplot (Debian `gnuplot-nox`, pngcairo terminal). For
// FIG.png the writer also leaves FIG.csv (the numbers) and FIG.gp (the script
// that draws FIG.png from FIG.csv), so a user can restyle a figure or redraw it
// as SVG/PDF by editing two lines. Without gnuplot the CSV and script are still
// written and the result says what to install. Labels and legend titles are
// gnuplot "enhanced text": p_y is p with subscript y, a^2 a superscript; plain
// names go through enhanced_escape() first.
#pragma once
#include <cmath>
#include <string>
#include <vector>

namespace adma::apps {

struct PlotSeries {
  std::string column;  // CSV header of its column (plain text, unique in the figure)
  std::string title;   // legend entry (enhanced text)
  std::vector<double> y;  // one value per x of the figure; NaN = no point there
  std::string error_column;  // "": none; else the column (e.g. in Figure::extra) of ± error bars
};

struct PlotPanel {
  std::string title, x_label, y_label;  // enhanced text
  double x_min = NAN, x_max = NAN;      // NaN: gnuplot chooses
  double y_min = NAN, y_max = NAN;
  std::string key = "top right";        // gnuplot `set key` position ("off" hides it)
  std::vector<PlotSeries> series;       // series i of every panel shares a style
  bool points = false;                  // mark each point (few points, e.g. a sweep)
};

struct Figure {
  std::string title;                 // over all panels (enhanced text); "" = none
  std::string x_column = "x";        // CSV header of the shared x column
  std::vector<double> x;
  std::vector<PlotPanel> panels;     // laid out in rows of at most `columns`
  std::vector<PlotSeries> extra;     // more CSV columns, not drawn (e.g. run counts)
  int columns = 3;
  int width = 0, height = 0;         // pixels; 0 = 640 x 460 per panel
};

struct PlotFiles {
  std::string png, csv, script;
  bool drawn = false;   // gnuplot ran and wrote the PNG
  std::string note;     // when not drawn: what to install and how to draw it later
};

// Writes FIG.csv and FIG.gp beside `png_path` and runs gnuplot on them (the
// program named by $ADMA_GNUPLOT, else `gnuplot` on $PATH). Throws when a file
// cannot be written or gnuplot fails (with gnuplot's own message).
PlotFiles write_figure(const std::string& png_path, const Figure& fig);
// The check write_figure makes of its path first (a UsageError unless it ends in .png),
// for commands that check their flags before any output.
void check_figure_path(const std::string& png_path);

// The pieces, for tests and for callers that want only the text.
std::string figure_csv(const Figure& fig);
std::string figure_script(const Figure& fig, const std::string& png_name, const std::string& csv_name);
// Escapes the characters enhanced text treats specially (_ ^ @ & ~ { } \) so
// `s` prints as written.
std::string enhanced_escape(const std::string& s);
// The style (colour, dash type) of series i: 8 colours x 5 dash types, so 40
// series are distinct, and the first 8 are solid lines in distinct colours.
std::string series_style(size_t i);

}  // namespace adma::apps
