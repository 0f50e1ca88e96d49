// `adma loss-curves`: the paper's Figure 1. Loss against the true-class
// probability p_y in (0, 1] for Adma at several a, and for CCE, MSE and squared
// hinge, with the remaining probability spread evenly over the other classes.
// Every value comes from the fused loss kernel (CPU reference, double).
//   adma loss-curves --a 0.1,0.25,0.5,1 --classes 10 --plot build/curves.png > build/curves.csv
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "apps/commands.h"
#include "apps/flags.h"
#include "apps/loss_flags.h"
#include "apps/parse.h"
#include "apps/plot.h"
#include "core/error.h"
#include "losses/evaluate.h"

namespace adma::apps {

namespace {

// Logits whose softmax is p for class 0 and (1 - p) / (C - 1) for every other class.
std::vector<std::vector<double>> logits_for(const std::vector<double>& ps, int classes) {
  std::vector<std::vector<double>> rows;
  for (double p : ps) {
    std::vector<double> z(static_cast<size_t>(classes), 0.0);
    z[0] = std::log(p);
    for (int k = 1; k < classes; ++k) {
      const double rest = (1.0 - p) / (classes - 1);
      z[k] = rest > 0 ? std::log(rest) : z[0] - 1e4;  // p = 1: the others get exp(-1e4) = 0
    }
    rows.push_back(z);
  }
  return rows;
}

std::vector<double> curve(const losses::LossParams& params, const std::vector<std::vector<double>>& logits) {
  return with_flag_names([&] {
    return losses::evaluate_loss(params, logits, std::vector<int32_t>(logits.size(), 0), Device::cpu()).per_sample;
  });
}

// The work is points x classes logits (and as many gradients) per curve, in double:
// refused above this before anything is allocated (about 100 MB in all).
constexpr int64_t kMaxCurveValues = 2'000'000;

}  // namespace

void register_loss_curves(CLI::App& app) {
  struct Opts {
    std::string a = "0.1,0.25,0.5,1";
    int classes = 10, points = 200;
    double ymax = 3.0;
    std::string output, plot;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("loss-curves", "Loss against p_y for Adma, CCE, MSE, squared hinge (Figure 1)");
  cmd->footer(
      "Prints a CSV table (column p, then one column per loss) to standard output, or to the\n"
      "--output file; with --plot also writes a PNG of the curves there. --points x --classes\n"
      "may be at most " + std::to_string(kMaxCurveValues) + ".");
  cmd->add_option("--a", o->a, "Adma scaling factors, comma-separated (each >= 0)");
  add_integer(cmd, "--classes", o->classes, "number of classes (the rest of p is spread over them)", 2, 100000);
  add_integer(cmd, "--points", o->points, "points on (0, 1]", 2, 100000);
  cmd->add_option("--output", o->output, "CSV file (empty: standard output)");
  cmd->add_option("--plot", o->plot, "also draw the curves into this PNG file (empty: no plot)");
  add_number(cmd, "--ymax", o->ymax, "top of the plot's loss axis (> 0)", Sign::Positive);
  cmd->callback([o] {
    selected() = [o] {
      const auto as = parse_doubles(o->a, "--a", Sign::NonNegative);
      ADMA_USAGE_CHECK(int64_t{o->points} * o->classes <= kMaxCurveValues, "--points x --classes is ",
                       int64_t{o->points} * o->classes, ", over the limit of ", kMaxCurveValues,
                       " values per curve; use fewer points or classes");
      std::vector<double> ps;
      for (int i = 1; i <= o->points; ++i) ps.push_back(static_cast<double>(i) / o->points);
      const auto logits = logits_for(ps, o->classes);
      std::vector<Series> series;
      for (double a : as) {
        losses::LossParams p;
        p.kind = losses::LossKind::Adma;
        p.a = a;
        char name[64];
        std::snprintf(name, sizeof name, "adma_a=%g", a);
        series.push_back({name, ps, curve(p, logits)});
      }
      for (auto kind : {losses::LossKind::CrossEntropy, losses::LossKind::MSE, losses::LossKind::SquaredHinge}) {
        losses::LossParams p;
        p.kind = kind;
        series.push_back({losses::loss_name(kind), ps, curve(p, logits)});
      }
      for (const auto& s : series)
        for (size_t i = 0; i < s.y.size(); ++i)
          ADMA_CHECK(std::isfinite(s.y[i]), s.name, " at p = ", format_number(ps[i]), " overflowed to ",
                     format_number(s.y[i]), " in double precision");
      std::ofstream file;
      if (!o->output.empty()) {
        file.open(o->output);
        ADMA_CHECK(file.good(), "cannot write ", o->output, ": ", std::strerror(errno));
      }
      std::ostream& out = o->output.empty() ? std::cout : file;
      out << "p";
      for (const auto& s : series) out << "," << s.name;
      out << "\n";
      out.precision(10);
      for (size_t i = 0; i < ps.size(); ++i) {
        out << ps[i];
        for (const auto& s : series) out << "," << s.y[i];
        out << "\n";
      }
      if (!o->output.empty()) {  // stdout is checked by main; a file here, when it is closed
        file.close();
        ADMA_CHECK(!file.fail(), "writing ", o->output, " failed: ", std::strerror(errno));
      }
      if (!o->plot.empty()) {
        PlotOptions po;
        po.y_max = o->ymax;
        po.title = "loss against p_y, " + std::to_string(o->classes) + " classes";
        write_line_plot_png(o->plot, series, po);
      }
    };
  });
}

}  // namespace adma::apps
