// The built-in caption data set: random scenes of coloured shapes, a caption grammar and fixed features.
#include <ccrnn/tasks/caption/scenes.hpp>

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>

namespace ccrnn::tasks {

namespace {

constexpr int kShapes = 6, kColours = 8, kSizes = 3, kCells = 9, kPhrasings = 8;
const std::array<const char*, kShapes> kShapeWords = {"circle", "square", "triangle", "star", "diamond", "cross"};
const std::array<const char*, kColours> kColourWords = {"red", "green", "blue", "yellow", "purple", "orange", "black", "white"};
const std::array<std::vector<const char*>, kSizes> kSizeWords = {
    std::vector<const char*>{"small", "little", "tiny"}, std::vector<const char*>{"medium", "medium sized"},
    std::vector<const char*>{"large", "big"}};
const std::array<std::vector<const char*>, kCells> kPositions = {
    std::vector<const char*>{"in the top left corner", "at the top left"},
    std::vector<const char*>{"at the top", "in the top middle"},
    std::vector<const char*>{"in the top right corner", "at the top right"},
    std::vector<const char*>{"on the left", "on the left side"},
    std::vector<const char*>{"in the middle", "in the centre"},
    std::vector<const char*>{"on the right", "on the right side"},
    std::vector<const char*>{"in the bottom left corner", "at the bottom left"},
    std::vector<const char*>{"at the bottom", "in the bottom middle"},
    std::vector<const char*>{"in the bottom right corner", "at the bottom right"}};
const std::array<const char*, 5> kCounts = {"no", "one", "two", "three", "four"};

template <class T>
const T& pick(const std::vector<T>& options, Rng& rng) {
  return options[static_cast<size_t>(rng.uniform_int(0, static_cast<std::int64_t>(options.size()) - 1))];
}

std::string with_article(const std::string& phrase) {
  const char c = phrase.empty() ? 'x' : phrase[0];
  const bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  return (vowel ? "an " : "a ") + phrase;
}

/// "[size] colour shape" without article.
std::string object_words(const SceneObject& o, Rng& rng, bool with_size) {
  std::string s;
  if (with_size) s = std::string(pick(kSizeWords[static_cast<size_t>(o.size)], rng)) + " ";
  return s + kColourWords[static_cast<size_t>(o.colour)] + " " + kShapeWords[static_cast<size_t>(o.shape)];
}

std::string position(const SceneObject& o, Rng& rng) { return pick(kPositions[static_cast<size_t>(o.cell)], rng); }

/// The largest object (the first drawn among equals).
const SceneObject& salient(const Scene& scene) {
  return *std::max_element(scene.objects.begin(), scene.objects.end(),
                           [](const SceneObject& a, const SceneObject& b) { return a.size < b.size; });
}

/// Where a is relative to b: rows first (above / below), then columns.
std::string relation(const SceneObject& a, const SceneObject& b) {
  const int ra = a.cell / 3, rb = b.cell / 3, ca = a.cell % 3, cb = b.cell % 3;
  if (ra < rb) return "above";
  if (ra > rb) return "below";
  return ca < cb ? "to the left of" : "to the right of";
}

std::string shapes_word(size_t k) { return k == 1 ? "shape" : "shapes"; }

}  // namespace

Scene random_scene(Rng& rng, Index max_objects) {
  if (max_objects < 1 || max_objects > 4) throw std::invalid_argument("scenes: max_objects must be in 1..4");
  Scene scene;
  const auto k = static_cast<int>(rng.uniform_int(1, max_objects));
  std::array<int, kCells> cells{};
  std::iota(cells.begin(), cells.end(), 0);
  for (int i = 0; i < k; ++i) {  // partial Fisher-Yates: k distinct cells
    std::swap(cells[static_cast<size_t>(i)], cells[static_cast<size_t>(rng.uniform_int(i, kCells - 1))]);
    SceneObject o;
    o.cell = cells[static_cast<size_t>(i)];
    o.shape = static_cast<int>(rng.uniform_int(0, kShapes - 1));
    o.colour = static_cast<int>(rng.uniform_int(0, kColours - 1));
    o.size = static_cast<int>(rng.uniform_int(0, kSizes - 1));
    scene.objects.push_back(o);
  }
  return scene;
}

Eigen::VectorXf scene_code(const Scene& scene) {
  Eigen::VectorXf z = Eigen::VectorXf::Zero(scene_code_size);
  for (const auto& o : scene.objects) {
    const Index base = 18 * o.cell;
    z(base) = 1;
    z(base + 1 + o.shape) = 1;
    z(base + 1 + kShapes + o.colour) = 1;
    z(base + 1 + kShapes + kColours + o.size) = 1;
  }
  return z;
}

Eigen::MatrixXf scene_projection(Index feature_size) {
  if (feature_size < 1) throw std::invalid_argument("scenes: feature size must be >= 1");
  Rng rng(scene_projection_seed, static_cast<std::uint64_t>(feature_size));
  Eigen::MatrixXf p(feature_size, scene_code_size);
  for (Index r = 0; r < feature_size; ++r)
    for (Index c = 0; c < scene_code_size; ++c) p(r, c) = static_cast<float>(rng.normal());
  return p;
}

std::string describe_scene(const Scene& scene, Rng& rng, int phrasing) {
  if (scene.objects.empty()) throw std::invalid_argument("scenes: a scene needs at least one object");
  const auto& objs = scene.objects;
  const size_t k = objs.size();
  const SceneObject& main = salient(scene);
  // Every random choice is its own statement: operands of + are unsequenced, and the captions must not
  // depend on the compiler's evaluation order.
  std::string s;
  switch (phrasing) {
    case 0:  // a red circle
      s = with_article(object_words(main, rng, false));
      break;
    case 1: {  // a small red circle in the top left corner
      const std::string object = with_article(object_words(main, rng, true));
      s = object + " " + position(main, rng);
      break;
    }
    case 2:  // there is a red circle on the left / there are three shapes , including a red circle
      if (k == 1) {
        const bool sized = rng.uniform() < 0.5;
        const std::string object = with_article(object_words(main, rng, sized));
        s = "there is " + object + " " + position(main, rng);
      } else {
        s = std::string("there are ") + kCounts[k] + " shapes , including " + with_article(object_words(main, rng, false));
      }
      break;
    case 3: {  // counts
      const int form = static_cast<int>(rng.uniform_int(0, 2));
      if (form == 0) s = std::string(kCounts[k]) + " " + shapes_word(k) + " on a plain background";
      else if (form == 1) s = std::string("a picture of ") + kCounts[k] + " coloured " + shapes_word(k);
      else s = std::string("an image with ") + kCounts[k] + " " + shapes_word(k);
      break;
    }
    case 4:  // a red circle , a blue square and a green star
      if (k == 1) {
        s = "just " + with_article(object_words(main, rng, false));
      } else {
        for (size_t i = 0; i < k; ++i) {
          if (i > 0) s += i + 1 == k ? " and " : " , ";
          s += with_article(object_words(objs[i], rng, false));
        }
      }
      break;
    case 5:  // a red circle above a big blue square
      if (k == 1) {
        const std::string object = with_article(object_words(main, rng, false));
        s = object + " alone " + position(main, rng);
      } else {
        const auto a = static_cast<size_t>(rng.uniform_int(0, static_cast<std::int64_t>(k) - 1));
        auto b = static_cast<size_t>(rng.uniform_int(0, static_cast<std::int64_t>(k) - 2));
        if (b >= a) ++b;
        const bool sized_a = rng.uniform() < 0.5;
        const std::string first = with_article(object_words(objs[a], rng, sized_a));
        const bool sized_b = rng.uniform() < 0.5;
        const std::string second = with_article(object_words(objs[b], rng, sized_b));
        s = first + " " + relation(objs[a], objs[b]) + " " + second;
      }
      break;
    case 6: {  // three shapes , including a medium sized red circle in the top left corner and a blue square
      const std::string object = with_article(object_words(objs[0], rng, true));
      s = std::string(kCounts[k]) + " " + shapes_word(k) + (k == 1 ? " : " : " , including ") + object + " " +
          position(objs[0], rng);
      if (k > 1) s += " and " + with_article(object_words(objs[1], rng, false));
      break;
    }
    case 7: {  // the large circle in the top left corner is red
      const std::string size = pick(kSizeWords[static_cast<size_t>(main.size)], rng);
      s = "the " + size + " " + kShapeWords[static_cast<size_t>(main.shape)] + " " + position(main, rng) + " is " +
          kColourWords[static_cast<size_t>(main.colour)];
      break;
    }
    default: throw std::invalid_argument("scenes: phrasing must be in 0..7");
  }
  if (rng.uniform() < 0.25) s += " .";
  return s;
}

std::vector<std::string> scene_captions(const Scene& scene, Rng& rng, Index n) {
  if (n < 1 || n > kPhrasings) throw std::invalid_argument("scenes: captions per image must be in 1..8");
  std::array<int, kPhrasings> order{};
  std::iota(order.begin(), order.end(), 0);
  for (int i = 0; i < n; ++i)
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(rng.uniform_int(i, kPhrasings - 1))]);
  std::vector<std::string> captions;
  for (int i = 0; i < n; ++i) captions.push_back(describe_scene(scene, rng, order[static_cast<size_t>(i)]));
  return captions;
}

CaptionData make_scene_captions(const SceneCaptionConfig& config, std::vector<Scene>* scenes) {
  if (config.train_images < 1 || config.validation_images < 1 || config.test_images < 1)
    throw std::invalid_argument("scenes: every split needs at least one image");
  if (config.feature_noise < 0) throw std::invalid_argument("scenes: feature noise must be >= 0");
  const Eigen::MatrixXf projection = scene_projection(config.feature_size);
  Rng rng(config.seed, Stream::data);
  CaptionData data;
  std::int64_t next_id = 1;
  if (scenes != nullptr) scenes->clear();
  for (CaptionSet* set : {&data.train, &data.validation, &data.test}) {
    const Index n = set == &data.train ? config.train_images
                    : set == &data.validation ? config.validation_images
                                              : config.test_images;
    set->features.resize(config.feature_size, n);
    for (Index i = 0; i < n; ++i) {
      const Scene scene = random_scene(rng, config.max_objects);
      set->image_ids.push_back(next_id++);
      set->captions.push_back(scene_captions(scene, rng, config.captions_per_image));
      auto x = set->features.col(i);
      x = projection * scene_code(scene);
      for (Index r = 0; r < config.feature_size; ++r) x(r) += static_cast<float>(config.feature_noise * rng.normal());
      if (scenes != nullptr) scenes->push_back(scene);
    }
  }
  return data;
}

}  // namespace ccrnn::tasks
