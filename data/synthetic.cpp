// SyntheticSource: prototypes plus noise, reproducible from the seed.
#include "data/synthetic.h"

#include <numeric>

#include "core/labels.h"
#include "core/rng.h"

namespace adma::data {

SyntheticSource::SyntheticSource(const SyntheticOptions& o) : o_(o) {
  ADMA_CHECK(o.examples > 0 && o.batch > 0 && o.classes > 0 && o.channels > 0 && o.height > 0 && o.width > 0,
             "synthetic data: examples, batch, classes and image sizes must be > 0");
  ADMA_CHECK(o.noise >= 0, "synthetic data: noise must be >= 0, got ", o.noise);
  ADMA_CHECK(o.first >= 0, "synthetic data: first must be >= 0, got ", o.first);
  check_shard(o.shard, o.batch, "synthetic data");
  const int64_t f = o.channels * o.height * o.width;
  Rng rng(o.seed);
  prototypes_.resize(static_cast<size_t>(o.classes * f));
  for (auto& v : prototypes_) v = rng.uniform() < 0.5 ? -1.0 : 1.0;
  order_.resize(static_cast<size_t>(o.examples));
  std::iota(order_.begin(), order_.end(), 0);
}

void SyntheticSource::start_epoch(int64_t epoch) {
  std::iota(order_.begin(), order_.end(), 0);
  if (!o_.shuffle) return;
  Rng rng(philox(o_.seed, 0x5A7E0000ull + static_cast<uint64_t>(epoch)).v[0]);
  for (size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng.below(i)]);
}

void SyntheticSource::fill(int64_t i, Tensor& x, Tensor& labels) {
  const int64_t f = o_.channels * o_.height * o_.width, rows = batch_size();
  ADMA_CHECK(x.shape() == (Shape{rows, o_.channels, o_.height, o_.width}), "synthetic data: input is ",
             x.shape().str(), ", the source makes [", rows, ", ", o_.channels, ", ", o_.height, ", ", o_.width, "]");
  ADMA_CHECK(i >= 0 && i < batches(), "synthetic data: batch ", i, " of ", batches());
  std::vector<double> xs(static_cast<size_t>(rows * f), 0.0), ys(static_cast<size_t>(rows), kIgnoreLabel);
  const int64_t start = i * o_.batch + o_.shard.rank * rows;  // this shard's first row in the epoch's order
  for (int64_t r = 0; r < valid_rows(i); ++r) {
    const int64_t k = o_.first + order_[static_cast<size_t>(start + r)];
    const int64_t label = k % o_.classes;
    ys[static_cast<size_t>(r)] = static_cast<double>(label);
    Rng rng(philox(o_.seed, 0xDA7A000000ull + static_cast<uint64_t>(k)).v[0]);
    for (int64_t j = 0; j < f; ++j)
      xs[static_cast<size_t>(r * f + j)] = prototypes_[static_cast<size_t>(label * f + j)] + o_.noise * rng.normal();
  }
  x.copy_from(Tensor::from_host(xs, x.shape(), x.dtype(), Device::cpu()));
  labels.copy_from(Tensor::from_host(ys, labels.shape(), DType::I32, Device::cpu()));
}

}  // namespace adma::data
