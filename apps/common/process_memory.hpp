#pragma once

namespace ccrnn::apps {

/// Asks the C library to keep freed memory for reuse instead of returning it to the system. Training
/// allocates the same large temporaries (Eigen's product buffers, batches) thousands of times; returned
/// and re-requested, each costs fresh zero-filled pages, which measured a sixth of a seqMNIST run's time
/// (docs/benchmarks.md). The process's peak memory is unchanged; results are unaffected.
void keep_freed_memory();

}  // namespace ccrnn::apps
