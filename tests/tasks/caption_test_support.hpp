#pragma once
// Helpers shared by the caption tests (tests/tasks/test_caption_*.cpp).
#include <ccrnn/tasks/caption/run.hpp>

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

/// A captioning run of a few seconds on built-in scenes (40 training images, N = 16).
inline ccrnn::tasks::CaptionRunConfig small_caption() {
  ccrnn::tasks::CaptionRunConfig c;
  c.scenes.train_images = 40;
  c.scenes.validation_images = 30;
  c.scenes.test_images = 20;
  c.scenes.feature_size = 16;
  c.caption.embedding_size = 16;
  c.model.hidden_size = 16;
  c.model.cerebellar.hidden_size = 16;
  c.batch_size = 20;
  c.eval_batch_size = 50;
  return c;
}

}  // namespace caption_test
