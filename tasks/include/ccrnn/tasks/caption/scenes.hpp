#pragma once
// The built-in offline caption data set: procedurally generated scenes of one to four coloured shapes
// on a 3 x 3 canvas, each with several captions from a small grammar, and a fixed feature vector per
// image that carries everything the captions describe. Definitions: docs/caption-data.md.
//
// Scene: k objects (k uniform in 1..max_objects) in k distinct cells of the 3 x 3 grid; each object has a
// shape (6), a colour (8) and a size (3), all uniform.
// Symbolic code z (162 = 9 cells x 18): per cell, [occupied, shape one-hot (6), colour one-hot (8),
// size one-hot (3)], cells in row-major order (top left, top, top right, left, ..., bottom right).
// Feature vector: x = P z + noise * e, with P a FIXED F x 162 matrix of N(0, 1) entries (drawn from
// scene_projection_seed, independent of the data seed, so every data set of width F shares it) and e
// N(0, I) per image (from the data seed).
// Captions: captions_per_image distinct phrasings per image drawn from the grammar in scenes.cpp (a bare
// object, object with its position, "there is ...", counts, lists of all objects, spatial relations,
// long composite descriptions), with synonyms; 2 to about 20 tokens. Every caption is true of its scene.
#include <ccrnn/core/random.hpp>
#include <ccrnn/tasks/caption/data.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ccrnn::tasks {

struct SceneObject {
  int shape = 0;   // 0..5: circle, square, triangle, star, diamond, cross
  int colour = 0;  // 0..7: red, green, blue, yellow, purple, orange, black, white
  int size = 0;    // 0..2: small, medium, large
  int cell = 0;    // 0..8: row-major cell of the 3 x 3 grid (row 0 = top, column 0 = left)
};
struct Scene {
  std::vector<SceneObject> objects;  // in distinct cells, in the order drawn
};

struct SceneCaptionConfig {
  Index train_images = 4000;
  Index validation_images = 500;
  Index test_images = 500;
  Index captions_per_image = 5;  // distinct captions per image (1..8)
  Index max_objects = 4;         // 1..4
  Index feature_size = 512;      // F
  double feature_noise = 0.5;    // std of the Gaussian noise added to P z
  std::uint64_t seed = 1;        // the data set's seed (scenes, captions, noise); not the training seed
};

inline constexpr Index scene_code_size = 162;
inline constexpr std::uint64_t scene_projection_seed = 0x5CE7E5ull;

/// A random scene.
Scene random_scene(Rng& rng, Index max_objects);
/// The symbolic code z of a scene (162 values in {0, 1}).
Eigen::VectorXf scene_code(const Scene& scene);
/// The fixed projection P (F x 162) for feature width F.
Eigen::MatrixXf scene_projection(Index feature_size);
/// n distinct captions of the scene (1 <= n <= 8): n different phrasings drawn from rng, in random order.
std::vector<std::string> scene_captions(const Scene& scene, Rng& rng, Index n);
/// One caption of a given phrasing (0..7) with synonyms from rng; phrasings that need two objects fall
/// back to a one-object phrasing for a single-object scene.
std::string describe_scene(const Scene& scene, Rng& rng, int phrasing);

/// The three splits, deterministic in config (images in order: train, validation, test, from one stream
/// Rng(seed, Stream::data): per image its scene, its captions, then F noise draws, which are made even at
/// zero noise so that the scenes do not depend on the noise level). Image ids are 1, 2, ... across all
/// splits. scenes (optional) receives every scene in that order.
CaptionData make_scene_captions(const SceneCaptionConfig& config, std::vector<Scene>* scenes = nullptr);

}  // namespace ccrnn::tasks
