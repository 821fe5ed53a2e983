// ccrnn-make-scenes: writes the built-in caption scenes as COCO-format files (captions JSON + feature
// HDF5 per split), so that ccrnn-caption's real loaders (and other COCO tools) can run on them.
#include "../common/cli.hpp"

#include <ccrnn/tasks/caption/data.hpp>
#include <ccrnn/tasks/caption/scenes.hpp>

#include <filesystem>
#include <iostream>

namespace {

using namespace ccrnn;
using namespace ccrnn::apps;

struct Options {
  std::string out;
  tasks::SceneCaptionConfig scenes;
  int seed = 1;
  bool overwrite = false;
};

po::options_description describe(Options& o) {
  po::options_description d("Output");
  d.add_options()
      ("out", po::value(&o.out), "directory for the six files (required; created if missing)")
      ("seed", option_with_default(&o.seed), "the data set's seed (as ccrnn-caption --data-seed)")
      ("scene-train", option_with_default(&o.scenes.train_images), "training images")
      ("scene-val", option_with_default(&o.scenes.validation_images), "validation images")
      ("scene-test", option_with_default(&o.scenes.test_images), "test images")
      ("captions-per-image", option_with_default(&o.scenes.captions_per_image), "captions per image (1-8)")
      ("feature-size", option_with_default(&o.scenes.feature_size), "feature vector width")
      ("feature-noise", option_with_default(&o.scenes.feature_noise), "std of the feature noise")
      ("overwrite", po::bool_switch(&o.overwrite), "replace existing files (otherwise refuse)");
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  po::options_description description = describe(o);
  po::variables_map vm;
  const char* names[3] = {"train", "val", "test"};
  try {
    if (!parse_options(argc, argv, "ccrnn-make-scenes",
                       "Writes ccrnn's built-in caption scenes (docs/caption-data.md) as COCO-format data:\n"
                       "  captions_<split>.json (images + annotations) and features_<split>.h5 (ids + features)\n"
                       "for split = train, val, test. ccrnn-caption --train-json DIR/captions_train.json\n"
                       "--train-features DIR/features_train.h5 ... then reads exactly the data that the built-in\n"
                       "set with the same options gives.",
                       description, vm))
      return exit_ok;
    if (o.out.empty()) throw UsageError("--out is required");
    require_at_least("seed", o.seed, 1);
    require_at_least("scene-train", static_cast<double>(o.scenes.train_images), 1);
    require_at_least("scene-val", static_cast<double>(o.scenes.validation_images), 1);
    require_at_least("scene-test", static_cast<double>(o.scenes.test_images), 1);
    require_at_least("captions-per-image", static_cast<double>(o.scenes.captions_per_image), 1);
    if (o.scenes.captions_per_image > 8) throw UsageError("--captions-per-image must be <= 8");
    require_at_least("feature-size", static_cast<double>(o.scenes.feature_size), 1);
    require_at_least("feature-noise", o.scenes.feature_noise, 0);
    for (const char* split : names)
      for (const std::string& file : {std::string("captions_") + split + ".json", std::string("features_") + split + ".h5"}) {
        const auto path = std::filesystem::path(o.out) / file;
        if (!o.overwrite && std::filesystem::exists(path))
          throw UsageError(path.string() + " exists; pass --overwrite to replace it");
      }
  } catch (const std::exception& e) {
    std::cerr << "ccrnn-make-scenes: " << e.what() << "\nTry 'ccrnn-make-scenes --help'.\n";
    return exit_usage;
  }
  try {
    o.scenes.seed = static_cast<std::uint64_t>(o.seed);
    const tasks::CaptionData data = tasks::make_scene_captions(o.scenes);
    std::filesystem::create_directories(o.out);
    const tasks::CaptionSet* sets[3] = {&data.train, &data.validation, &data.test};
    for (int i = 0; i < 3; ++i) {
      const auto dir = std::filesystem::path(o.out);
      tasks::export_coco_split(*sets[i], (dir / (std::string("captions_") + names[i] + ".json")).string(),
                               (dir / (std::string("features_") + names[i] + ".h5")).string(), o.overwrite);
      std::fprintf(stderr, "%s: %lld images, %lld captions\n", names[i], static_cast<long long>(sets[i]->size()),
                   static_cast<long long>(sets[i]->caption_count()));
    }
    return exit_ok;
  } catch (const std::exception& e) {
    std::cerr << "ccrnn-make-scenes: error: " << e.what() << "\n";
    return exit_failure;
  }
}
