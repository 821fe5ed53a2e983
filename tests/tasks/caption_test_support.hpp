#pragma once
// Helpers shared by the caption tests (tests/tasks/test_caption_*.cpp).
#include <catch2/catch.hpp>

#include "support/error_of.hpp"
#include "support/scratch_dir.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>

namespace caption_test {

namespace fs = std::filesystem;

using ccrnn::testing::error_of;
using ccrnn::testing::read_text;
using ccrnn::testing::ScratchDir;
using ccrnn::testing::write_text;

}  // namespace caption_test
