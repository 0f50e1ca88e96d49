// How many cores the CPU kernels use. The fast path (kernels/cpu/fast.h) splits
// work over images or channels with OpenMP and calls OpenBLAS single-threaded from
// inside those threads (OpenBLAS' own pthreads would fight OpenMP's for the same
// cores); the reference path stays single-threaded.
#pragma once
#include <string>

namespace adma::kernels::cpu {

// Pins OpenBLAS to one thread, once per process: the fast path calls it from its own threads.
void blas_single_threaded();
// Sets the OpenMP thread count of the fast path (n >= 1) and pins OpenBLAS to one thread.
void set_threads(int n);
// The thread count the fast path runs with now.
int threads();
// One line for `adma devices`: what the CPU backend runs with.
std::string backend_description();

}  // namespace adma::kernels::cpu
