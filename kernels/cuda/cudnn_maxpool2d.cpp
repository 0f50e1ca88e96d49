// CUDA side of kernels/maxpool2d.h: cuDNN max pooling, deterministic backward; padded
// positions are outside every window for cuDNN's max pooling (the -inf rule of the header).
#include "kernels/maxpool2d.h"

#include "kernels/cuda/cudnn_util.h"

namespace adma::kernels {

namespace cuda {
struct MaxPool2dState {
  TensorDesc x, y;
  cudnnPoolingDescriptor_t pool = nullptr;
  ~MaxPool2dState() { cudnnDestroyPoolingDescriptor(pool); }
};
}  // namespace cuda

void cuda::maxpool2d_setup_init(Context&, MaxPool2dSetup& p) {
  expect_f32("maxpool2d", p.dtype);
  auto s = std::make_shared<MaxPool2dState>();
  s->x.set(p.in);
  s->y.set(Shape{p.in[0], p.in[1], p.out_h(), p.out_w()});
  CUDNN_CHECK(cudnnCreatePoolingDescriptor(&s->pool));
  CUDNN_CHECK(cudnnSetPooling2dDescriptor(s->pool, CUDNN_POOLING_MAX_DETERMINISTIC, CUDNN_NOT_PROPAGATE_NAN,
                                          static_cast<int>(p.kh), static_cast<int>(p.kw), static_cast<int>(p.ph),
                                          static_cast<int>(p.pw), static_cast<int>(p.sh), static_cast<int>(p.sw)));
  int n, c, h, w;
  CUDNN_CHECK(cudnnGetPooling2dForwardOutputDim(s->pool, s->x.d, &n, &c, &h, &w));
  ADMA_CHECK(h == p.out_h() && w == p.out_w(), "maxpool2d: cuDNN output ", h, "x", w, " differs from floor mode ",
             p.out_h(), "x", p.out_w());
  p.cuda = s;
}

void cuda::maxpool2d_forward(Context& ctx, const MaxPool2dSetup& p, const Tensor& x, Tensor& y) {
  auto& s = *p.cuda;
  CUDNN_CHECK(cudnnPoolingForward(cudnn_of(ctx), s.pool, &kOne, s.x.d, cptr(x), &kZero, s.y.d, ptr(y)));
}

void cuda::maxpool2d_backward(Context& ctx, const MaxPool2dSetup& p, const Tensor& x, const Tensor& y, const Tensor& dy,
                              Tensor& dx) {
  auto& s = *p.cuda;
  CUDNN_CHECK(cudnnPoolingBackward(cudnn_of(ctx), s.pool, &kOne, s.y.d, cptr(y), s.y.d, cptr(dy), s.x.d, cptr(x),
                                   &kOne, s.x.d, ptr(dx)));
}

}  // namespace adma::kernels
