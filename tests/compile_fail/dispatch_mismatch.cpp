// Compiled (syntax only) by ctest, never linked: ADMA_DISPATCH must refuse a family
// whose cpu:: and cuda:: declarations differ (default), or whose cpu:: and cpu_fast::
// declarations differ (-DADMA_FAST_DRIFTED). With -DADMA_SAME_SIGNATURES it must compile
// (the control that shows the test can pass), the fast side declared as its own function;
// with -DADMA_FAST_SERVED_BY_REFERENCE too, the fast side a using-declaration.
#include "kernels/dispatch.h"

namespace adma::kernels {
namespace cpu {
void demo_scale(Context& ctx, Tensor& y, double factor);
}
namespace cpu_fast {
#if defined(ADMA_FAST_SERVED_BY_REFERENCE)
using cpu::demo_scale;
#elif defined(ADMA_FAST_DRIFTED)
void demo_scale(Context& ctx, Tensor& y, float factor);  // drifted: float, not double
#else
void demo_scale(Context& ctx, Tensor& y, double factor);
#endif
}  // namespace cpu_fast
namespace cuda {
#if defined(ADMA_SAME_SIGNATURES) || defined(ADMA_FAST_DRIFTED)
void demo_scale(Context& ctx, Tensor& y, double factor);
#else
void demo_scale(Context& ctx, Tensor& y, float factor);  // drifted: float, not double
#endif
}  // namespace cuda
inline void demo_scale(Context& ctx, Tensor& y, double factor) { ADMA_DISPATCH(ctx, demo_scale, ctx, y, factor); }
}  // namespace adma::kernels
