// Compiled (syntax only) by ctest, never linked: ADMA_DISPATCH must refuse a family
// whose cpu:: and cuda:: declarations differ. With -DADMA_SAME_SIGNATURES it must compile
// (the control that shows the test can pass).
#include "kernels/dispatch.h"

namespace adma::kernels {
namespace cpu {
void demo_scale(Context& ctx, Tensor& y, double factor);
}
namespace cuda {
#if defined(ADMA_SAME_SIGNATURES)
void demo_scale(Context& ctx, Tensor& y, double factor);
#else
void demo_scale(Context& ctx, Tensor& y, float factor);  // drifted: float, not double
#endif
}  // namespace cuda
inline void demo_scale(Context& ctx, Tensor& y, double factor) { ADMA_DISPATCH(ctx, demo_scale, ctx, y, factor); }
}  // namespace adma::kernels
