#include "signals.hpp"

#include <ccrnn/core/interrupt.hpp>

#include <csignal>
#include <cstring>

namespace ccrnn::apps {

namespace {

volatile std::sig_atomic_t pending_signal = 0;

extern "C" void record_signal(int signal) {
  pending_signal = signal;
  std::signal(signal, SIG_DFL);  // a second Ctrl-C ends the process at once
}

void throw_if_signalled() {
  if (const int signal = pending_signal) throw Interrupted(signal);
}

}  // namespace

Interrupted::Interrupted(int signal)
    : std::runtime_error(std::string("interrupted by ") + (signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : strsignal(signal))),
      signal_(signal) {}

void interrupt_on_signals() {
  std::signal(SIGINT, record_signal);
  std::signal(SIGTERM, record_signal);
  set_interrupt_check(throw_if_signalled);
}

int received_signal() { return pending_signal; }

}  // namespace ccrnn::apps
