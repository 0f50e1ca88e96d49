// Host data in, one fused-kernel call, host data out.
#include "kernels/evaluate_loss.h"

#include <limits>

#include "core/context.h"
#include "core/tensor.h"

namespace adma::kernels {

LossReport evaluate_loss(const LossParams& params, const std::vector<std::vector<double>>& logits,
                         const std::vector<int32_t>& labels, Device device, SoftmaxLossVersion version,
                         bool bf16) {
  ADMA_CHECK(!logits.empty(), "no logits given");
  const int64_t n = static_cast<int64_t>(logits.size()), c = static_cast<int64_t>(logits[0].size());
  ADMA_CHECK(c >= 1, "logits need at least one class");
  for (size_t i = 0; i < logits.size(); ++i)
    ADMA_CHECK(static_cast<int64_t>(logits[i].size()) == c, "row ", i, " of the logits has ", logits[i].size(),
               " values, row 0 has ", c);
  ADMA_CHECK(static_cast<int64_t>(labels.size()) == n, labels.size(), " labels for ", n, " rows of logits");
  check_labels(labels, c);
  const SoftmaxLossSetup setup = softmax_loss_setup(params, n, c, version);  // validates params

  // Double on the CPU (the reference), float on CUDA; bfloat16 logits come with float outputs.
  const DType dt = bf16 ? DType::F32 : device.is_cpu() ? DType::F64 : DType::F32;
  const DType in = bf16 ? DType::BF16 : dt;
  std::vector<double> flat;
  for (const auto& row : logits) flat.insert(flat.end(), row.begin(), row.end());
  Tensor z = Tensor::from_host(flat, Shape{n, c}, in, device);
  Tensor y = Tensor::from_host(std::vector<double>(labels.begin(), labels.end()), Shape{n}, DType::I32, device);
  LossOutputs out;
  out.per_sample = Tensor::empty(Shape{n}, dt, device);
  out.loss = Tensor::empty(Shape{1}, dt, device);
  out.correct = Tensor::empty(Shape{1}, dt, device);
  out.dloss_da = Tensor::empty(Shape{1}, dt, device);
  out.dlogits = Tensor::empty(Shape{n, c}, in, device);
  // NaN in every output first: a value the kernel never wrote then shows as NaN, not as
  // whatever the allocator left there (the tests compare these with the reference).
  for (Tensor* t : {&out.per_sample, &out.loss, &out.correct, &out.dloss_da, &out.dlogits})
    t->fill(std::numeric_limits<double>::quiet_NaN());
  const size_t scratch = setup.scratch_bytes;
  out.scratch = Tensor::from_host(std::vector<double>((scratch + 3) / 4, 0.0), Shape{int64_t((scratch + 3) / 4)},
                                  DType::F32, device);
  Context& ctx = Context::get(device);
  softmax_loss(ctx, setup, z, y, Tensor(), 1.0 / static_cast<double>(n), false, out);
  ctx.synchronize();

  LossReport r;
  r.n = n;
  r.classes = c;
  r.loss = out.loss.to_host()[0];
  r.per_sample = out.per_sample.to_host();
  r.correct = out.correct.to_host()[0];
  r.dloss_da = out.dloss_da.to_host()[0];
  const auto g = out.dlogits.to_host();
  for (int64_t i = 0; i < n; ++i) r.dlogits.emplace_back(g.begin() + i * c, g.begin() + (i + 1) * c);
  return r;
}

}  // namespace adma::kernels
