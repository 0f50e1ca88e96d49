// What the CPU backends run with, for programs and benchmarks: the fast backend's
// thread count, and a description for `adma devices`. The reference (kernels/cpu/) is
// single-threaded; the fast backend (kernels/cpu_fast/) splits work over images or
// channels with OpenMP and calls OpenBLAS single-threaded from inside those threads
// (OpenBLAS' own pthreads would fight OpenMP's for the same cores).
#pragma once
#include <string>

#include "core/context.h"

namespace adma::kernels {

// Sets the OpenMP thread count of the fast backend (n >= 1) and pins OpenBLAS to one thread.
void set_cpu_threads(int n);
// The thread count the fast backend runs with now.
int cpu_threads();
// One line: which CPU backend is in use, and what each runs with ("fast backend in use;
// fast (kernels/cpu_fast/): OpenMP over 2 thread(s), ...; reference (kernels/cpu/): ...").
std::string cpu_backends_description(Backend in_use);

}  // namespace adma::kernels
