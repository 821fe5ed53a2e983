#pragma once
// SIGINT and SIGTERM (Ctrl-C, a cluster's pre-emption) end a run cleanly: the handler only records the
// signal; the training loops notice it at their next iteration (ccrnn::check_interrupt) and unwind with
// ccrnn::Interrupted, so that each run writes its checkpoint (when it keeps one), atomic outputs remove
// their temporary files and a sweep keeps every finished run. A second signal ends the process at once.
#include <ccrnn/core/interrupt.hpp>

namespace ccrnn::apps {

/// From now on SIGINT and SIGTERM make ccrnn::check_interrupt() throw ccrnn::Interrupted.
void install_interrupt_signals();

/// The signal received since install_interrupt_signals() (0: none).
int received_signal();

/// 128 + the signal, as a shell reports a process ended by it (130, 143).
int interrupted_exit_code(const Interrupted& interrupted);

}  // namespace ccrnn::apps
