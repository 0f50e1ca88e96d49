// ImageBatches: device-resident data and one fused kernel per batch on CUDA; a
// prefetching worker thread on the CPU.
#include "data/image_batches.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/context.h"
#include "core/cuda/runtime.h"
#include "core/error.h"
#include "core/rng.h"

namespace adma::data {

std::vector<int32_t> epoch_order(int64_t examples, bool shuffle, uint64_t seed, int64_t epoch) {
  std::vector<int32_t> order(static_cast<size_t>(examples));
  for (int64_t i = 0; i < examples; ++i) order[static_cast<size_t>(i)] = static_cast<int32_t>(i);
  if (!shuffle) return order;
  Rng rng(kernels::order_key(seed, epoch));
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  return order;
}

namespace {
std::shared_ptr<Storage> to_device(const void* host, size_t bytes, Device device) {
  auto st = Storage::make(bytes ? bytes : 1, device);
  if (bytes == 0) return st;
  if (device.is_cpu())
    std::memcpy(st->data(), host, bytes);
  else
    cuda_rt::memcpy_sync(st->data(), host, bytes, cuda_rt::CopyKind::HostToDevice, device.index,
                         Context::get(device).stream);
  return st;
}
}  // namespace

ImageBatches::ImageBatches(const ImageSet& set, const BatchOptions& options, Device device)
    : opt_(options), device_(device) {
  ADMA_CHECK(options.batch_size > 0, "batch size must be positive, got ", options.batch_size);
  check_shard(options.shard, options.batch_size, "batches");
  ADMA_CHECK(set.size() > 0, set.source.empty() ? std::string("a split of the data") : set.source,
             " holds no examples to make batches from (is the split fraction or the example limit too small?)");
  ADMA_CHECK(set.size() < (int64_t{1} << 31), set.source, ": ", set.size(), " examples is more than 2^31 - 1");
  kernels::check_augment_spec(options.augment);
  examples_ = set.size();
  c_ = static_cast<int32_t>(set.channels);
  h_ = static_cast<int32_t>(set.height);
  w_ = static_cast<int32_t>(set.width);
  oc_ = options.out_channels > 0 ? options.out_channels : c_;
  oh_ = options.out_height > 0 ? options.out_height : h_;
  ow_ = options.out_width > 0 ? options.out_width : w_;
  ADMA_CHECK(options.channel_norm.mean.size() == options.channel_norm.std.size(), "per-channel normalisation: ",
             options.channel_norm.mean.size(), " means but ", options.channel_norm.std.size(), " standard deviations");
  // Built once, here: the only host-to-device copy of the data.
  images_ = to_device(set.pixels.data(), set.pixels.size(), device);
  labels_ = to_device(set.labels.data(), set.labels.size() * sizeof(int32_t), device);
  order_ = Storage::make(static_cast<size_t>(examples_) * sizeof(int32_t), device);
  kernels::check_batch_output(gather(0));  // the output size and normalisation, before the first batch
  if (device.is_cpu()) {
    next_x_ = Tensor::empty(Shape{batch_size(), oc_, oh_, ow_}, DType::F32, Device::cpu());
    next_labels_ = Tensor::empty(Shape{batch_size()}, DType::I32, Device::cpu());
    worker_ = std::thread([this] { worker_loop(); });
  }
}

ImageBatches::~ImageBatches() {
  if (worker_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
}

kernels::BatchGather ImageBatches::gather(int64_t i) const {
  kernels::BatchGather g;
  g.images = static_cast<const uint8_t*>(images_->data());
  g.labels = static_cast<const int32_t*>(labels_->data());
  g.order = static_cast<const int32_t*>(order_->data());
  g.examples = examples_;
  g.first = i * opt_.batch_size + opt_.shard.rank * batch_size();  // this shard's rows of global batch i
  g.rows = static_cast<int32_t>(batch_size());
  g.channels = c_;
  g.height = h_;
  g.width = w_;
  g.spec = opt_.augment;
  g.key = kernels::augment_key(opt_.seed, epoch_);
  g.mean = opt_.norm.mean;
  g.inv_std = opt_.norm.inv_std();
  g.out_channels = oc_;
  g.out_height = oh_;
  g.out_width = ow_;
  const auto& cn = opt_.channel_norm;
  g.norm_channels = static_cast<int32_t>(std::min<size_t>(cn.mean.size(), kernels::BatchGather::kMaxNormChannels + 1));
  for (int32_t c = 0; c < g.norm_channels && c < kernels::BatchGather::kMaxNormChannels; ++c) {
    g.channel_mean[c] = cn.mean[static_cast<size_t>(c)];
    g.channel_inv_std[c] = 1.0f / cn.std[static_cast<size_t>(c)];
  }
  return g;
}

void ImageBatches::start_epoch(int64_t epoch) {
  ADMA_CHECK(epoch >= 0, "epoch must be >= 0, got ", epoch);
  const std::vector<int32_t> order = epoch_order(examples_, opt_.shuffle, opt_.seed, epoch);
  Context& ctx = Context::get(device_);
  if (device_.is_cuda()) {
    // Stream-ordered: kernels of the previous epoch still reading `order_` run first.
    kernels::upload_bytes(ctx, order.data(), order.size() * sizeof(int32_t), order_->data());
    epoch_ = epoch;
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !busy_; });  // the worker reads order_ and epoch_
  std::memcpy(order_->data(), order.data(), order.size() * sizeof(int32_t));
  epoch_ = epoch;
  ready_ = -1;
  request(0);
}

void ImageBatches::request(int64_t i) {
  wanted_ = i;
  busy_ = true;
  cv_.notify_all();
}

void ImageBatches::worker_loop() {
  Context& ctx = Context::cpu();
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || (busy_ && ready_ != wanted_); });
    if (stop_) return;
    const int64_t i = wanted_;
    const kernels::BatchGather g = gather(i);
    lock.unlock();
    std::exception_ptr err;
    try {
      kernels::augment_batch(ctx, g, next_x_, next_labels_);
    } catch (...) {
      err = std::current_exception();
    }
    lock.lock();
    failure_ = err;
    ready_ = i;
    busy_ = false;
    cv_.notify_all();
  }
}

bool ImageBatches::wait_prepared(int64_t i, int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return !busy_ && ready_ == i; });
}

void ImageBatches::fill(int64_t i, Tensor& x, Tensor& labels) {
  ADMA_CHECK(epoch_ >= 0, "ImageBatches::fill before start_epoch");
  ADMA_CHECK(i >= 0 && i < batches(), "batch ", i, " of an epoch of ", batches());
  if (device_.is_cuda()) {
    kernels::augment_batch(Context::get(device_), gather(i), x, labels);
    return;
  }
  ADMA_CHECK(x.device().is_cpu() && labels.device().is_cpu(), "ImageBatches on the cpu fills cpu tensors, got ",
             x.device().str());
  std::unique_lock<std::mutex> lock(mu_);
  if (ready_ != i) {  // out of sequence (or first call after a skip): ask for it
    cv_.wait(lock, [this] { return !busy_; });
    if (ready_ != i) {
      request(i);
      cv_.wait(lock, [this] { return !busy_; });
    }
  }
  if (failure_) std::rethrow_exception(failure_);
  x.copy_from(next_x_);
  labels.copy_from(next_labels_);
  if (i + 1 < batches()) request(i + 1);  // prepared while the step on batch i runs
}

}  // namespace adma::data
