#pragma once
// A process-wide hook that long loops (training runs, evaluation) call between batches, so that a host
// can abandon a run from outside: the Python bindings install a check that raises KeyboardInterrupt on
// Ctrl-C. The check reports by throwing; the exception unwinds out of the run like any other error.
// Without a check installed, check_interrupt() does nothing. Call it only outside OpenMP parallel regions.
namespace ccrnn {

using InterruptCheck = void (*)();

/// Installs `check` (nullptr: none) and returns the previous one, so that callers can restore it.
InterruptCheck set_interrupt_check(InterruptCheck check) noexcept;

/// Runs the installed check, if any (which may throw).
void check_interrupt();

}  // namespace ccrnn
