#include "signals.hpp"

#include <atomic>
#include <csignal>

namespace ccrnn::apps {

namespace {

std::atomic<int> pending_signal{0};

extern "C" void on_signal(int signal) {
  if (pending_signal.exchange(signal) != 0) {  // the second one: stop waiting for the checkpoints
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
}

void throw_if_signalled() {
  if (const int signal = pending_signal.load()) throw Interrupted(signal);
}

}  // namespace

void install_interrupt_signals() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  set_interrupt_check(throw_if_signalled);
}

int received_signal() { return pending_signal.load(); }

int interrupted_exit_code(const Interrupted& interrupted) { return 128 + interrupted.signal(); }

}  // namespace ccrnn::apps
