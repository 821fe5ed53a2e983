// Caption data: the COCO caption JSON and feature HDF5 loaders on good and malformed files written here,
// the built-in scene data set, and the export -> load round trip.
#include <catch2/catch.hpp>

#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/caption/data.hpp>
#include <ccrnn/tasks/caption/scenes.hpp>
#include <ccrnn/tasks/caption/vocabulary.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "tasks/caption_test_support.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;
using caption_test::error_of;
using caption_test::ScratchDir;
using caption_test::write_text;

namespace {

/// A feature file with the given ids and rows (row-major n x width).
void write_features(const std::string& path, const std::vector<std::int64_t>& ids, const std::vector<float>& rows,
                    size_t width) {
  io::File f = io::File::create(path);
  f.root().write("image_ids", ids);
  f.root().write("features", rows, {ids.size(), width});
}

const char* kGoodJson = R"({
  "info": {"description": "test"},
  "images": [{"id": 10, "file_name": "a.jpg"}, {"id": 20}, {"id": 30}, {"id": 40}, {"id": 60}],
  "annotations": [
    {"id": 1, "image_id": 20, "caption": "A dog."},
    {"id": 2, "image_id": 10, "caption": "A cat"},
    {"id": 3, "image_id": 20, "caption": "   "},
    {"id": 4, "image_id": 10, "caption": "Two cats"},
    {"id": 5, "image_id": 40, "caption": "x"},
    {"id": 6, "image_id": 60, "caption": "\t"}
  ]
})";

std::string json_error(const ScratchDir& dir, const std::string& text) {
  const std::string path = dir.file("bad.json");
  write_text(path, text);
  const std::string message = error_of<CaptionDataError>([&] { read_coco_captions(path); });
  CHECK_THAT(message, Catch::StartsWith(path + ": "));
  return message;
}

}  // namespace

TEST_CASE("caption data: a COCO JSON and a feature file load with every skip counted", "[caption]") {
  ScratchDir dir;
  const std::string json = dir.file("captions.json"), features = dir.file("features.h5");
  write_text(json, kGoodJson);
  // ids 10, 20, 50 (no image), 40; width 3
  write_features(features, {10, 20, 50, 40}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3);

  const CocoCaptions coco = read_coco_captions(json);
  CHECK(coco.image_ids == std::vector<std::int64_t>{10, 20, 30, 40, 60});
  REQUIRE(coco.annotations.size() == 6);
  CHECK(coco.annotations[0].image_id == 20);
  CHECK(coco.annotations[0].caption == "A dog.");

  const FeatureTable table = read_features(features, 3);
  CHECK(table.image_ids == std::vector<std::int64_t>{10, 20, 50, 40});
  REQUIRE(table.features.rows() == 3);
  REQUIRE(table.features.cols() == 4);
  CHECK(table.features(0, 1) == 4.0f);  // row 1 of the file = image 20
  CHECK(table.features(2, 3) == 12.0f);

  CaptionLoadReport report;
  const CaptionSet set = load_coco_split(json, features, {}, &report);
  CHECK(set.image_ids == std::vector<std::int64_t>{10, 20, 40});  // JSON order; 30 has no caption, 60 an empty one
  REQUIRE(set.captions.size() == 3);
  CHECK(set.captions[0] == std::vector<std::string>{"A cat", "Two cats"});
  CHECK(set.captions[1] == std::vector<std::string>{"A dog."});  // the blank caption is skipped
  CHECK(set.captions[2] == std::vector<std::string>{"x"});
  REQUIRE(set.features.cols() == 3);
  CHECK(set.features.col(0) == Eigen::Vector3f(1, 2, 3));
  CHECK(set.features.col(1) == Eigen::Vector3f(4, 5, 6));
  CHECK(set.features.col(2) == Eigen::Vector3f(10, 11, 12));
  CHECK(set.caption_count() == 4);
  CHECK(report.images_listed == 5);
  CHECK(report.annotations == 6);
  CHECK(report.images_loaded == 3);
  CHECK(report.captions_loaded == 4);
  CHECK(report.images_without_captions == 2);
  CHECK(report.empty_captions == 2);
  CHECK(report.images_without_features == 0);
  CHECK(report.unused_features == 1);  // image 50
  CHECK_THAT(report.summary(), Catch::Contains("skipped 2 images without captions") &&
                                   Catch::Contains("skipped 2 empty captions") && Catch::Contains("ignored 1"));
}

TEST_CASE("caption data: captions of images without features are an error unless skipping is asked for", "[caption]") {
  ScratchDir dir;
  const std::string json = dir.file("captions.json"), features = dir.file("features.h5");
  write_text(json, kGoodJson);
  write_features(features, {10, 20}, {1, 2, 3, 4, 5, 6}, 3);  // no vector for image 40
  const std::string message = error_of<CaptionDataError>([&] { load_coco_split(json, features); });
  CHECK_THAT(message, Catch::StartsWith(json + ": ") && Catch::Contains("image 40 has 1 captions but no feature vector") &&
                          Catch::Contains(features));

  CaptionLoadOptions options;
  options.skip_missing_features = true;
  CaptionLoadReport report;
  const CaptionSet set = load_coco_split(json, features, options, &report);
  CHECK(set.image_ids == std::vector<std::int64_t>{10, 20});
  CHECK(report.images_without_features == 1);
  CHECK(report.captions_without_features == 1);
  CHECK(report.captions_loaded == 3);
  CHECK_THAT(report.summary(), Catch::Contains("skipped 1 images without features (1 captions)"));

  options.feature_size = 4;  // the expected width is checked through the split loader too
  CHECK_THAT(error_of<CaptionDataError>([&] { load_coco_split(json, features, options); }),
             Catch::Contains("feature width 3 does not match the expected width 4"));
}

TEST_CASE("caption data: a split left without any image after skipping is refused when loaded", "[caption]") {
  ScratchDir dir;
  const std::string json = dir.file("captions.json"), features = dir.file("features.h5");
  write_text(json, kGoodJson);
  write_features(features, {50}, {1, 2, 3}, 3);  // no captioned image has a feature vector
  CaptionLoadOptions options;
  options.skip_missing_features = true;
  CHECK_THAT(error_of<CaptionDataError>([&] { load_coco_split(json, features, options); }),
             Catch::StartsWith(json + ": ") && Catch::Contains("no image is left") && Catch::Contains(features) &&
                 Catch::Contains("skipped 3 images without features"));
}

TEST_CASE("caption data: every kind of malformed caption JSON is a clear error naming the file", "[caption]") {
  ScratchDir dir;
  CHECK_THAT(error_of<CaptionDataError>([&] { read_coco_captions(dir.file("missing.json")); }),
             Catch::Contains("missing.json: cannot open"));
  CHECK_THAT(json_error(dir, R"({"images": [)"), Catch::Contains("malformed JSON"));
  CHECK_THAT(json_error(dir, "not json at all"), Catch::Contains("malformed JSON"));
  CHECK_THAT(json_error(dir, "[1, 2]"), Catch::Contains("the top level must be an object, found array"));
  CHECK_THAT(json_error(dir, R"({"annotations": []})"), Catch::Contains("missing top-level field 'images'"));
  CHECK_THAT(json_error(dir, R"({"images": []})"), Catch::Contains("missing top-level field 'annotations'"));
  CHECK_THAT(json_error(dir, R"({"images": {}, "annotations": []})"), Catch::Contains("'images' must be an array, found object"));
  CHECK_THAT(json_error(dir, R"({"images": [], "annotations": 3})"), Catch::Contains("'annotations' must be an array, found number"));
  CHECK_THAT(json_error(dir, R"({"images": [{"id": 1}, {"file_name": "x"}], "annotations": []})"),
             Catch::Contains("images[1]: missing field 'id'"));
  CHECK_THAT(json_error(dir, R"({"images": [{"id": "7"}], "annotations": []})"),
             Catch::Contains("images[0].id: expected an integer, found string"));
  CHECK_THAT(json_error(dir, R"({"images": [{"id": 1.5}], "annotations": []})"),
             Catch::Contains("images[0].id: expected an integer, found number"));
  CHECK_THAT(json_error(dir, R"({"images": [7], "annotations": []})"),
             Catch::Contains("images[0]: expected an object, found number"));
  CHECK_THAT(json_error(dir, R"({"images": [{"id": 1}, {"id": 1}], "annotations": []})"),
             Catch::Contains("images[1]: image id 1 is listed twice"));
  CHECK_THAT(json_error(dir, R"({"images": [{"id": 1}], "annotations": [{"caption": "a"}]})"),
             Catch::Contains("annotations[0]: missing field 'image_id'"));
  CHECK_THAT(json_error(dir, R"({"images": [{"id": 1}], "annotations": [{"image_id": 1, "caption": "a"}, {"image_id": 1}]})"),
             Catch::Contains("annotations[1]: missing field 'caption'"));
  CHECK_THAT(json_error(dir, R"({"images": [{"id": 1}], "annotations": [{"image_id": 1, "caption": 5}]})"),
             Catch::Contains("annotations[0].caption: expected a string, found number"));
  CHECK_THAT(json_error(dir, R"({"images": [{"id": 1}], "annotations": [{"image_id": 99, "caption": "a"}]})"),
             Catch::Contains("annotations[0]: image_id 99 is not listed in 'images'"));
  CHECK_THAT(json_error(dir, R"({"images": [{"id": 1}], "annotations": ["a caption"]})"),
             Catch::Contains("annotations[0]: expected an object, found string"));
}

TEST_CASE("caption data: every kind of malformed feature file is a clear error naming the file", "[caption]") {
  ScratchDir dir;
  const auto feature_error = [&](const std::string& name, Index width = 0) {
    const std::string path = dir.file(name);
    const std::string message = error_of<CaptionDataError>([&] { read_features(path, width); });
    CHECK_THAT(message, Catch::StartsWith(path + ": "));
    return message;
  };
  CHECK_FALSE(feature_error("missing.h5").empty());
  write_text(dir.file("text.h5"), "this is not HDF5");
  CHECK_FALSE(feature_error("text.h5").empty());
  {
    io::File f = io::File::create(dir.file("no_features.h5"));
    f.root().write("image_ids", std::vector<std::int64_t>{1, 2});
  }
  CHECK_THAT(feature_error("no_features.h5"), Catch::Contains("missing dataset '/features'"));
  {
    io::File f = io::File::create(dir.file("no_ids.h5"));
    f.root().write("features", std::vector<float>{1, 2}, {1, 2});
  }
  CHECK_THAT(feature_error("no_ids.h5"), Catch::Contains("missing dataset '/image_ids'"));
  {
    io::File f = io::File::create(dir.file("rank1.h5"));
    f.root().write("image_ids", std::vector<std::int64_t>{1, 2});
    f.root().write("features", std::vector<float>{1, 2});
  }
  CHECK_THAT(feature_error("rank1.h5"), Catch::Contains("'/features' must be 2-D"));
  {
    io::File f = io::File::create(dir.file("ids2d.h5"));
    f.root().write("image_ids", std::vector<std::int64_t>{1, 2}, {1, 2});
    f.root().write("features", std::vector<float>{1, 2}, {1, 2});
  }
  CHECK_THAT(feature_error("ids2d.h5"), Catch::Contains("'/image_ids' must be 1-D"));
  {
    io::File f = io::File::create(dir.file("rows.h5"));
    f.root().write("image_ids", std::vector<std::int64_t>{1, 2});
    f.root().write("features", std::vector<float>{1, 2, 3, 4, 5, 6}, {3, 2});
  }
  CHECK_THAT(feature_error("rows.h5"), Catch::Contains("'/features' has 3 rows but '/image_ids' 2 entries"));
  write_features(dir.file("dup.h5"), {5, 5}, {1, 2, 3, 4}, 2);
  CHECK_THAT(feature_error("dup.h5"), Catch::Contains("image id 5 has two feature vectors"));
  {
    io::File f = io::File::create(dir.file("fraction.h5"));
    f.root().write("image_ids", std::vector<double>{1.0, 1.5});
    f.root().write("features", std::vector<float>{1, 2, 3, 4}, {2, 2});
  }
  CHECK_THAT(feature_error("fraction.h5"), Catch::Contains("'/image_ids'[1] is not an integer id"));
  write_features(dir.file("nan.h5"), {3, 7}, {1, 2, std::numeric_limits<float>::quiet_NaN(), 4}, 2);
  CHECK_THAT(feature_error("nan.h5"), Catch::Contains("non-finite value in row 1 (image id 7)"));
  write_features(dir.file("width.h5"), {3, 7}, {1, 2, 3, 4, 5, 6}, 3);
  CHECK_THAT(feature_error("width.h5", 4), Catch::Contains("feature width 3 does not match the expected width 4"));
  CHECK(read_features(dir.file("width.h5"), 3).features.rows() == 3);
}

TEST_CASE("caption scenes: the symbolic code and the fixed projection", "[caption]") {
  Scene scene;
  scene.objects.push_back({2, 5, 1, 4});  // triangle, orange, medium, centre
  scene.objects.push_back({0, 0, 2, 0});  // circle, red, large, top left
  const Eigen::VectorXf z = scene_code(scene);
  REQUIRE(z.size() == 162);
  CHECK(z.sum() == 8.0f);
  // cell 4 starts at 72: occupied 72, shape 73 + 2, colour 79 + 5, size 87 + 1
  CHECK(z(72) == 1.0f);
  CHECK(z(75) == 1.0f);
  CHECK(z(84) == 1.0f);
  CHECK(z(88) == 1.0f);
  CHECK(z(0) == 1.0f);
  CHECK(z(1) == 1.0f);
  CHECK(z(7) == 1.0f);
  CHECK(z(17) == 1.0f);

  const Eigen::MatrixXf p = scene_projection(64);
  REQUIRE(p.rows() == 64);
  REQUIRE(p.cols() == 162);
  CHECK(p == scene_projection(64));  // fixed
  const double mean = p.cast<double>().mean();
  const double var = (p.cast<double>().array() - mean).square().mean();
  CHECK(std::abs(mean) < 0.02);  // N(0, 1) entries: 10368 draws
  CHECK(std::abs(var - 1.0) < 0.05);
}

TEST_CASE("caption scenes: splits, captions and features are deterministic and describe the scene", "[caption]") {
  SceneCaptionConfig config;
  config.train_images = 120;
  config.validation_images = 20;
  config.test_images = 30;
  config.feature_size = 48;
  config.seed = 9;
  std::vector<Scene> scenes;
  const CaptionData data = make_scene_captions(config, &scenes);
  REQUIRE(data.train.size() == 120);
  REQUIRE(data.validation.size() == 20);
  REQUIRE(data.test.size() == 30);
  REQUIRE(scenes.size() == 170);
  CHECK(data.train.feature_size() == 48);

  const CaptionData again = make_scene_captions(config);
  CHECK(again.train.features == data.train.features);
  CHECK(again.test.captions == data.test.captions);
  config.seed = 10;
  const CaptionData other = make_scene_captions(config);
  CHECK(other.train.captions != data.train.captions);
  CHECK(other.train.features != data.train.features);

  std::set<std::int64_t> ids;
  for (const CaptionSet* set : {&data.train, &data.validation, &data.test})
    for (auto id : set->image_ids) ids.insert(id);
  CHECK(ids.size() == 170);  // unique across the splits

  const std::vector<std::string> colours = {"red", "green", "blue", "yellow", "purple", "orange", "black", "white"};
  const std::vector<std::string> shapes = {"circle", "square", "triangle", "star", "diamond", "cross"};
  const std::vector<std::string> counts = {"no", "one", "two", "three", "four"};
  Index shortest = 100, longest = 0;
  std::set<std::string> first_words;
  size_t k = 0;
  for (const CaptionSet* set : {&data.train, &data.validation, &data.test}) {
    for (Index i = 0; i < set->size(); ++i, ++k) {
      const Scene& scene = scenes[k];
      REQUIRE(!scene.objects.empty());
      REQUIRE(scene.objects.size() <= 4);
      const auto& captions = set->captions[static_cast<size_t>(i)];
      REQUIRE(captions.size() == 5);
      CHECK(std::set<std::string>(captions.begin(), captions.end()).size() == 5);  // distinct
      std::set<int> scene_colours, scene_shapes, cells;
      for (const auto& o : scene.objects) {
        scene_colours.insert(o.colour);
        scene_shapes.insert(o.shape);
        cells.insert(o.cell);
      }
      CHECK(cells.size() == scene.objects.size());
      for (const auto& caption : captions) {
        const auto tokens = tokenize(caption);
        shortest = std::min(shortest, static_cast<Index>(tokens.size()));
        longest = std::max(longest, static_cast<Index>(tokens.size()));
        first_words.insert(tokens.front());
        for (const auto& t : tokens) {  // every colour, shape and count named is true of the scene
          const auto c = std::find(colours.begin(), colours.end(), t);
          if (c != colours.end()) CHECK(scene_colours.count(static_cast<int>(c - colours.begin())) == 1);
          const auto s = std::find(shapes.begin(), shapes.end(), t);
          if (s != shapes.end()) CHECK(scene_shapes.count(static_cast<int>(s - shapes.begin())) == 1);
        }
        for (size_t n = 1; n < counts.size(); ++n)
          if (caption.find(counts[n] + " shape") != std::string::npos || caption.find(counts[n] + " coloured") != std::string::npos)
            CHECK(n == scene.objects.size());
      }
    }
  }
  CHECK(shortest >= 2);
  CHECK(shortest <= 3);
  CHECK(longest <= 21);
  CHECK(longest >= 15);
  CHECK(first_words.size() >= 6);  // varied phrasings

  // Zero noise: the features are exactly P z.
  config.feature_noise = 0.0;
  config.seed = 9;
  const CaptionData clean = make_scene_captions(config);
  const Eigen::MatrixXf p = scene_projection(48);
  for (Index i = 0; i < 5; ++i)
    CHECK((clean.train.features.col(i) - p * scene_code(scenes[static_cast<size_t>(i)])).norm() < 1e-4f);
  // Noise of std 0.5 (default) on top of the same scenes.
  const Eigen::MatrixXf noise = data.train.features - clean.train.features;
  const double sd = std::sqrt(noise.cast<double>().array().square().mean());
  CHECK(sd == Approx(0.5).epsilon(0.05));
}

TEST_CASE("caption scenes: spatial relations and sizes are described correctly", "[caption]") {
  Scene scene;
  scene.objects.push_back({0, 0, 2, 0});  // large red circle, top left
  scene.objects.push_back({1, 2, 0, 8});  // small blue square, bottom right
  Rng rng(3, Stream::data);
  int relations = 0;
  for (int i = 0; i < 60; ++i) {
    const std::string c = describe_scene(scene, rng, 5);
    const auto red = c.find("red circle"), blue = c.find("blue square");
    REQUIRE(red != std::string::npos);
    REQUIRE(blue != std::string::npos);
    if (red < blue) CHECK(c.find(" above ") != std::string::npos);
    else CHECK(c.find(" below ") != std::string::npos);
    ++relations;
    const std::string s = describe_scene(scene, rng, 7);  // "the <size> <shape> <position> is <colour>" of the largest
    CHECK_THAT(s, Catch::StartsWith("the large circle") || Catch::StartsWith("the big circle"));
    CHECK_THAT(s, Catch::Contains("is red"));
    CHECK_THAT(s, Catch::Contains("top left"));
  }
  CHECK(relations == 60);
  CHECK_THROWS_AS(describe_scene(scene, rng, 8), std::invalid_argument);
  CHECK_THROWS_AS(scene_captions(scene, rng, 9), std::invalid_argument);
  CHECK(scene_captions(scene, rng, 8).size() == 8);
}

TEST_CASE("caption data: export to COCO JSON + feature HDF5 reads back exactly", "[caption]") {
  ScratchDir dir;
  SceneCaptionConfig config;
  config.train_images = 40;
  config.validation_images = 5;
  config.test_images = 5;
  config.feature_size = 16;
  const CaptionData data = make_scene_captions(config);
  const std::string json = dir.file("sub/captions_train.json"), features = dir.file("sub/features_train.h5");
  export_coco_split(data.train, json, features);

  CaptionLoadReport report;
  const CaptionSet back = load_coco_split(json, features, {}, &report);
  CHECK(back.image_ids == data.train.image_ids);
  CHECK(back.features == data.train.features);  // bitwise: float32 on disk
  CHECK(back.captions == data.train.captions);
  CHECK(report.captions_loaded == 200);
  CHECK(report.images_loaded == 40);
  CHECK_THAT(report.summary(), Catch::Contains("0 skipped"));
  const CocoCaptions coco = read_coco_captions(json);
  CHECK(coco.annotations.size() == 200);

  // Existing files are replaced only when asked, and a refusal leaves them intact.
  const CaptionSet small = load_coco_split(json, features);
  CaptionSet other = data.validation;
  CHECK_THROWS_AS(export_coco_split(other, json, features), std::runtime_error);
  CHECK(load_coco_split(json, features).image_ids == small.image_ids);
  export_coco_split(other, json, features, true);
  CHECK(load_coco_split(json, features).image_ids == data.validation.image_ids);
}

TEST_CASE("caption data: generated captions are written atomically in the COCO results format", "[caption]") {
  ScratchDir dir;
  const std::string path = dir.file("results.json");
  const std::vector<GeneratedCaption> captions = {{7, "a red circle"}, {3, "two shapes on a plain background"}};
  write_coco_results(path, captions);
  const std::string text = caption_test::read_text(path);
  CHECK_THAT(text, Catch::StartsWith("[{"));
  CHECK_THAT(text, Catch::Contains(R"("image_id":7)") && Catch::Contains(R"("caption":"a red circle")"));
  const auto back = read_coco_results(path);
  REQUIRE(back.size() == 2);
  CHECK(back[1].image_id == 3);
  CHECK(back[1].caption == "two shapes on a plain background");
  CHECK_THROWS_AS(write_coco_results(path, {}), std::runtime_error);  // exists
  write_coco_results(path, {}, true);
  CHECK(read_coco_results(path).empty());
  write_text(path, R"({"image_id": 1})");
  CHECK_THAT(error_of<CaptionDataError>([&] { read_coco_results(path); }), Catch::Contains("must be an array"));
}
