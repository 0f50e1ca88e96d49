// CUDA side of kernels/optimizer_update.h: one launch updates every parameter.
// The flat buffer is cut into chunks of at most kChunk elements that never cross
// a segment, and block b updates chunk b, so one table lookup per block gives the
// segment's settings. Per-step constants (t, lr(t), Adam's correction) come from
// the device step counter and lr slot, computed once per block in double.
// The penalty is reduced without float atomics: each block writes its partial,
// takes a ticket, and the block with the last ticket sums the partials in block
// order (deterministic), stores P, advances the step counter (every other block
// has read it by then) and resets the ticket for the next launch or graph replay.
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/cuda/cuda_util.h"
#include "kernels/optimizer_update.h"

namespace adma::kernels {

namespace cuda {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kChunk = 8 * 1024;

struct DeviceSegment {
  float two_l2, lo, hi;
  int clamp;
  double l2, decay, lr_mult;
};
struct DeviceChunk {
  int64_t begin, end;
  int segment;
};

struct Args {
  const DeviceSegment* segments;
  const DeviceChunk* chunks;
  double* partials;  // one per block
  unsigned* ticket;
  float* w;
  const float* g;
  float* m;
  float* v;
  int* step;
  const float* lr_slot;
  double* penalty;
  int rule;  // UpdateRule
  float momentum, beta1, beta2, epsilon;
  int nesterov;
  int lr_rule;  // LrRule
  double lr_decay, lr_min;
  long long lr_steps;
  double beta1_d, beta2_d;
};

__device__ double device_lr(const Args& a, double slot, long long t) {
  const double done = static_cast<double>(t - 1);
  if (a.lr_rule == static_cast<int>(LrRule::TimeDecay)) return slot / (1.0 + a.lr_decay * done);
  if (a.lr_rule == static_cast<int>(LrRule::Cosine)) {
    const double T = static_cast<double>(a.lr_steps);
    const double x = fmin(done, T) / T;
    return a.lr_min + (slot - a.lr_min) * 0.5 * (1.0 + cos(M_PI * x));
  }
  return slot;
}

template <bool kUpdate>
__global__ void __launch_bounds__(kThreads) optimizer_kernel(Args a) {
  __shared__ double lr_s, lr_t;
  __shared__ long long t_s;
  __shared__ double sums[kThreads / 32];
  __shared__ bool last;
  const DeviceChunk c = a.chunks[blockIdx.x];
  const DeviceSegment s = a.segments[c.segment];
  if (kUpdate && threadIdx.x == 0) {
    const long long t = static_cast<long long>(*a.step) + 1;
    const double lr = device_lr(a, static_cast<double>(*a.lr_slot), t) * s.lr_mult;
    const double correction =
        sqrt(1.0 - pow(a.beta2_d, static_cast<double>(t))) / (1.0 - pow(a.beta1_d, static_cast<double>(t)));
    t_s = t;
    lr_s = lr;
    lr_t = lr * correction;
  }
  __syncthreads();

  double pen = 0;
  if (kUpdate) {
    const float lrs = static_cast<float>(lr_s), lrt = static_cast<float>(lr_t);
    const float keep = 1.f - static_cast<float>(lr_s * s.decay);  // exactly 1 without decay
    for (int64_t i = c.begin + threadIdx.x; i < c.end; i += kThreads) {
      float wi = a.w[i];
      pen += static_cast<double>(wi) * static_cast<double>(wi);
      const float gi = a.g[i] + s.two_l2 * wi;
      wi = keep * wi;
      if (a.rule == static_cast<int>(UpdateRule::SGD)) {
        const float vel = a.momentum * a.m[i] - lrs * gi;
        a.m[i] = vel;
        wi = a.nesterov ? wi + a.momentum * vel - lrs * gi : wi + vel;
      } else {
        const float mi = a.beta1 * a.m[i] + (1.f - a.beta1) * gi;
        const float vi = a.beta2 * a.v[i] + (1.f - a.beta2) * gi * gi;
        a.m[i] = mi;
        a.v[i] = vi;
        wi -= lrt * mi / (sqrtf(vi) + a.epsilon);
      }
      if (s.clamp) wi = fminf(fmaxf(wi, s.lo), s.hi);
      a.w[i] = wi;
    }
  } else {
    for (int64_t i = c.begin + threadIdx.x; i < c.end; i += kThreads) {
      const double wi = a.w[i];
      pen += wi * wi;
    }
  }
  pen *= s.l2;

  // Block sum of the penalty in a fixed order.
  for (int off = 16; off > 0; off >>= 1) pen += __shfl_down_sync(0xffffffffu, pen, off);
  if ((threadIdx.x & 31) == 0) sums[threadIdx.x / 32] = pen;
  __syncthreads();
  if (threadIdx.x == 0) {
    double b = 0;
    for (int k = 0; k < kThreads / 32; ++k) b += sums[k];
    a.partials[blockIdx.x] = b;
    __threadfence();  // the partial is visible device-wide before the ticket is taken
    last = atomicAdd(a.ticket, 1u) == gridDim.x - 1;
  }
  __syncthreads();
  if (!last) return;
  __threadfence();
  if (threadIdx.x == 0) {
    double total = 0;
    const volatile double* parts = a.partials;
    for (unsigned b = 0; b < gridDim.x; ++b) total += parts[b];
    *a.penalty = total;
    if (kUpdate) *a.step = static_cast<int>(t_s);  // every block has read the old value
    *a.ticket = 0u;
  }
}

}  // namespace

struct OptimizerUpdateState {
  Tensor segments, chunks, scratch;  // device bytes (viewed as float tensors)
  unsigned num_chunks = 0;
  size_t partials_offset = 0;
};

namespace {
Tensor device_bytes(const void* host, size_t bytes, Device d) {
  const int64_t words = static_cast<int64_t>((bytes + 3) / 4);
  Tensor h = Tensor::empty(Shape{words}, DType::F32, Device::cpu());
  std::memset(h.raw(), 0, static_cast<size_t>(words) * 4);
  if (host) std::memcpy(h.raw(), host, bytes);
  return h.to(d);
}
}  // namespace
}  // namespace cuda

void cuda::optimizer_setup_init(Context& ctx, OptimizerUpdateSetup& p) {
  std::vector<DeviceSegment> segs;
  std::vector<DeviceChunk> chunks;
  for (const auto& s : p.segments) {
    const int index = static_cast<int>(segs.size());
    segs.push_back({static_cast<float>(2.0 * s.l2), static_cast<float>(s.lo), static_cast<float>(s.hi),
                    s.clamp ? 1 : 0, s.l2, s.decay, s.lr_mult});
    for (int64_t b = s.begin; b < s.end; b += kChunk) chunks.push_back({b, std::min(b + kChunk, s.end), index});
  }
  auto st = std::make_shared<OptimizerUpdateState>();
  st->num_chunks = static_cast<unsigned>(chunks.size());
  if (!chunks.empty()) {
    st->segments = device_bytes(segs.data(), segs.size() * sizeof(DeviceSegment), ctx.device);
    st->chunks = device_bytes(chunks.data(), chunks.size() * sizeof(DeviceChunk), ctx.device);
    // [ticket (8 bytes, zero)][one double partial per chunk]
    st->partials_offset = 8;
    st->scratch = device_bytes(nullptr, 8 + chunks.size() * sizeof(double), ctx.device);
  }
  p.cuda = std::move(st);
}

namespace cuda {
namespace {
void launch(Context& ctx, const OptimizerUpdateSetup& p, const OptimizerTensors& t, bool update) {
  ADMA_CHECK(p.cuda, "optimizer_update: the setup has no device table (call optimizer_setup_init)");
  expect_f32("optimizer_update", t.params.dtype());
  const OptimizerUpdateState& st = *p.cuda;
  if (st.num_chunks == 0) {  // no parameters: the penalty is 0, and there is nothing to train
    CUDA_CHECK(cudaMemsetAsync(t.penalty.raw(), 0, sizeof(double), stream_of(ctx)));
    ADMA_CHECK(!update, "optimizer_update: a graph with no parameters has nothing to train");
    return;
  }
  Args a{};
  a.segments = static_cast<const DeviceSegment*>(st.segments.raw());
  a.chunks = static_cast<const DeviceChunk*>(st.chunks.raw());
  a.ticket = static_cast<unsigned*>(st.scratch.raw());
  a.partials = reinterpret_cast<double*>(static_cast<char*>(st.scratch.raw()) + st.partials_offset);
  a.w = static_cast<float*>(t.params.raw());
  a.penalty = static_cast<double*>(t.penalty.raw());
  if (update) {
    a.g = static_cast<const float*>(t.grads.raw());
    a.m = static_cast<float*>(t.m.raw());
    a.v = p.rule == UpdateRule::Adam ? static_cast<float*>(t.v.raw()) : nullptr;
    a.step = static_cast<int*>(t.step.raw());
    a.lr_slot = static_cast<const float*>(t.lr.raw());
  }
  a.rule = static_cast<int>(p.rule);
  a.momentum = static_cast<float>(p.momentum);
  a.nesterov = p.nesterov ? 1 : 0;
  a.beta1 = static_cast<float>(p.beta1);
  a.beta2 = static_cast<float>(p.beta2);
  a.epsilon = static_cast<float>(p.epsilon);
  a.beta1_d = p.beta1;
  a.beta2_d = p.beta2;
  a.lr_rule = static_cast<int>(p.lr_rule);
  a.lr_decay = p.lr_decay;
  a.lr_min = p.lr_min;
  a.lr_steps = static_cast<long long>(p.lr_steps);
  if (update)
    optimizer_kernel<true><<<st.num_chunks, kThreads, 0, stream_of(ctx)>>>(a);
  else
    optimizer_kernel<false><<<st.num_chunks, kThreads, 0, stream_of(ctx)>>>(a);
  CUDA_CHECK_LAUNCH();
}
}  // namespace
}  // namespace cuda

void cuda::optimizer_update(Context& ctx, const OptimizerUpdateSetup& p, const OptimizerTensors& t) {
  launch(ctx, p, t, true);
}

void cuda::l2_penalty(Context& ctx, const OptimizerUpdateSetup& p, const OptimizerTensors& t) {
  launch(ctx, p, t, false);
}

}  // namespace adma::kernels
