// The trials data layer (docs/trials-format.md): files written here by hand with ccrnn's HDF5 wrapper
// load into the expected arrays, write_trials round-trips them, batches have ccrnn's layout and masks,
// and every kind of bad file is refused with a message naming the file and the problem.
#include <catch2/catch.hpp>

#include "support/error_of.hpp"
#include "support/scratch_dir.hpp"

#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/trials/file.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace ccrnn;
using namespace ccrnn::tasks;
using ccrnn::testing::error_of;
using ccrnn::testing::ScratchDir;
using ccrnn::testing::write_text;

namespace {

enum class Stored { f32, f64, i64, u8 };

/// One dataset of a hand-written file: row-major values, shape and stored type.
struct Dataset {
  std::vector<double> values;
  std::vector<std::size_t> dims;
  Stored type = Stored::f32;
};

/// A file as datasets by path ("/train/inputs") and root attributes; tests edit one, then write it.
struct FileSpec {
  std::map<std::string, Dataset> datasets;
  std::optional<std::int64_t> classes;
  std::optional<std::string> description;
  std::function<void(io::Group&)> also;  // anything else (odd attributes, stray members)
};

/// values[k] = offset + k / 2 (exact in float32), shape dims.
Dataset counting(std::vector<std::size_t> dims, double offset, Stored type = Stored::f32) {
  std::size_t n = 1;
  for (auto d : dims) n *= d;
  Dataset d{std::vector<double>(n), std::move(dims), type};
  for (std::size_t k = 0; k < n; ++k) d.values[k] = offset + 0.5 * static_cast<double>(k);
  return d;
}

Dataset integers(std::vector<double> values, std::vector<std::size_t> dims, Stored type = Stored::i64) {
  return {std::move(values), std::move(dims), type};
}

void write_spec(const std::string& path, const FileSpec& spec) {
  io::File file = io::File::create(path);
  io::Group root = file.root();
  for (const auto& [name, d] : spec.datasets) {
    switch (d.type) {
      case Stored::f32: root.write(name, std::vector<float>(d.values.begin(), d.values.end()), d.dims); break;
      case Stored::f64: root.write(name, d.values, d.dims); break;
      case Stored::i64: root.write(name, std::vector<std::int64_t>(d.values.begin(), d.values.end()), d.dims); break;
      case Stored::u8: root.write(name, std::vector<std::uint8_t>(d.values.begin(), d.values.end()), d.dims); break;
    }
  }
  if (spec.classes) root.set_attr("classes", *spec.classes);
  if (spec.description) root.set_attr("description", *spec.description);
  if (spec.also) spec.also(root);
}

// The training split's mask and labels (L = 4, n = 3), rows are steps: trial 0 is supervised at every
// step, trial 1 at steps 2-3, trial 2 at step 3; labels are -1 where the mask is 0.
const std::vector<double> train_mask{1, 0, 0,  //
                                     1, 0, 0,  //
                                     1, 1, 0,  //
                                     1, 1, 1};
const std::vector<double> train_labels{0, -1, -1,  //
                                       1, -1, -1,  //
                                       2, 0, -1,   //
                                       0, 1, 2};

/// A valid classification file: train (L 4, n 3, I 2) with a mask, validation (L 5, n 2) without,
/// test (L 3, n 2) with a uint8 mask and float64 inputs; context C = 2 everywhere; 3 classes.
FileSpec classification_spec() {
  FileSpec s;
  s.datasets["/train/inputs"] = counting({4, 3, 2}, 1.0);
  s.datasets["/train/labels"] = integers(train_labels, {4, 3});
  s.datasets["/train/mask"] = integers(train_mask, {4, 3});
  s.datasets["/train/context"] = counting({3, 2}, -1.0);
  s.datasets["/validation/inputs"] = counting({5, 2, 2}, 100.0);
  s.datasets["/validation/labels"] = integers({0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, {5, 2});
  s.datasets["/validation/context"] = counting({2, 2}, 7.0);
  s.datasets["/test/inputs"] = counting({3, 2, 2}, -50.0, Stored::f64);
  s.datasets["/test/labels"] = integers({-1, 2, 1, -1, 0, 0}, {3, 2});
  s.datasets["/test/mask"] = integers({0, 1, 1, 0, 1, 1}, {3, 2}, Stored::u8);
  s.datasets["/test/context"] = counting({2, 2}, 3.0);
  s.classes = 3;
  s.description = "hand-written test trials";
  return s;
}

/// A valid regression file: train (L 4, n 3, I 2, O 2), validation (L 2, n 2), float64 targets there.
FileSpec regression_spec() {
  FileSpec s;
  s.datasets["/train/inputs"] = counting({4, 3, 2}, 0.0);
  s.datasets["/train/targets"] = counting({4, 3, 2}, 10.0);
  s.datasets["/validation/inputs"] = counting({2, 2, 2}, 20.0);
  s.datasets["/validation/targets"] = counting({2, 2, 2}, 30.0, Stored::f64);
  return s;
}

std::vector<float> as_floats(const Dataset& d) { return {d.values.begin(), d.values.end()}; }
std::vector<std::int64_t> as_ints(const Dataset& d) { return {d.values.begin(), d.values.end()}; }
std::vector<Index> as_dims(const Dataset& d) { return {d.dims.begin(), d.dims.end()}; }

/// The arrays of a split equal the spec's datasets below `prefix` ("/train/").
void check_split(const TrialSet& set, const FileSpec& spec, const std::string& prefix) {
  const auto& a = set.arrays();
  const auto& in = spec.datasets.at(prefix + "inputs");
  CHECK(a.inputs.values == as_floats(in));
  CHECK(a.inputs.dims == as_dims(in));
  const auto has = [&](const char* name) { return spec.datasets.count(prefix + name) > 0; };
  REQUIRE(a.targets.has_value() == has("targets"));
  if (has("targets")) CHECK(a.targets->values == as_floats(spec.datasets.at(prefix + "targets")));
  REQUIRE(a.labels.has_value() == has("labels"));
  if (has("labels")) CHECK(a.labels->values == as_ints(spec.datasets.at(prefix + "labels")));
  REQUIRE(a.mask.has_value() == has("mask"));
  if (has("mask")) CHECK(a.mask->values == as_ints(spec.datasets.at(prefix + "mask")));
  REQUIRE(a.context.has_value() == has("context"));
  if (has("context")) {
    CHECK(a.context->values == as_floats(spec.datasets.at(prefix + "context")));
    CHECK(a.context->dims == as_dims(spec.datasets.at(prefix + "context")));
  }
}

void check_same(const TrialSet& x, const TrialSet& y) {
  const auto &a = x.arrays(), &b = y.arrays();
  CHECK(a.inputs.values == b.inputs.values);
  CHECK(a.inputs.dims == b.inputs.dims);
  CHECK(a.targets.has_value() == b.targets.has_value());
  if (a.targets && b.targets) CHECK(a.targets->values == b.targets->values);
  CHECK(a.labels.has_value() == b.labels.has_value());
  if (a.labels && b.labels) CHECK(a.labels->values == b.labels->values);
  CHECK(a.mask.has_value() == b.mask.has_value());
  if (a.mask && b.mask) CHECK(a.mask->values == b.mask->values);
  CHECK(a.context.has_value() == b.context.has_value());
  if (a.context && b.context) CHECK(a.context->values == b.context->values);
}

/// Writes `spec` by hand and loads it: every split must hold the spec's arrays. Then write_trials writes
/// the loaded data to a second file, and loading that must give the same arrays again (returned second).
std::pair<TrialsData, TrialsData> load_and_round_trip(const FileSpec& spec, const ScratchDir& dir) {
  const std::string path = dir.file("by_hand.h5"), copy = dir.file("copy.h5");
  write_spec(path, spec);
  TrialsData data = load_trials(path);
  CHECK(data.source == path);
  const std::vector<std::pair<std::string, const TrialSet*>> splits{
      {"/train/", &data.train},
      {"/validation/", data.validation ? &*data.validation : nullptr},
      {"/test/", data.test ? &*data.test : nullptr}};
  for (const auto& [prefix, set] : splits) {
    REQUIRE((set != nullptr) == (spec.datasets.count(prefix + "inputs") > 0));
    if (set) check_split(*set, spec, prefix);
  }
  write_trials(copy, data);
  TrialsData back = load_trials(copy);
  CHECK(back.classes == data.classes);
  CHECK(back.description == data.description);
  check_same(back.train, data.train);
  REQUIRE(back.validation.has_value() == data.validation.has_value());
  if (back.validation) check_same(*back.validation, *data.validation);
  REQUIRE(back.test.has_value() == data.test.has_value());
  if (back.test) check_same(*back.test, *data.test);
  return {std::move(data), std::move(back)};
}

/// The training split of classification_spec, built in memory.
TrialSet classification_train() {
  const FileSpec s = classification_spec();
  TrialArrays a;
  a.inputs = {as_floats(s.datasets.at("/train/inputs")), {4, 3, 2}};
  a.labels = TrialArray<std::int64_t>{as_ints(s.datasets.at("/train/labels")), {4, 3}};
  a.mask = TrialArray<std::int64_t>{as_ints(s.datasets.at("/train/mask")), {4, 3}};
  a.context = TrialArray<float>{as_floats(s.datasets.at("/train/context")), {3, 2}};
  return TrialSet(std::move(a), {"test", ""});
}

}  // namespace

TEST_CASE("trials: a hand-written classification file loads exactly and round-trips through write_trials", "[trials]") {
  ScratchDir dir;
  const auto [data, back] = load_and_round_trip(classification_spec(), dir);
  CHECK(data.classes == 3);
  CHECK(data.description == "hand-written test trials");
  CHECK(data.is_classification());
  CHECK(data.input_size() == 2);
  CHECK(data.output_size() == 3);
  CHECK(data.context_size() == 2);
  CHECK(data.train.length() == 4);
  CHECK(data.train.size() == 3);
  REQUIRE(data.validation);
  REQUIRE(data.test);
  CHECK(data.validation->length() == 5);  // L may differ between splits
  CHECK(data.test->length() == 3);
  CHECK(data.train.supervised(2, 1));
  CHECK_FALSE(data.train.supervised(1, 1));
  CHECK(data.validation->supervised(4, 1));  // no mask: every step

  // What write_trials stores, as a reader without ccrnn's loader sees it.
  const io::Group root = io::File::open_read(back.source).root();
  CHECK(root.dataset_info("train/inputs").element_bytes == 4);
  CHECK(root.dataset_info("train/mask").element_bytes == 1);
  CHECK(root.attr_int("classes") == 3);
  CHECK(root.read("train/labels").data == train_labels);
}

TEST_CASE("trials: a regression file without validation mask or context round-trips", "[trials]") {
  ScratchDir dir;
  const auto [data, back] = load_and_round_trip(regression_spec(), dir);
  CHECK_FALSE(data.is_classification());
  CHECK(data.classes == 0);
  CHECK(data.output_size() == 2);
  CHECK(data.description.empty());
  CHECK_FALSE(data.test);
  CHECK_FALSE(io::File::open_read(back.source).root().has_attr("classes"));
}

TEST_CASE("trials: write_trials is atomic and refuses an existing file unless overwrite", "[trials]") {
  ScratchDir dir;
  const std::string source = dir.file("source.h5"), out = dir.file("out.h5");
  write_spec(source, regression_spec());
  const TrialsData data = load_trials(source);
  write_text(out, "keep me");
  CHECK_THROWS_WITH(write_trials(out, data), Catch::Contains(out) && Catch::Contains("exists"));
  CHECK(ccrnn::testing::read_text(out) == "keep me");
  write_trials(out, data, true);
  CHECK(load_trials(out).train.size() == 3);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);

  TrialsData invalid = data;  // validated before anything is written
  invalid.classes = 4;
  CHECK_THROWS_AS(write_trials(dir.file("never.h5"), invalid), DataError);
  CHECK_FALSE(std::filesystem::exists(dir.file("never.h5")));
}

TEST_CASE("trials: batches follow ccrnn's column order, with a mask only when the trials' rows differ", "[trials]") {
  const TrialSet set = classification_train();
  const auto input = [](Index t, Index i, Index k) { return static_cast<float>(1.0 + 0.5 * ((t * 3 + i) * 2 + k)); };
  const auto context = [](Index i, Index c) { return static_cast<float>(-1.0 + 0.5 * (i * 2 + c)); };

  SECTION("trials whose masks differ get the per-trial mask and supervised = any") {
    const std::vector<Index> trials{2, 0};
    const Batch<float> b = set.make_batch<float>(trials);
    CHECK(b.size == 2);
    CHECK(b.length == 4);
    REQUIRE(b.inputs.rows() == 2);
    REQUIRE(b.inputs.cols() == 8);
    for (Index t = 0; t < 4; ++t)
      for (Index j = 0; j < 2; ++j)
        for (Index k = 0; k < 2; ++k) CHECK(b.inputs(k, t * 2 + j) == input(t, trials[static_cast<size_t>(j)], k));
    CHECK(b.targets.size() == 0);
    // step t of sample j at t*2 + j: trial 2 has a label only at step 3, trial 0 at every step
    CHECK(b.labels == std::vector<int>{-1, 0, -1, 1, -1, 2, 2, 0});
    CHECK(b.mask == std::vector<unsigned char>{0, 1, 0, 1, 0, 1, 1, 1});
    CHECK(b.supervised == std::vector<unsigned char>{1, 1, 1, 1});
    REQUIRE(b.context.rows() == 2);
    REQUIRE(b.context.cols() == 2);
    CHECK(b.context(0, 0) == context(2, 0));
    CHECK(b.context(1, 0) == context(2, 1));
    CHECK(b.context(1, 1) == context(0, 1));
  }
  SECTION("trials with the same mask row share it through supervised; mask stays empty") {
    const Batch<double> b = set.make_batch<double>({1, 1});
    CHECK(b.mask.empty());
    CHECK(b.supervised == std::vector<unsigned char>{0, 0, 1, 1});
    CHECK(b.labels == std::vector<int>{-1, -1, -1, -1, 0, 0, 1, 1});
    CHECK(b.inputs(1, 2 * 2 + 1) == static_cast<double>(input(2, 1, 1)));
  }
  SECTION("supervised = any over the chosen trials only") {
    const Batch<float> b = set.make_batch<float>({1, 2});
    CHECK(b.supervised == std::vector<unsigned char>{0, 0, 1, 1});
    CHECK(b.mask == std::vector<unsigned char>{0, 0, 0, 0, 1, 0, 1, 1});
  }
  SECTION("a set without a mask supervises every step of every trial") {
    TrialArrays a;
    a.inputs = {std::vector<float>(2 * 3 * 1, 0.5f), {2, 3, 1}};
    a.targets = TrialArray<float>{{1, 2, 3, 4, 5, 6}, {2, 3, 1}};
    const TrialSet regression(std::move(a), {"test", ""});
    const Batch<float> b = regression.make_batch<float>({2, 0, 1});
    CHECK(b.mask.empty());
    CHECK(b.supervised == std::vector<unsigned char>{1, 1});
    CHECK(b.labels.empty());
    REQUIRE(b.targets.rows() == 1);
    CHECK(std::vector<float>(b.targets.data(), b.targets.data() + 6) == std::vector<float>{3, 1, 2, 6, 4, 5});
    CHECK(b.context.size() == 0);
  }
  SECTION("bad selections") {
    CHECK_THROWS_AS(set.make_batch<float>({}), std::invalid_argument);
    CHECK_THROWS_WITH(set.make_batch<float>({0, 3}), Catch::Contains("trial 3 is outside [0, 3)"));
    CHECK_THROWS_AS(set.make_batch<float>({-1}), std::out_of_range);
  }
}

TEST_CASE("trials: arrays in memory get the loader's checks, named after their source", "[trials]") {
  TrialArrays a;
  a.inputs = {std::vector<float>(4, 0.0f), {2, 2, 1}};
  a.labels = TrialArray<std::int64_t>{{0, 1, 1, 0}, {2, 2}};
  a.mask = TrialArray<std::int64_t>{{1, 0, 3, 1}, {2, 2}};
  CHECK_THROWS_WITH(TrialSet(a, {"TrialSet", ""}),
                    Catch::StartsWith("TrialSet: 'mask' has the value 3 at [1, 0]"));
  a.mask->values = {1, 1, 1, 1};
  TrialsData data;
  data.train = TrialSet(a, {"TrialSet", ""});
  data.classes = 1;
  CHECK_THROWS_WITH(validate_trials(data, "TrialsData"), Catch::StartsWith("TrialsData: 'classes' is 1"));
  data.classes = 2;
  CHECK_NOTHROW(validate_trials(data, "TrialsData"));
  CHECK_THROWS_WITH(validate_trials(TrialsData{}, "TrialsData"),
                    Catch::StartsWith("TrialsData: '/train' has no trials"));
}

namespace {

struct BadCase {
  const char* what;
  std::function<void(FileSpec&)> edit;
  std::vector<std::string> message;  // substrings of the error after "<path>: "
  bool regression = false;           // start from regression_spec() instead
};

void erase_split(FileSpec& s, const std::string& split) {
  for (auto it = s.datasets.begin(); it != s.datasets.end();)
    it = it->first.rfind("/" + split + "/", 0) == 0 ? s.datasets.erase(it) : std::next(it);
}

const double nan = std::numeric_limits<double>::quiet_NaN();
const double inf = std::numeric_limits<double>::infinity();

std::vector<BadCase> bad_cases() {
  return {
      {"no /train", [](FileSpec& s) { erase_split(s, "train"); }, {"missing group '/train'", "required"}},
      {"/train is a dataset",
       [](FileSpec& s) {
         erase_split(s, "train");
         s.datasets["/train"] = counting({2}, 0);
       },
       {"'/train' is not a group"}},
      {"no inputs", [](FileSpec& s) { s.datasets.erase("/validation/inputs"); },
       {"missing dataset '/validation/inputs'"}},
      {"both targets and labels", [](FileSpec& s) { s.datasets["/train/targets"] = counting({4, 3, 3}, 0); },
       {"'/train' has both 'targets'", "'labels'"}},
      {"neither targets nor labels", [](FileSpec& s) { s.datasets.erase("/test/labels"); },
       {"'/test' has neither 'targets'", "'labels'"}},
      {"inputs of rank 2", [](FileSpec& s) { s.datasets["/train/inputs"] = counting({4, 6}, 0); },
       {"'/train/inputs' must have 3 dimensions (L, n, I), found shape (4, 6)"}},
      {"labels of rank 3", [](FileSpec& s) { s.datasets["/train/labels"] = integers(train_labels, {4, 3, 1}); },
       {"'/train/labels' must have 2 dimensions (L, n), found shape (4, 3, 1)"}},
      {"mask of rank 1", [](FileSpec& s) { s.datasets["/train/mask"] = integers(train_mask, {12}); },
       {"'/train/mask' must have 2 dimensions (L, n), found shape (12,)"}},
      {"context of rank 1", [](FileSpec& s) { s.datasets["/train/context"] = counting({6}, 0); },
       {"'/train/context' must have 2 dimensions (n, C)"}},
      {"labels with another L",
       [](FileSpec& s) { s.datasets["/validation/labels"] = integers({0, 1, 2, 0, 1, 2, 0, 1}, {4, 2}); },
       {"'/validation/labels' has shape (4, 2) but '/validation/inputs' has shape (5, 2, 2)",
        "L (steps) differ, 4 vs 5"}},
      {"mask with another L", [](FileSpec& s) { s.datasets["/train/mask"] = integers(train_mask, {6, 2}); },
       {"'/train/mask' has shape (6, 2)", "L (steps) differ, 6 vs 4"}},
      {"mask with another n only",
       [](FileSpec& s) { s.datasets["/test/mask"] = integers({1, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 3}); },
       {"'/test/mask' has shape (3, 3) but '/test/inputs' has shape (3, 2, 2)", "n (trials) differ, 3 vs 2"}},
      {"context rows != trials", [](FileSpec& s) { s.datasets["/train/context"] = counting({4, 2}, 0); },
       {"'/train/context' has shape (4, 2)", "n (trials) differ, 4 vs 3"}},
      {"targets with another n", [](FileSpec& s) { s.datasets["/train/targets"] = counting({4, 2, 2}, 0); },
       {"'/train/targets' has shape (4, 2, 2)", "n (trials) differ, 2 vs 3"}, true},
      {"NaN in inputs", [](FileSpec& s) { s.datasets["/train/inputs"].values[2 * 6 + 2 * 2 + 1] = nan; },
       {"'/train/inputs' has a non-finite value (nan) at [2, 2, 1]"}},
      {"inf in targets", [](FileSpec& s) { s.datasets["/validation/targets"].values[5] = -inf; },
       {"'/validation/targets' has a non-finite value (-inf) at [1, 0, 1]"}, true},
      {"NaN in context", [](FileSpec& s) { s.datasets["/test/context"].values[3] = nan; },
       {"'/test/context' has a non-finite value (nan) at [1, 1]"}},
      {"float64 beyond float32", [](FileSpec& s) { s.datasets["/test/inputs"].values[0] = 1e300; },
       {"'/test/inputs' has a non-finite value (inf) at [0, 0, 0]", "float32's range"}},
      {"label >= classes", [](FileSpec& s) { s.datasets["/validation/labels"].values[7] = 3; },
       {"'/validation/labels' has the label 3 at [3, 1], outside [0, classes = 3)"}},
      {"label -1 where the mask is 1", [](FileSpec& s) { s.datasets["/train/labels"].values[10] = -1; },
       {"'/train/labels' has the label -1 at [3, 1], where the mask is 1"}},
      {"label -1 without a mask", [](FileSpec& s) { s.datasets["/validation/labels"].values[0] = -1; },
       {"'/validation/labels' has the label -1 at [0, 0]", "there is no mask"}},
      {"mask value 2", [](FileSpec& s) { s.datasets["/train/mask"].values[4] = 2; },
       {"'/train/mask' has the value 2 at [1, 1]", "only 0", "and 1"}},
      {"mask value -1", [](FileSpec& s) { s.datasets["/train/mask"].values[0] = -1; },
       {"'/train/mask' has the value -1 at [0, 0]"}},
      {"mask supervising nothing",
       [](FileSpec& s) { s.datasets["/test/mask"] = integers(std::vector<double>(6, 0), {3, 2}, Stored::u8); },
       {"'/test/mask' supervises nothing"}},
      {"float mask", [](FileSpec& s) { s.datasets["/train/mask"].type = Stored::f32; },
       {"'/train/mask' has type floating-point; it must be integer or boolean"}},
      {"classes missing", [](FileSpec& s) { s.classes.reset(); }, {"'classes' is missing", "at least 2"}},
      {"classes 1", [](FileSpec& s) { s.classes = 1; }, {"'classes' is 1", "at least 2"}},
      {"classes a float", [](FileSpec& s) {
         s.classes.reset();
         s.also = [](io::Group& root) { root.set_attr("classes", 3.0); };
       },
       {"attribute 'classes'", "floating-point, expected integer"}},
      {"classes with targets", [](FileSpec& s) { s.classes = 2; }, {"'classes' is 2", "regression targets"}, true},
      {"description not a string",
       [](FileSpec& s) {
         s.description.reset();
         s.also = [](io::Group& root) { root.set_attr("description", std::int64_t{4}); };
       },
       {"attribute 'description'", "expected string"}},
      {"context missing in one split", [](FileSpec& s) { s.datasets.erase("/validation/context"); },
       {"'/validation/context' is missing but '/train/context' is present", "every split or in none"}},
      {"context only in a later split", [](FileSpec& s) { s.datasets["/validation/context"] = counting({2, 4}, 0); },
       {"'/train/context' is missing but '/validation/context' is present"}, true},
      {"context widths differ", [](FileSpec& s) { s.datasets["/test/context"] = counting({2, 3}, 0); },
       {"'/test/context' has C = 3 context features but '/train/context' has 2"}},
      {"input widths differ", [](FileSpec& s) { s.datasets["/validation/inputs"] = counting({5, 2, 4}, 0); },
       {"'/validation/inputs' has I = 4 input features but '/train/inputs' has 2"}},
      {"target widths differ", [](FileSpec& s) { s.datasets["/validation/targets"] = counting({2, 2, 1}, 0); },
       {"'/validation/targets' has O = 1 target outputs but '/train/targets' has 2"}, true},
      {"labels in one split, targets in another",
       [](FileSpec& s) {
         s.datasets.erase("/test/labels");
         s.datasets.erase("/test/mask");
         s.datasets["/test/targets"] = counting({3, 2, 3}, 0);
       },
       {"'/test' has targets but '/train' has labels"}},
      {"zero trials", [](FileSpec& s) { s.datasets["/train/inputs"] = counting({4, 0, 2}, 0); },
       {"'/train/inputs' has shape (4, 0, 2): no trials (n = 0)"}},
      {"zero steps",
       [](FileSpec& s) {
         s.datasets["/validation/inputs"] = counting({0, 2, 2}, 0);
         s.datasets["/validation/labels"] = integers({}, {0, 2});
       },
       {"'/validation/inputs' has shape (0, 2, 2): no steps (L = 0)"}},
      {"zero-width targets", [](FileSpec& s) { s.datasets["/train/targets"] = counting({4, 3, 0}, 0); },
       {"'/train/targets' has shape (4, 3, 0): no target outputs (O = 0)"}, true},
      {"integer inputs", [](FileSpec& s) { s.datasets["/train/inputs"].type = Stored::i64; },
       {"'/train/inputs' has type integer; it must be floating-point"}},
      {"float labels", [](FileSpec& s) { s.datasets["/train/labels"].type = Stored::f64; },
       {"'/train/labels' has type floating-point; it must be integer"}},
      {"a misspelt dataset", [](FileSpec& s) { s.datasets["/train/masks"] = integers(train_mask, {4, 3}); },
       {"'/train/masks' is not part of the trials format", "inputs, targets, labels, mask, context"}},
      {"a misspelt split", [](FileSpec& s) { s.datasets["/valid/inputs"] = counting({1, 1, 2}, 0); },
       {"'/valid' is not part of the trials format", "train, validation, test"}},
  };
}

}  // namespace

TEST_CASE("trials: every bad file is refused with a DataError naming the file, the dataset and the problem", "[trials]") {
  ScratchDir dir;
  int number = 0;
  for (const BadCase& c : bad_cases()) {
    INFO(c.what);
    FileSpec spec = c.regression ? regression_spec() : classification_spec();
    c.edit(spec);
    const std::string path = dir.file("bad" + std::to_string(++number) + ".h5");
    write_spec(path, spec);
    const std::string message = error_of<DataError>([&] { load_trials(path); });
    CHECK_THAT(message, Catch::StartsWith(path + ": "));
    for (const std::string& part : c.message) CHECK_THAT(message, Catch::Contains(part));
  }
}

TEST_CASE("trials: a missing file, a directory and a non-HDF5 file are DataErrors naming the path", "[trials]") {
  ScratchDir dir;
  const std::string missing = dir.file("missing.h5"), text = dir.file("text.h5");
  write_text(text, "inputs,labels\n1,2\n");
  CHECK_THAT(error_of<DataError>([&] { load_trials(missing); }),
             Catch::StartsWith(missing + ": ") && Catch::Contains("not found"));
  CHECK_THAT(error_of<DataError>([&] { load_trials(text); }),
             Catch::StartsWith(text + ": ") && Catch::Contains("not an HDF5 file"));
  CHECK_THAT(error_of<DataError>([&] { load_trials(dir.path().string()); }), Catch::Contains("directory"));
}

TEST_CASE("trials: masked-out labels may hold anything, and masks may be stored as uint8", "[trials]") {
  ScratchDir dir;
  const std::string path = dir.file("loose.h5");
  FileSpec spec = classification_spec();
  spec.datasets["/train/labels"].values[1] = -100;  // PyTorch's ignore_index, where the mask is 0
  spec.datasets["/train/labels"].values[2] = 99;
  spec.datasets["/train/mask"].type = Stored::u8;
  write_spec(path, spec);
  const TrialsData data = load_trials(path);
  CHECK(data.train.arrays().labels->values[1] == -100);
  const Batch<float> b = data.train.make_batch<float>({1, 2});
  CHECK(b.labels[0] == -1);  // never read: the batch says "no label"
  CHECK(b.labels[1] == -1);
}
