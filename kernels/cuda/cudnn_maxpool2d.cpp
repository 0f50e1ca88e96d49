// CUDA side of kernels/maxpool2d.h: cuDNN max pooling, deterministic backward.
#include "kernels/maxpool2d.h"

#include "kernels/cuda/cudnn_util.h"

namespace adma::kernels::cuda {

namespace {
struct PoolState {
  TensorDesc x, y;
  cudnnPoolingDescriptor_t pool = nullptr;
  ~PoolState() { cudnnDestroyPoolingDescriptor(pool); }
};
PoolState& state(const MaxPoolPlan& p) { return *static_cast<PoolState*>(p.cuda.get()); }
}  // namespace

void maxpool_plan_init(Context&, MaxPoolPlan& p) {
  expect_f32("maxpool", p.dtype);
  ADMA_CHECK(p.in.rank() == 4, "maxpool: input must be [N, C, H, W], got ", p.in.str());
  ADMA_CHECK(p.out_h() > 0 && p.out_w() > 0, "maxpool: a ", p.kh, "x", p.kw, " window does not fit ", p.in.str());
  auto s = std::make_shared<PoolState>();
  s->x.set(p.in);
  s->y.set(Shape{p.in[0], p.in[1], p.out_h(), p.out_w()});
  CUDNN_CHECK(cudnnCreatePoolingDescriptor(&s->pool));
  CUDNN_CHECK(cudnnSetPooling2dDescriptor(s->pool, CUDNN_POOLING_MAX_DETERMINISTIC, CUDNN_NOT_PROPAGATE_NAN,
                                          static_cast<int>(p.kh), static_cast<int>(p.kw), 0, 0,
                                          static_cast<int>(p.sh), static_cast<int>(p.sw)));
  int n, c, h, w;
  CUDNN_CHECK(cudnnGetPooling2dForwardOutputDim(s->pool, s->x.d, &n, &c, &h, &w));
  ADMA_CHECK(h == p.out_h() && w == p.out_w(), "maxpool: cuDNN output ", h, "x", w, " differs from floor mode ",
             p.out_h(), "x", p.out_w());
  p.cuda = s;
}

void maxpool_forward(Context& ctx, const MaxPoolPlan& p, const Tensor& x, Tensor& y) {
  auto& s = state(p);
  CUDNN_CHECK(cudnnPoolingForward(cudnn_of(ctx), s.pool, &kOne, s.x.d, cptr(x), &kZero, s.y.d, ptr(y)));
}

void maxpool_backward(Context& ctx, const MaxPoolPlan& p, const Tensor& x, const Tensor& y, const Tensor& dy,
                      Tensor& dx) {
  auto& s = state(p);
  CUDNN_CHECK(cudnnPoolingBackward(cudnn_of(ctx), s.pool, &kOne, s.y.d, cptr(y), s.y.d, cptr(dy), s.x.d, cptr(x),
                                   &kOne, s.x.d, ptr(dx)));
}

}  // namespace adma::kernels::cuda
