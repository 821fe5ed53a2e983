#pragma once
// The message of the exception a call throws, for tests that check what an error says.
#include <catch2/catch.hpp>

#include <string>

namespace ccrnn::testing {

/// The message of the exception of type E that f throws. If f throws nothing, the test fails and ""
/// is returned: FAIL_CHECK, not FAIL, so that a test checking many bad inputs reports every one.
/// Another exception type propagates and fails the test with its message.
template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  FAIL_CHECK("expected an exception");
  return {};
}

}  // namespace ccrnn::testing
