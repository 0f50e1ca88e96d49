// allreduce_bench: the figures behind docs/scaling.md, measured on this machine's ranks.
//   mpirun -np 2 build/bin/allreduce_bench [--device cpu|cuda] [--threads 1] [--reps 20] [--batch 64]
// (one process: plain build/bin/allreduce_bench, the single-process communicator.)
// 1. all_reduce_average of one float32 buffer of the sizes that matter: a few KB (the
//    latency), the ConvNet's gradient buffer (298,858 floats, 1.2 MB), 8 MB, and
//    ResNet-34's (21.8 M floats, 87 MB). Median time per call, and NCCL's "bus bandwidth",
//    busbw = 2 (N-1)/N * bytes / time: what each link carried, comparable across N.
// 2. One training step of the ConvNet (28x28x1, 10 classes, Adam) at the global batch
//    split over the ranks, with the all-reduce (the Trainer with the communicator) and
//    without it (a Trainer of its own): the difference is what communication costs
//    a step here.
// Wall clock after warm-up, median of --reps; CUDA work is waited for after each call.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "benchmarks/cpu_timer.h"
#include "data/synthetic.h"
#include "kernels/cpu_backend.h"
#include "layers/softmax_loss.h"
#include "models/convnet.h"
#include "optim/trainer.h"
#include "parallel/launch.h"
#include "parallel/make_communicator.h"

using namespace adma;

namespace {

struct Flags {
  Device device = Device::cpu();
  int threads = 1, reps = 20;
  int64_t batch = 64;
};

[[noreturn]] void usage() {
  std::fprintf(stderr, "usage: [mpirun -np N] allreduce_bench [--device cpu|cuda] [--threads N>=1] [--reps N>=3] "
                       "[--batch B, a multiple of N]\n");
  std::exit(2);
}

Flags parse(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const bool more = i + 1 < argc;
    if (!std::strcmp(argv[i], "--device") && more) {
      const std::string d = argv[++i];
      if (d != "cpu" && d != "cuda") usage();
      f.device = d == "cpu" ? Device::cpu() : Device::cuda(parallel::launch_from_environment().local_rank);
    } else if (!std::strcmp(argv[i], "--threads") && more) {
      f.threads = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--reps") && more) {
      f.reps = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--batch") && more) {
      f.batch = std::atoll(argv[++i]);
    } else {
      usage();
    }
  }
  if (f.threads < 1 || f.reps < 3 || f.batch < 1) usage();
  return f;
}

struct ConvNet {
  Graph g;
  Value x, y, loss;
  ConvNet(int64_t batch, Device device) : g(device, DType::F32, 1) {
    x = g.input("x", Shape{batch, 1, 28, 28});
    y = g.labels("y", batch);
    models::ConvNetOptions mo;
    Value z = models::build_convnet(g, x, mo);
    layers::SoftmaxLoss::Options lo;
    lo.params.a = 0.258;
    loss = g.add<layers::SoftmaxLoss>("loss", {z, y}, lo);
    g.build();
  }
};

int run(int argc, char** argv) {
  const Flags f = parse(argc, argv);
  kernels::set_cpu_threads(f.threads);
  auto comm = parallel::make_communicator(f.device);
  const int n = comm->size();
  const bool root = comm->is_root();
  if (f.batch % n != 0) usage();
  Context& ctx = Context::get(f.device);
  // Every rank waits for its device and then for the others, so the slowest rank sets the time.
  auto timed = [&](auto&& op) {
    comm->barrier();
    return bench::median_ms(f.reps, [&] {
      op();
      ctx.synchronize();
    });
  };
  if (root)
    std::printf("allreduce_bench: %d rank(s), %s communicator, %s, %d thread(s) per rank, median of %d\n\n", n,
                comm->name(), f.device.str().c_str(), f.threads, f.reps);

  // The models of step 2, built first: the ConvNet's gradient buffer is the size measured in 1.
  const int64_t local = f.batch / n;
  ConvNet with(local, f.device), alone(local, f.device);

  // 1. The all-reduce alone.
  if (root) std::printf("| buffer | floats | MB | ms per all-reduce | bus GB/s |\n|---|---:|---:|---:|---:|\n");
  const struct {
    const char* name;
    int64_t floats;
  } sizes[] = {{"latency", 1024},
               {"ConvNet gradients", with.g.grad_buffer().numel()},  // 298,858 parameters, each 256-byte aligned
               {"8 MB", 2 << 20},
               {"ResNet-34 gradients", 21797672}};  // torchvision's resnet34: 21,797,672 parameters
  for (const auto& s : sizes) {
    Tensor buf = Tensor::from_host(std::vector<double>(static_cast<size_t>(s.floats), 1.0), Shape{s.floats}, DType::F32,
                                   f.device);
    const double ms = timed([&] { comm->all_reduce_average(ctx, buf); });
    const double bytes = 4.0 * static_cast<double>(s.floats);
    const double busbw = n > 1 ? 2.0 * (n - 1) / n * bytes / (ms * 1e-3) / 1e9 : 0.0;
    if (root) std::printf("| %s | %lld | %.2f | %.3f | %.2f |\n", s.name, static_cast<long long>(s.floats), bytes / 1e6, ms, busbw);
  }

  // 2. A training step at global batch B: B/N rows per rank, with and without the all-reduce.
  optim::TrainerOptions o;
  o.communicator = comm.get();
  optim::Trainer t_with(with.g, with.x, with.y, with.loss, o);
  o.communicator = nullptr;
  optim::Trainer t_alone(alone.g, alone.x, alone.y, alone.loss, o);
  data::SyntheticOptions so;
  so.examples = f.batch;
  so.batch = f.batch;
  so.height = so.width = 28;
  so.classes = 10;
  so.shard = {comm->rank(), n};
  data::SyntheticSource src(so);
  src.start_epoch(0);
  src.fill(0, with.g.value(with.x), with.g.value(with.y));
  src.fill(0, alone.g.value(alone.x), alone.g.value(alone.y));
  const double ms_with = timed([&] { t_with.step(); });
  const double ms_alone = timed([&] { t_alone.step(); });
  if (root) {
    std::printf("\n| global batch | rows per rank | step ms, with all-reduce | step ms, without | all-reduce share |\n"
                "|---:|---:|---:|---:|---:|\n");
    std::printf("| %lld | %lld | %.2f | %.2f | %.1f %% |\n", static_cast<long long>(f.batch),
                static_cast<long long>(local), ms_with, ms_alone, 100.0 * (ms_with - ms_alone) / ms_with);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "allreduce_bench: %s\n", describe(e).c_str());
    return 1;
  }
}
