#pragma once
// Helpers shared by the caption tests (tests/tasks/test_caption_*.cpp).
#include <catch2/catch.hpp>

#include "support/scratch_dir.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>

namespace caption_test {

namespace fs = std::filesystem;

using ccrnn::testing::read_text;
using ccrnn::testing::ScratchDir;
using ccrnn::testing::write_text;

/// The message of the exception of type E that f throws (fails the test if it throws nothing or another type).
template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  FAIL("expected an exception");
  return {};
}

}  // namespace caption_test
