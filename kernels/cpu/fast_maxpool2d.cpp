// Fast CPU max pooling (kernels/cpu/fast.h): the reference's windows, planes
// (n, c) over threads; ties keep the first maximum, as the reference does.
#include "kernels/cpu/fast.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels::cpu::fast {

namespace {
// f(output index, arg-max index in x) for every window of plane `pl`.
template <typename T, typename F>
void windows_of_plane(const MaxPool2dSetup& p, const T* x, int64_t pl, F&& f) {
  const int64_t h = p.in[2], w = p.in[3], oh = p.out_h(), ow = p.out_w();
  const T* xp = x + pl * h * w;
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j) {
      int64_t best = (i * p.sh) * w + j * p.sw;
      for (int64_t a = 0; a < p.kh; ++a)
        for (int64_t b = 0; b < p.kw; ++b) {
          const int64_t at = (i * p.sh + a) * w + j * p.sw + b;
          if (xp[at] > xp[best]) best = at;
        }
      f(pl * oh * ow + i * ow + j, pl * h * w + best);
    }
}
}  // namespace

void maxpool2d_forward(const MaxPool2dSetup& p, const Tensor& x, Tensor& y) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    parallel_for(p.in[0] * p.in[1], threads_for(p.in.numel()), [&](int64_t pl, int) {
      windows_of_plane(p, px, pl, [&](int64_t out, int64_t arg) { py[out] = px[arg]; });
    });
  });
}

void maxpool2d_backward(const MaxPool2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dx) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    parallel_for(p.in[0] * p.in[1], threads_for(p.in.numel()), [&](int64_t pl, int) {
      windows_of_plane(p, x.data<T>(), pl, [&](int64_t out, int64_t arg) { pdx[arg] += pdy[out]; });
    });
  });
}

}  // namespace adma::kernels::cpu::fast
