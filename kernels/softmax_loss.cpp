// Backend-independent parts of kernels/softmax_loss.h: setup, label and operand checks.
#include "kernels/softmax_loss.h"

#include "kernels/softmax_loss_layout.h"

namespace adma::kernels {

void check_labels(const std::vector<int32_t>& labels, int64_t classes) {
  for (size_t i = 0; i < labels.size(); ++i)
    ADMA_CHECK(labels[i] == kIgnoreLabel || (labels[i] >= 0 && labels[i] < classes), "label ", labels[i],
               " of sample ", i, " is outside [0, ", classes, ") (and is not -1, which ignores a row)");
}

const char* version_name(SoftmaxLossVersion v) {
  switch (v) {
    case SoftmaxLossVersion::Tuned: return "tuned";
    case SoftmaxLossVersion::RowPerThread: return "row-per-thread";
    case SoftmaxLossVersion::TwoPass: return "two-pass";
    case SoftmaxLossVersion::Registers: return "registers";
  }
  return "?";
}

SoftmaxLossSetup softmax_loss_setup(const LossParams& params, int64_t n, int64_t c, SoftmaxLossVersion version,
                                    bool validated) {
  if (!validated) losses::validate(params);
  ADMA_CHECK(n >= 0 && c >= 1, "loss: logits must be [N, C] with C >= 1, got [", n, ", ", c, "]");
  SoftmaxLossSetup s;
  s.params = params;
  s.f32 = losses::loss_consts<float>(params);
  s.f64 = losses::loss_consts<double>(params);
  s.n = n;
  s.c = c;
  s.scratch_bytes = loss_layout::scratch_bytes(n, c);
  s.version = version;
  return s;
}

void check_loss_operands(const SoftmaxLossSetup& s, const Tensor& logits, const Tensor& labels, const Tensor& a,
                         const LossOutputs& out) {
  ADMA_CHECK(logits.shape() == Shape({s.n, s.c}), "loss: logits ", logits.shape().str(), ", set up for [", s.n,
             ", ", s.c, "]");
  ADMA_CHECK(labels.dtype() == DType::I32 && labels.numel() == s.n, "loss: labels must be int32 [", s.n, "], got ",
             dtype_name(labels.dtype()), " ", labels.shape().str());
  const DType in = logits.dtype();
  ADMA_CHECK(in == DType::F32 || in == DType::F64 || in == DType::BF16, "loss: logits must be float32, float64 or ",
             "bfloat16, got ", dtype_name(in));
  ADMA_CHECK(in != DType::BF16 || logits.device().is_cpu() || s.version == SoftmaxLossVersion::Registers,
             "loss: bfloat16 logits on a GPU need the registers version of the kernel, not ", version_name(s.version));
  const DType dt = in == DType::BF16 ? DType::F32 : in;  // of the loss, the metrics and `a`
  ADMA_CHECK(!a.defined() || (a.numel() == 1 && a.dtype() == dt),
             "loss: a learnable scaling factor is one ", dtype_name(dt));
  ADMA_CHECK(out.per_sample.defined() && out.per_sample.numel() == s.n && out.per_sample.dtype() == dt,
             "loss: per_sample must be [", s.n, "] ", dtype_name(dt));
  for (const Tensor* t : std::initializer_list<const Tensor*>{&out.loss, &out.correct})
    ADMA_CHECK(t->defined() && t->numel() == 1 && t->dtype() == dt, "loss: loss and correct are one ", dtype_name(dt));
  ADMA_CHECK(!out.dloss_da.defined() || (out.dloss_da.numel() == 1 && out.dloss_da.dtype() == dt),
             "loss: dloss_da is one ", dtype_name(dt));
  ADMA_CHECK(!out.dlogits.defined() || (out.dlogits.shape() == logits.shape() && out.dlogits.dtype() == in),
             "loss: dlogits must match the logits ", logits.shape().str(), " ", dtype_name(in));
  ADMA_CHECK(logits.device().is_cpu() || out.scratch.nbytes() >= s.scratch_bytes, "loss: scratch of ",
             out.scratch.nbytes(), " bytes, need ", s.scratch_bytes);
}

}  // namespace adma::kernels
