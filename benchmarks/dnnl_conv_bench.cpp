// dnnl_conv_bench: the measurement behind the fast CPU path's choice of convolution
// algorithm (kernels/cpu_fast/dnnl_conv2d.cpp). For each of the ConvNet's six 3x3
// convolutions (benchmarks/bench_convnet.h), oneDNN's forward, backward-data and backward-weights primitives as
// direct and as Winograd F(4x4, 3x3) convolutions, and the forward with ELU fused in
// as a post-op ("conv + bias + ELU in one pass") against the forward followed by
// adma's own vector ELU pass. Blocked layouts throughout (format_tag::any): the
// primitives alone, without adma's reorders. Wall clock per call after 3 warm-up
// calls, median of --reps; "-" where oneDNN has no implementation on this CPU.
//   build/bin/dnnl_conv_bench [--batch 64] [--threads 1] [--reps 15]
#include <oneapi/dnnl/dnnl.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "benchmarks/bench_convnet.h"
#include "benchmarks/cpu_timer.h"
#include "core/context.h"
#include "core/tensor.h"
#include "kernels/cpu_backend.h"
#include "kernels/elu.h"

using namespace dnnl;
using adma::DType;
using adma::bench::median_ms;

namespace {

struct Flags {
  int batch = 64, threads = 1, reps = 15;
};

Flags parse(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    auto number = [&](int min) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "dnnl_conv_bench: %s needs a value\n", argv[i]);
        std::exit(2);
      }
      const int v = std::atoi(argv[++i]);
      if (v < min) {
        std::fprintf(stderr, "dnnl_conv_bench: %s must be at least %d, got %s\n", argv[i - 1], min, argv[i]);
        std::exit(2);
      }
      return v;
    };
    if (!std::strcmp(argv[i], "--batch")) {
      f.batch = number(1);
    } else if (!std::strcmp(argv[i], "--threads")) {
      f.threads = number(1);
    } else if (!std::strcmp(argv[i], "--reps")) {
      f.reps = number(3);
    } else {
      std::fprintf(stderr, "usage: dnnl_conv_bench [--batch N>=1] [--threads N>=1] [--reps N>=3]\n");
      std::exit(2);
    }
  }
  return f;
}

// Memory for every argument a primitive descriptor names, zero-filled (the values do
// not change a convolution's time).
std::unordered_map<int, memory> arguments(const engine& eng, const primitive_desc_base& pd, std::vector<int> which) {
  std::unordered_map<int, memory> args;
  for (int arg : which) {
    const memory::desc md = pd.query_md(query::exec_arg_md, arg);
    if (md.get_size() == 0) continue;
    memory m(md, eng);
    std::memset(m.get_data_handle(), 0, md.get_size());
    args.emplace(arg, m);
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  const Flags f = parse(argc, argv);
  adma::kernels::set_cpu_threads(f.threads);
  engine eng(engine::kind::cpu, 0);
  stream strm(eng);
  adma::Context& ctx = adma::Context::cpu();
  std::printf("dnnl_conv_bench: batch %d, %d thread(s), ms per call (median of %d)\n\n", f.batch, f.threads, f.reps);
  std::printf(
      "| conv | pass | direct | Winograd | direct + ELU post-op | Winograd + ELU post-op | direct, then ELU pass | "
      "Winograd, then ELU pass |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  const auto f32 = memory::data_type::f32;
  for (const adma::bench::ConvLayer& cv : adma::bench::convnet_convolutions()) {
    const memory::dims src{f.batch, cv.c, cv.hw, cv.hw}, wei{cv.k, cv.c, 3, 3}, bias{cv.k},
        dst{f.batch, cv.k, cv.hw, cv.hw}, one{1, 1};
    auto any = [&](const memory::dims& d) { return memory::desc(d, f32, memory::format_tag::any); };
    const memory::desc b_md(bias, f32, memory::format_tag::x);
    // The ELU pass adma runs after an unfused convolution, on a tensor of the output's size.
    const adma::Shape out_shape{f.batch, cv.k, cv.hw, cv.hw};
    adma::Tensor y = adma::Tensor::empty(out_shape, DType::F32, adma::Device::cpu());
    y.fill(-0.5);
    const adma::kernels::EluSetup ep = adma::kernels::elu_setup(ctx, out_shape, DType::F32, 1.0);
    const double elu_ms = median_ms(f.reps, [&] { adma::kernels::elu_forward(ctx, ep, y, y); });
    auto forward = [&](algorithm algo, bool elu) -> double {
      try {
        primitive_attr attr;
        if (elu) {
          post_ops po;
          po.append_eltwise(1.f, algorithm::eltwise_elu, 1.f, 0.f);
          attr.set_post_ops(po);
        }
        convolution_forward::primitive_desc pd(
            convolution_forward::desc(prop_kind::forward_training, algo, any(src), any(wei), b_md, any(dst), one, one,
                                      one),
            attr, eng);
        convolution_forward prim(pd);
        auto args = arguments(eng, pd, {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST});
        return median_ms(f.reps, [&] {
          prim.execute(strm, args);
          strm.wait();
        });
      } catch (const dnnl::error&) {
        return -1;
      }
    };
    auto hint = convolution_forward::primitive_desc(
        convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, any(src), any(wei), b_md,
                                  any(dst), one, one, one),
        eng);
    auto backward_data = [&](algorithm algo) -> double {
      try {
        convolution_backward_data::primitive_desc pd(
            convolution_backward_data::desc(algo, any(src), any(wei), any(dst), one, one, one), eng, hint);
        convolution_backward_data prim(pd);
        auto args = arguments(eng, pd, {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC});
        return median_ms(f.reps, [&] {
          prim.execute(strm, args);
          strm.wait();
        });
      } catch (const dnnl::error&) {
        return -1;
      }
    };
    auto backward_weights = [&](algorithm algo) -> double {
      try {
        convolution_backward_weights::primitive_desc pd(
            convolution_backward_weights::desc(algo, any(src), any(wei), b_md, any(dst), one, one, one), eng, hint);
        convolution_backward_weights prim(pd);
        auto args =
            arguments(eng, pd, {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS});
        return median_ms(f.reps, [&] {
          prim.execute(strm, args);
          strm.wait();
        });
      } catch (const dnnl::error&) {
        return -1;
      }
    };
    auto cell = [](double ms) { return ms < 0 ? std::string("-") : std::to_string(ms).substr(0, 5); };
    const std::string name = std::to_string(cv.c) + "->" + std::to_string(cv.k) + " at " + std::to_string(cv.hw) + "x" +
                             std::to_string(cv.hw);
    const double fd = forward(algorithm::convolution_direct, false), fw = forward(algorithm::convolution_winograd, false);
    const double fde = forward(algorithm::convolution_direct, true), fwe = forward(algorithm::convolution_winograd, true);
    std::printf("| %s | forward | %s | %s | %s | %s | %s | %s |\n", name.c_str(), cell(fd).c_str(), cell(fw).c_str(),
                cell(fde).c_str(), cell(fwe).c_str(), cell(fd < 0 ? -1 : fd + elu_ms).c_str(),
                cell(fw < 0 ? -1 : fw + elu_ms).c_str());
    std::printf("| %s | backward-data | %s | %s | | | | |\n", name.c_str(),
                cell(backward_data(algorithm::convolution_direct)).c_str(),
                cell(backward_data(algorithm::convolution_winograd)).c_str());
    std::printf("| %s | backward-weights | %s | %s | | | | |\n", name.c_str(),
                cell(backward_weights(algorithm::convolution_direct)).c_str(),
                cell(backward_weights(algorithm::convolution_winograd)).c_str());
    std::fflush(stdout);
  }
  return 0;
}
