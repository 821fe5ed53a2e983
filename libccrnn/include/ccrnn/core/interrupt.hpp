#pragma once
// A process-wide hook that long loops (training runs, evaluation) call between batches, so that a host
// can abandon a run from outside: the Python bindings install a check that raises KeyboardInterrupt on
// Ctrl-C. The check reports by throwing; the exception unwinds out of the run like any other error.
// Without a check installed, check_interrupt() does nothing. Call it only outside OpenMP parallel regions.
#include <stdexcept>
#include <string>

namespace ccrnn {

/// "SIGINT", "SIGTERM", else "signal N".
inline std::string signal_name(int signal) {
  return signal == 2 ? "SIGINT" : signal == 15 ? "SIGTERM" : "signal " + std::to_string(signal);
}

/// What a check throws when the process was asked to stop (SIGINT, SIGTERM): the run loop writes its
/// checkpoint, if it keeps one, and lets it pass.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal) : std::runtime_error("interrupted by " + signal_name(signal)), signal_(signal) {}
  int signal() const { return signal_; }

 private:
  int signal_;
};

using InterruptCheck = void (*)();

/// Installs `check` (nullptr: none) and returns the previous one, so that callers can restore it.
InterruptCheck set_interrupt_check(InterruptCheck check) noexcept;

/// Runs the installed check, if any (which may throw).
void check_interrupt();

}  // namespace ccrnn
