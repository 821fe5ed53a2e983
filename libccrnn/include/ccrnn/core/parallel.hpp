#pragma once
// The only place that says OpenMP. ccrnn parallelises over independent runs (seeds, sweep points), each
// run single-threaded, so results never depend on the thread count.
#include <exception>
#include <mutex>

#include <omp.h>

namespace ccrnn {

/// Number of hardware threads OpenMP would use by default.
inline int available_threads() { return omp_get_max_threads(); }

/// Calls body(i) for i in [0, n) on up to `threads` threads, handing out one index at a time (runs differ
/// in length). The first exception thrown by any body is rethrown here after all threads have stopped.
template <class Body>
void parallel_for_each_run(long n, int threads, Body&& body) {
  std::exception_ptr failure;
  std::mutex failure_mutex;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads > 0 ? threads : 1)
  for (long i = 0; i < n; ++i) {
    {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (failure) continue;  // stop handing out work after a failure
    }
    try {
      body(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace ccrnn
