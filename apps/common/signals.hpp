#pragma once
// SIGINT and SIGTERM (Ctrl-C, a cluster's pre-emption) end a run cleanly: the handler only records the
// signal; the training loops notice it at their next batch (ccrnn::check_interrupt) and unwind with
// Interrupted, so that atomic outputs remove their temporary files and a sweep keeps every finished run.
// A second signal while the first is being handled terminates at once (the default action).
#include <stdexcept>
#include <string>

namespace ccrnn::apps {

/// Thrown out of a run by check_interrupt() after SIGINT or SIGTERM.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }
  /// The conventional exit code of a program ended by this signal: 128 + its number (130, 143).
  int exit_code() const { return 128 + signal_; }

 private:
  int signal_;
};

/// Installs the handlers for SIGINT and SIGTERM and the interrupt check that throws Interrupted.
void interrupt_on_signals();

/// The signal received since interrupt_on_signals() (0: none).
int received_signal();

}  // namespace ccrnn::apps
