// Rasterises the plot into an RGB buffer, then hands it to libpng.
#include "apps/plot.h"

#include <png.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

#include "core/error.h"

namespace adma::apps {

namespace {

using Rgb = std::array<unsigned char, 3>;

// 5x7 glyphs, one byte per row, bit 4 = leftmost column.
const std::map<char, std::array<unsigned char, 7>>& font() {
  static const std::map<char, std::array<unsigned char, 7>> f = {
      {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}}, {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
      {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}}, {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
      {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}}, {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
      {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}}, {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
      {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}}, {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
      {'.', {0, 0, 0, 0, 0, 0x0C, 0x0C}},               {'-', {0, 0, 0, 0x1F, 0, 0, 0}},
      {'=', {0, 0, 0x1F, 0, 0x1F, 0, 0}},               {'_', {0, 0, 0, 0, 0, 0, 0x1F}},
      {',', {0, 0, 0, 0, 0x0C, 0x04, 0x08}},            {'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}},
      {')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}}, {':', {0, 0x0C, 0x0C, 0, 0x0C, 0x0C, 0}},
      {'/', {0, 0x01, 0x02, 0x04, 0x08, 0x10, 0}},      {'^', {0x04, 0x0A, 0x11, 0, 0, 0, 0}},
      {'a', {0, 0, 0x0E, 0x01, 0x0F, 0x11, 0x0F}},      {'b', {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1E}},
      {'c', {0, 0, 0x0E, 0x10, 0x10, 0x11, 0x0E}},      {'d', {0x01, 0x01, 0x0D, 0x13, 0x11, 0x11, 0x0F}},
      {'e', {0, 0, 0x0E, 0x11, 0x1F, 0x10, 0x0E}},      {'f', {0x06, 0x09, 0x08, 0x1C, 0x08, 0x08, 0x08}},
      {'g', {0, 0x0F, 0x11, 0x11, 0x0F, 0x01, 0x0E}},   {'h', {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11}},
      {'i', {0x04, 0, 0x0C, 0x04, 0x04, 0x04, 0x0E}},   {'j', {0x02, 0, 0x06, 0x02, 0x02, 0x12, 0x0C}},
      {'k', {0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12}}, {'l', {0x0C, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}},
      {'m', {0, 0, 0x1A, 0x15, 0x15, 0x11, 0x11}},      {'n', {0, 0, 0x16, 0x19, 0x11, 0x11, 0x11}},
      {'o', {0, 0, 0x0E, 0x11, 0x11, 0x11, 0x0E}},      {'p', {0, 0, 0x1E, 0x11, 0x1E, 0x10, 0x10}},
      {'q', {0, 0, 0x0D, 0x13, 0x0F, 0x01, 0x01}},      {'r', {0, 0, 0x16, 0x19, 0x10, 0x10, 0x10}},
      {'s', {0, 0, 0x0E, 0x10, 0x0E, 0x01, 0x1E}},      {'t', {0x08, 0x08, 0x1C, 0x08, 0x08, 0x09, 0x06}},
      {'u', {0, 0, 0x11, 0x11, 0x11, 0x13, 0x0D}},      {'v', {0, 0, 0x11, 0x11, 0x11, 0x0A, 0x04}},
      {'w', {0, 0, 0x11, 0x11, 0x15, 0x15, 0x0A}},      {'x', {0, 0, 0x11, 0x0A, 0x04, 0x0A, 0x11}},
      {'y', {0, 0, 0x11, 0x11, 0x0F, 0x01, 0x0E}},      {'z', {0, 0, 0x1F, 0x02, 0x04, 0x08, 0x1F}},
  };
  return f;
}

struct Canvas {
  int w, h;
  std::vector<unsigned char> px;
  Canvas(int w_, int h_) : w(w_), h(h_), px(static_cast<size_t>(w_) * h_ * 3, 255) {}
  void set(int x, int y, Rgb c) {
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    std::memcpy(&px[(static_cast<size_t>(y) * w + x) * 3], c.data(), 3);
  }
  void dot(int x, int y, Rgb c, int r) {
    for (int dy = -r; dy <= r; ++dy)
      for (int dx = -r; dx <= r; ++dx) set(x + dx, y + dy, c);
  }
  void line(double x0, double y0, double x1, double y1, Rgb c, int r) {
    const int steps = static_cast<int>(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0))) + 1;
    for (int i = 0; i <= steps; ++i) {
      const double t = static_cast<double>(i) / steps;
      dot(static_cast<int>(std::lround(x0 + t * (x1 - x0))), static_cast<int>(std::lround(y0 + t * (y1 - y0))), c, r);
    }
  }
  // Text with its top-left at (x, y), glyphs scaled by s; lowercase font, others shown lowercased.
  void text(int x, int y, const std::string& s, Rgb c, int scale = 2) {
    for (char ch : s) {
      const char lc = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      auto it = font().find(lc);
      if (it != font().end())
        for (int row = 0; row < 7; ++row)
          for (int col = 0; col < 5; ++col)
            if (it->second[row] & (0x10 >> col))
              for (int a = 0; a < scale; ++a)
                for (int b = 0; b < scale; ++b) set(x + col * scale + b, y + row * scale + a, c);
      x += 6 * scale;
    }
  }
};

std::string tick_label(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", std::fabs(v) < 1e-12 ? 0.0 : v);
  return buf;
}

}  // namespace

void write_line_plot_png(const std::string& path, const std::vector<Series>& series, const PlotOptions& o) {
  static const Rgb palette[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40}, {148, 103, 189},
                                {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  const Rgb black{0, 0, 0}, grey{220, 220, 220};
  Canvas cv(o.width, o.height);
  const int left = 80, right = 30, top = 40, bottom = 70;
  const int pw = o.width - left - right, ph = o.height - top - bottom;
  auto sx = [&](double x) { return left + (x - o.x_min) / (o.x_max - o.x_min) * pw; };
  auto sy = [&](double y) { return top + ph - (y - o.y_min) / (o.y_max - o.y_min) * ph; };

  for (int i = 0; i <= 5; ++i) {  // grid, ticks and their labels
    const double xv = o.x_min + (o.x_max - o.x_min) * i / 5, yv = o.y_min + (o.y_max - o.y_min) * i / 5;
    cv.line(sx(xv), top, sx(xv), top + ph, grey, 0);
    cv.line(left, sy(yv), left + pw, sy(yv), grey, 0);
    const std::string xl = tick_label(xv), yl = tick_label(yv);
    cv.text(static_cast<int>(sx(xv)) - static_cast<int>(xl.size()) * 6, top + ph + 10, xl, black);
    cv.text(left - 12 - static_cast<int>(yl.size()) * 12, static_cast<int>(sy(yv)) - 7, yl, black);
  }
  cv.line(left, top, left, top + ph, black, 1);
  cv.line(left, top + ph, left + pw, top + ph, black, 1);
  cv.text(left + pw / 2 - static_cast<int>(o.x_label.size()) * 6, o.height - 30, o.x_label, black);
  cv.text(8, top - 30, o.y_label, black);
  if (!o.title.empty()) cv.text(left + pw / 2 - static_cast<int>(o.title.size()) * 6, 10, o.title, black);

  for (size_t s = 0; s < series.size(); ++s) {
    const Rgb c = palette[s % 10];
    const auto& se = series[s];
    for (size_t i = 1; i < se.x.size(); ++i) {
      double y0 = se.y[i - 1], y1 = se.y[i];
      if (!std::isfinite(y0) || !std::isfinite(y1)) continue;
      // Clip to the frame so off-scale parts (CCE as p -> 0) leave the plot cleanly.
      y0 = std::min(std::max(y0, o.y_min), o.y_max);
      y1 = std::min(std::max(y1, o.y_min), o.y_max);
      cv.line(sx(se.x[i - 1]), sy(y0), sx(se.x[i]), sy(y1), c, 1);
    }
    const int ly = top + 12 + static_cast<int>(s) * 22, lx = left + pw - 260;
    cv.line(lx, ly + 7, lx + 30, ly + 7, c, 1);
    cv.text(lx + 40, ly, se.name, black);
  }

  FILE* f = std::fopen(path.c_str(), "wb");
  ADMA_CHECK(f != nullptr, "cannot write plot ", path, ": ", std::strerror(errno));
  // libpng's own handler would print to stderr; keep its words for our one message.
  static thread_local std::string png_message;
  png_message = "libpng failed";
  auto on_error = [](png_structp p, png_const_charp msg) {
    png_message = msg;
    png_longjmp(p, 1);
  };
  auto on_warning = [](png_structp, png_const_charp) {};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    const int err = errno;
    std::fclose(f);
    ADMA_THROW("writing plot ", path, ": ", png_message, err ? std::string(" (") + std::strerror(err) + ")" : "");
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, cv.w, cv.h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < cv.h; ++y) png_write_row(png, &cv.px[static_cast<size_t>(y) * cv.w * 3]);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  ADMA_CHECK(std::fclose(f) == 0, "closing plot ", path, ": ", std::strerror(errno));
}

}  // namespace adma::apps
