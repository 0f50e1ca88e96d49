// A minimal line-plot renderer to PNG (libpng): axes with ticks, clipped
// polylines, and a legend, lettered with a built-in 5x7 bitmap font. Enough to
// draw the paper's loss curves without a plotting library.
#pragma once
#include <array>
#include <string>
#include <vector>

namespace adma::apps {

struct Series {
  std::string name;
  std::vector<double> x, y;
};

struct PlotOptions {
  int width = 960, height = 640;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 3;
  std::string x_label = "p_y", y_label = "loss", title;
};

// Writes the plot; throws naming the file when it cannot be written.
void write_line_plot_png(const std::string& path, const std::vector<Series>& series, const PlotOptions& o);

}  // namespace adma::apps
