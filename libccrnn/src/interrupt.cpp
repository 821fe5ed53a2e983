#include <ccrnn/core/interrupt.hpp>

#include <atomic>

namespace ccrnn {

namespace {
std::atomic<InterruptCheck> installed_check{nullptr};
}

InterruptCheck set_interrupt_check(InterruptCheck check) noexcept { return installed_check.exchange(check); }

void check_interrupt() {
  if (const InterruptCheck check = installed_check.load()) check();
}

}  // namespace ccrnn
