// Figure -> CSV + gnuplot script, then gnuplot -> PNG.
#include "apps/common/gnuplot.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "apps/common/files.h"
#include "apps/common/format.h"
#include "apps/common/subprocess.h"
#include "core/error.h"

namespace adma::apps {

namespace {

// Okabe-Ito colours (distinguishable with colour-blindness) plus a dark grey and a red.
const char* const kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                "#E69F00", "#56B4E9", "#404040", "#C00000"};
constexpr size_t kNumColours = sizeof kColours / sizeof kColours[0];
constexpr size_t kNumDashes = 5;

// A gnuplot single-quoted string: backslashes stay literal, a quote is doubled.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out + "'";
}

std::string number(double v) { return std::isnan(v) ? "NaN" : significant(v, 10); }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void check_figure(const Figure& fig) {
  ADMA_CHECK(!fig.panels.empty(), "figure '", fig.title, "' has no panels");
  ADMA_CHECK(fig.columns >= 1, "figure '", fig.title, "': columns must be >= 1, got ", fig.columns);
  std::vector<std::string> names{fig.x_column};
  for (const auto& p : fig.panels)
    for (const auto& s : p.series) {
      ADMA_CHECK(s.y.size() == fig.x.size(), "figure '", fig.title, "': series ", s.column, " has ", s.y.size(),
                 " values for ", fig.x.size(), " x values");
      ADMA_CHECK(std::find(names.begin(), names.end(), s.column) == names.end(), "figure '", fig.title,
                 "': two columns are named ", s.column);
      names.push_back(s.column);
    }
  for (const auto& s : fig.extra) {
    ADMA_CHECK(s.y.size() == fig.x.size(), "figure '", fig.title, "': column ", s.column, " has ", s.y.size(),
               " values for ", fig.x.size(), " x values");
    names.push_back(s.column);
  }
}

// True when some series of the panel has a finite value to draw.
bool has_data(const PlotPanel& p) {
  for (const auto& s : p.series)
    for (double v : s.y)
      if (std::isfinite(v)) return true;
  return false;
}

void range(std::ostringstream& gp, const char* axis, double lo, double hi) {
  if (std::isnan(lo) && std::isnan(hi)) {
    gp << "set autoscale " << axis << "\n";
    return;
  }
  gp << "set " << axis << "range [" << (std::isnan(lo) ? "*" : number(lo)) << ":"
     << (std::isnan(hi) ? "*" : number(hi)) << "]\n";
}

}  // namespace

std::string enhanced_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string("_^@&~{}\\").find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string series_style(size_t i) {
  std::ostringstream os;
  os << "lc rgb '" << kColours[i % kNumColours] << "' dt " << (i / kNumColours) % kNumDashes + 1;
  return os.str();
}

std::string figure_csv(const Figure& fig) {
  check_figure(fig);
  std::ostringstream os;
  os << csv_field(fig.x_column);
  for (const auto& p : fig.panels)
    for (const auto& s : p.series) os << "," << csv_field(s.column);
  for (const auto& s : fig.extra) os << "," << csv_field(s.column);
  os << "\n";
  for (size_t i = 0; i < fig.x.size(); ++i) {
    os << number(fig.x[i]);
    for (const auto& p : fig.panels)
      for (const auto& s : p.series) os << "," << number(s.y[i]);
    for (const auto& s : fig.extra) os << "," << number(s.y[i]);
    os << "\n";
  }
  return os.str();
}

std::string figure_script(const Figure& fig, const std::string& png_name, const std::string& csv_name) {
  check_figure(fig);
  const int n = static_cast<int>(fig.panels.size());
  const int cols = std::min(n, fig.columns), rows = (n + cols - 1) / cols;
  const int width = fig.width > 0 ? fig.width : 640 * cols, height = fig.height > 0 ? fig.height : 460 * rows;
  std::ostringstream gp;
  gp << "# " << (fig.title.empty() ? png_name : fig.title) << ": drawn by adma from " << csv_name << ".\n"
     << "# Redraw from this folder with: gnuplot " << without_extension(png_name) << ".gp\n"
     << "# For a vector figure, change the next two lines, e.g.\n"
     << "#   set terminal svg size " << width << "," << height << " enhanced dynamic\n"
     << "#   set output '" << without_extension(png_name) << ".svg'\n"
     << "set terminal pngcairo size " << width << "," << height << " enhanced font 'DejaVu Sans,11'\n"
     << "set output " << quoted(png_name) << "\n"
     << "set encoding utf8\n"
     << "set datafile separator comma\n"
     << "set datafile missing 'NaN'\n"
     << "set grid lc rgb '#dddddd'\n"
     << "set border lc rgb '#404040'\n"
     << "set key box lc rgb '#bbbbbb' opaque samplen 3\n";
  for (size_t i = 0; i < kNumColours * kNumDashes; ++i)
    gp << "set style line " << i + 1 << " " << series_style(i) << " lw 2 pt " << i % 13 + 1 << " ps 0.8\n";
  if (n > 1 || !fig.title.empty()) {
    gp << "set multiplot layout " << rows << "," << cols;
    if (!fig.title.empty()) gp << " title " << quoted(fig.title) << " font ',13'";
    gp << "\n";
  }
  // 1-based CSV column of every name, for error bars drawn from another column.
  std::vector<std::string> names{fig.x_column};
  for (const auto& p : fig.panels)
    for (const auto& s : p.series) names.push_back(s.column);
  for (const auto& s : fig.extra) names.push_back(s.column);
  auto column_of = [&](const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    ADMA_CHECK(it != names.end(), "figure '", fig.title, "': no column ", name, " for error bars");
    return static_cast<int>(it - names.begin()) + 1;
  };
  int column = 2;  // column 1 holds x
  for (const auto& p : fig.panels) {
    gp << "\n# " << (p.title.empty() ? "panel" : p.title) << "\n";
    gp << "set title " << quoted(p.title) << "\n";
    gp << "set xlabel " << quoted(p.x_label) << "\n";
    gp << "set ylabel " << quoted(p.y_label) << "\n";
    if (!has_data(p)) {
      // An empty panel still shows its axes and says why it is empty (gnuplot
      // cannot autoscale an axis without points, so the ranges are fixed).
      column += static_cast<int>(p.series.size());
      gp << "set xrange [0:1]\nset yrange [0:1]\nunset key\n"
         << "set label 1 'no data yet' at graph 0.5, graph 0.5 center\n"
         << "plot NaN notitle\nunset label 1\n";
      continue;
    }
    range(gp, "x", p.x_min, p.x_max);
    range(gp, "y", p.y_min, p.y_max);
    // Marked points at the very edge of an autoscaled axis would sit on the border.
    gp << "set offsets " << (p.points ? "graph 0.02, graph 0.02" : "0, 0") << ", 0, 0\n";
    if (p.key == "off") gp << "unset key\n";
    else gp << "set key " << p.key << "\n";
    gp << "plot ";
    for (size_t i = 0; i < p.series.size(); ++i) {
      if (i) gp << ", \\\n     ";
      const auto& s = p.series[i];
      gp << (i == 0 ? quoted(csv_name) : std::string("''")) << " skip 1 using 1:" << column++;
      if (s.error_column.empty()) gp << " with " << (p.points ? "linespoints" : "lines");
      else gp << ":" << column_of(s.error_column) << " with yerrorlines";
      gp << " ls " << i % (kNumColours * kNumDashes) + 1 << " title " << quoted(s.title);
    }
    gp << "\n";
  }
  if (n > 1 || !fig.title.empty()) gp << "unset multiplot\n";
  gp << "set output\n";
  return gp.str();
}

void check_figure_path(const std::string& png_path) {
  // F.png names its companions F.csv and F.gp: without the extension they would land
  // beside whatever the path names (`--plot /dev/full` would write into /dev).
  ADMA_USAGE_CHECK(png_path.size() > 4 && png_path.compare(png_path.size() - 4, 4, ".png") == 0,
                   "a figure's file must end in .png (its CSV and gnuplot script go beside it), got '",
                   png_path, "'");
}

PlotFiles write_figure(const std::string& png_path, const Figure& fig) {
  check_figure_path(png_path);
  PlotFiles f;
  f.png = png_path;
  const std::string stem = without_extension(png_path);
  f.csv = stem + ".csv";
  f.script = stem + ".gp";
  const std::string dir = parent_dir(png_path);
  make_dirs(dir);
  write_file_atomic(f.csv, figure_csv(fig));
  write_file_atomic(f.script, figure_script(fig, file_name(png_path), file_name(f.csv)));
  const char* env = std::getenv("ADMA_GNUPLOT");
  const std::string gnuplot = find_program(env && *env ? env : "gnuplot");
  if (gnuplot.empty()) {
    f.note = "gnuplot is not installed, so " + png_path + " was not drawn; its data is in " + f.csv +
             " and its script in " + f.script + ". Install gnuplot (apt-get install gnuplot-nox) and run: cd " +
             dir + " && gnuplot " + file_name(f.script);
    return f;
  }
  std::string output;
  const int status = run_captured({gnuplot, file_name(f.script)}, dir, &output);
  ADMA_CHECK(status == 0, "gnuplot failed (exit status ", status, ") drawing ", png_path, " from ", f.script, ": ",
             output);
  std::string png;
  try {
    png = read_file(png_path);
  } catch (const std::exception&) {
  }
  ADMA_CHECK(png.size() > 8 && png.compare(1, 3, "PNG") == 0, "gnuplot ran on ", f.script, " but ", png_path,
             " is missing or not a PNG", output.empty() ? "" : ": ", output);
  f.drawn = true;
  return f;
}

}  // namespace adma::apps
