#pragma once
// A built-in stand-in for MNIST, so that the seqMNIST tasks run offline: 28x28 grey images of the ten
// digits, rendered from the stroke templates of digit_templates.hpp. It is NOT MNIST: results on it are
// not comparable with published MNIST numbers, only with each other.
//
// Each image: the digit's template with its grid points randomly displaced (a smooth distortion of the
// 3x3 grid), corners rounded by a random amount (Chaikin corner cutting), sometimes an extra stroke (the
// flag and foot of a 1, the crossbar of a 7); then a random affine map into the 28x28 frame (height,
// width, slant, rotation, offset), a random stroke width and edge softness (anti-aliased, blurred edges),
// a random ink intensity and uniform pixel noise of random amplitude, clamped to [0, 1].
//
// Deterministic: image i depends only on (seed, i), never on how many images are made at once or on the
// thread count. Labels are exactly balanced in every aligned block of 10 images (a seeded permutation
// of 0..9 per block).
#include <ccrnn/tasks/digit_images.hpp>

#include <cstdint>

namespace ccrnn::tasks {

/// Images first_index .. first_index + count - 1 of the procedural set with this seed (28x28).
/// Uses all OpenMP threads. Throws std::invalid_argument for a negative first_index or count.
DigitImages render_procedural_digits(std::uint64_t seed, Index first_index, Index count);

/// The label of image `index` of the procedural set with this seed (what render_procedural_digits gives it).
int procedural_label(std::uint64_t seed, Index index);

/// A training file of train_count images (indices 0..) and a test file of test_count images (a separate
/// index range, so the test set does not depend on train_count), split by split_training_set (48,000 +
/// 12,000 + 10,000 by default). source = "procedural(seed=<seed>)".
MnistSplits procedural_mnist(std::uint64_t seed, Index train_count = 60000, Index test_count = 10000);

}  // namespace ccrnn::tasks
