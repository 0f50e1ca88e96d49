// `adma loss-curves`: the paper's Figure 1. Loss against the true-class
// probability p_y in (0, 1] for Adma at several a, and for CCE, MSE and squared
// hinge, with the remaining probability spread evenly over the other classes.
// Every value comes from the fused loss kernel (CPU reference, double).
//   adma loss-curves --a 0.1,0.25,0.5,1 --classes 10 --plot build/curves.png > build/curves.csv
// The CSV goes to standard output (or --output); --plot F.png draws it with
// gnuplot and leaves F.csv (the same table) and F.gp (the script) beside it.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "apps/cli/commands.h"
#include "apps/cli/flags.h"
#include "apps/cli/loss_flags.h"
#include "apps/common/format.h"
#include "apps/common/gnuplot.h"
#include "kernels/evaluate_loss.h"

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
    return kernels::evaluate_loss(params, logits, std::vector<int32_t>(logits.size(), 0), Device::cpu()).per_sample;
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
      "--output file; with --plot also draws them with gnuplot into that PNG (F.csv, F.gp beside it). --points x --classes\n"
      "may be at most " + std::to_string(kMaxCurveValues) + ".");
  add_loss_param_list(cmd, losses::LossParam::A, o->a, "one Adma curve per value, a list a1,a2,... or START:STOP:STEP");
  add_integer(cmd, "--classes", o->classes, "number of classes (the rest of p is spread over them)", 2, 100000);
  add_integer(cmd, "--points", o->points, "points on (0, 1]", 2, 100000);
  cmd->add_option("--output", o->output, "CSV file (empty: standard output)");
  cmd->add_option("--plot", o->plot, "also draw the curves into this PNG with gnuplot, F.csv and F.gp beside it (empty: no plot)");
  add_number(cmd, "--ymax", o->ymax, "top of the plot's loss axis (> 0)", Sign::Positive);
  cmd->callback([o] {
    // Before any output: a bad --plot must not follow the whole CSV on standard output.
    if (!o->plot.empty()) as_usage([&] { check_figure_path(o->plot); });
    selected() = [o] {
      const auto as = loss_param_values(losses::LossParam::A, o->a);
      ADMA_USAGE_CHECK(int64_t{o->points} * o->classes <= kMaxCurveValues, "--points x --classes is ",
                       int64_t{o->points} * o->classes, ", over the limit of ", kMaxCurveValues,
                       " values per curve; use fewer points or classes");
      std::vector<double> ps;
      for (int i = 1; i <= o->points; ++i) ps.push_back(static_cast<double>(i) / o->points);
      const auto logits = logits_for(ps, o->classes);
      // Each curve: CSV column name (plain) and legend title (gnuplot enhanced text).
      struct Curve {
        std::string column, title;
        std::vector<double> y;
      };
      std::vector<Curve> curves;
      for (double a : as) {
        losses::LossParams p;
        p.kind = losses::LossKind::Adma;
        p.a = a;
        curves.push_back({"adma_a=" + format_number(a), "Adma, {/:Italic a} = " + format_number(a), curve(p, logits)});
      }
      const std::pair<losses::LossKind, const char*> others[] = {{losses::LossKind::CrossEntropy, "CCE"},
                                                                 {losses::LossKind::MSE, "MSE"},
                                                                 {losses::LossKind::SquaredHinge, "squared hinge"}};
      for (const auto& [kind, title] : others) {
        losses::LossParams p;
        p.kind = kind;
        curves.push_back({losses::loss_name(kind), title, curve(p, logits)});
      }
      for (const auto& c : curves)
        for (size_t i = 0; i < c.y.size(); ++i)
          ADMA_CHECK(std::isfinite(c.y[i]), c.column, " at p = ", format_number(ps[i]), " overflowed to ",
                     format_number(c.y[i]), " in double precision");
      std::ofstream file;
      if (!o->output.empty()) {
        file.open(o->output);
        ADMA_CHECK(file.good(), "cannot write ", o->output, ": ", std::strerror(errno));
      }
      std::ostream& out = o->output.empty() ? std::cout : file;
      out << "p";
      for (const auto& c : curves) out << "," << c.column;
      out << "\n";
      out.precision(10);
      for (size_t i = 0; i < ps.size(); ++i) {
        out << ps[i];
        for (const auto& c : curves) out << "," << c.y[i];
        out << "\n";
      }
      if (!o->output.empty()) {  // stdout is checked by main; a file here, when it is closed
        file.close();
        ADMA_CHECK(!file.fail(), "writing ", o->output, " failed: ", std::strerror(errno));
      }
      if (!o->plot.empty()) {
        Figure fig;
        fig.x_column = "p";
        fig.x = ps;
        fig.width = 960;
        fig.height = 640;
        PlotPanel panel;
        panel.title = "Loss against the true-class probability, " + std::to_string(o->classes) +
                      " classes (the rest of {/:Italic p} spread evenly)";
        panel.x_label = "{/:Italic p}_{/:Italic y}";
        panel.y_label = "loss";
        panel.x_min = 0;
        panel.x_max = 1;
        panel.y_min = 0;
        panel.y_max = o->ymax;  // CCE grows without bound as p_y -> 0; gnuplot clips it at the top
        for (auto& c : curves) panel.series.push_back({c.column, c.title, c.y, ""});
        fig.panels.push_back(panel);
        const PlotFiles files = write_figure(o->plot, fig);
        if (!files.drawn) std::fprintf(stderr, "adma: %s\n", files.note.c_str());
      }
    };
  });
}

}  // namespace adma::apps
