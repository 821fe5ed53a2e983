// The experiment layer (tasks/task.hpp, task_registry.hpp, settings.hpp, run_loop.hpp): the registry, the
// named settings bound to the configuration tree, and the one run loop (callbacks, model kinds, the
// selected epoch, divergence).
#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/tasks/line_drawing_task.hpp>
#include <ccrnn/tasks/procedural_digits.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/seqmnist_task.hpp>
#include <ccrnn/tasks/settings.hpp>
#include <ccrnn/tasks/task_registry.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tasks/caption_test_support.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;
using caption_test::small_caption;

namespace {

LineDrawingRunConfig small_line_drawing() {
  LineDrawingRunConfig c;
  c.model.hidden_size = 20;
  c.model.cerebellar.hidden_size = 30;
  c.epochs = 4;
  c.train_size = 100;  // 2 iterations per epoch
  c.validation_size = 20;
  c.test_repeats = 1;
  return c;
}

std::shared_ptr<const CaptionData> caption_data(const CaptionRunConfig& config) {
  return std::make_shared<const CaptionData>(load_caption_data(config));
}

template <class F>
std::string setting_error(F&& f) {
  return caption_test::error_of<SettingError>(std::forward<F>(f));
}

}  // namespace

TEST_CASE("task registry: the known tasks by name, and an unknown name names them", "[tasks][run_loop]") {
  const std::vector<std::string> names = task_names();
  REQUIRE(names.size() >= 3);
  CHECK(std::vector<std::string>(names.begin(), names.begin() + 3) == std::vector<std::string>{"linedraw", "seqmnist", "caption"});
  CHECK(task_names() == names);  // a fixed order
  for (const auto& name : names) {
    INFO(name);
    CHECK(std::count(names.begin(), names.end(), name) == 1);
    const auto task = make_task(name);
    REQUIRE(task != nullptr);
    CHECK(task->name() == name);
    CHECK(!task->settings().all().empty());
    CHECK(task->experiment().epochs >= 1);  // the papers' defaults
  }
  const std::string message = setting_error([] { make_task("line-drawing"); });
  CHECK_THAT(message, Catch::Contains("line-drawing"));
  for (const auto& name : names) CHECK_THAT(message, Catch::Contains(name));
  CHECK_THROWS_AS(make_task(""), SettingError);
  CHECK_THROWS_AS(make_task("Linedraw"), SettingError);  // names are exact
}

TEST_CASE("settings: assigned by dash or underscore name; unknown names and bad values are refused", "[tasks][run_loop]") {
  const auto task = make_line_drawing_task(small_line_drawing());
  Settings& s = task->settings();
  ExperimentConfig& c = task->experiment();
  REQUIRE(s.find("feedback-interval") != nullptr);
  CHECK(s.find("feedback-interval") == s.find("feedback_interval"));
  CHECK(s.find("feedback_interval")->option() == "--feedback-interval");

  // Given flags: nothing is given at first; an assignment by either spelling marks the one setting.
  for (const Setting& setting : s.all()) CHECK_FALSE(setting.given);
  s.assign("train-size", "300");
  s.assign("val_size", "40");
  CHECK(s.given("train_size"));
  CHECK(s.given("train-size"));
  CHECK(s.given("val-size"));
  CHECK_FALSE(s.given("test_repeats"));
  CHECK_FALSE(s.given("no_such_setting"));
  CHECK(s.find("train_size")->get() == "300");
  CHECK(s.find("val_size")->get() == "40");

  // Unknown names list the known ones.
  const std::string unknown = setting_error([&] { s.assign("cerebellum-size", "3"); });
  CHECK_THAT(unknown, Catch::Contains("cerebellum-size"));
  CHECK_THAT(unknown, Catch::Contains("cerebellum_hidden"));
  CHECK_THAT(unknown, Catch::Contains("feedback_interval"));

  // Bad integers, reals and flags name the setting as the user sees it; the field keeps its value and
  // the setting does not count as given.
  const Index hidden = c.model.hidden_size;
  for (const char* bad : {"", "abc", "12x", "1.5", "-", "99999999999999999999"}) {
    INFO("hidden = '" << bad << "'");
    CHECK_THAT(setting_error([&] { s.assign("hidden", bad); }), Catch::Contains("--hidden"));
  }
  CHECK(c.model.hidden_size == hidden);
  CHECK_FALSE(s.given("hidden"));
  CHECK_THAT(setting_error([&] { s.assign("epochs", "3000000000"); }), Catch::Contains("--epochs"));  // beyond int
  const double lr = c.trainer.optimizer.lr;
  for (const char* bad : {"", "fast", "0.1x", "1e-3 "}) {
    INFO("lr = '" << bad << "'");
    CHECK_THAT(setting_error([&] { s.assign("lr", bad); }), Catch::Contains("--lr"));
  }
  CHECK(c.trainer.optimizer.lr == lr);
  CHECK_FALSE(s.given("lr"));
  CHECK_THAT(setting_error([&] { s.assign("record_arrays", "maybe"); }), Catch::Contains("--record-arrays"));
  CHECK_THAT(setting_error([&] { s.assign("optimizer", "adamw"); }), Catch::Contains("--optimizer"));
  CHECK_THAT(setting_error([&] { s.assign("cell", "rnn"); }), Catch::Contains("--cell"));

  // Flags: every accepted spelling, and a negated flag clears its field.
  for (const auto& [text, value] : std::vector<std::pair<std::string, bool>>{
           {"1", true}, {"0", false}, {"TRUE", true}, {"off", false}, {"yes", true}, {"No", false}, {"on", true}}) {
    s.assign("record-arrays", text);
    CHECK(c.recording.arrays == value);
  }
  CHECK(c.trainer.tbptt.final_injection);
  CHECK(s.find("no_final_injection")->get() == "0");
  s.assign("no-final-injection", "1");
  CHECK_FALSE(c.trainer.tbptt.final_injection);
  CHECK(s.find("no_final_injection")->get() == "1");
  s.assign("optimizer", "sgd");
  CHECK(c.trainer.optimizer.kind == OptimizerKind::sgd);
  CHECK(s.find("optimizer")->get() == "sgd");

  // Kinds as --help and the results files type them.
  CHECK(s.find("hidden")->kind == Setting::Kind::integer);
  CHECK(s.find("lr")->kind == Setting::Kind::real);
  CHECK(s.find("record_arrays")->kind == Setting::Kind::flag);
  CHECK(s.find("optimizer")->kind == Setting::Kind::text);
  CHECK(s.find("cerebellum_hidden")->cerebellar);
  CHECK_FALSE(s.find("hidden")->cerebellar);
}

TEST_CASE("settings: a setting bound to a nested field changes that field and the runs", "[tasks][run_loop]") {
  SECTION("line drawing") {
    const auto task = make_line_drawing_task(small_line_drawing());
    Settings& s = task->settings();
    s.assign("cerebellum-hidden", "23");
    s.assign("cerebellum_layers", "3");
    s.assign("fibres", "4");
    s.assign("sg-scale", "0.25");
    s.assign("T", "2");
    s.assign("hidden", "9");
    s.assign("feedback-interval", "5");
    CHECK(s.find("io_lesion_clip")->get() == "exclude");  // the default: a clean freeze
    s.assign("io-lesion-clip", "include");
    CHECK_THAT(setting_error([&] { s.assign("io_lesion_clip", "all"); }), Catch::Contains("--io-lesion-clip"));
    const ExperimentConfig& c = task->experiment();
    CHECK(c.trainer.io_lesion_clip == IoLesionClip::include);
    CHECK(c.model.cerebellar.hidden_size == 23);
    CHECK(c.model.cerebellar.layers == 3);
    CHECK(c.model.cerebellar.fibres == 4);
    CHECK(c.trainer.tbptt.sg_scale == 0.25);
    CHECK(c.trainer.tbptt.truncation == 2);
    CHECK(c.model.hidden_size == 9);
    CHECK(task->settings().find("feedback_interval")->get() == "5");
    // Every run of a ccRNN gets them.
    const ExperimentConfig run = task->run_config(ModelKind::ccrnn);
    CHECK(run.model.cerebellum);
    CHECK(run.model.cerebellar.hidden_size == 23);
    CHECK(run.model.cerebellar.layers == 3);
    CHECK(run.trainer.tbptt.sg_scale == 0.25);
    CHECK(run.trainer.tbptt.truncation == 2);
    CHECK(run.trainer.io_lesion_clip == IoLesionClip::include);
    const auto started = task->start(run, 1);
    const Model<float>& model = started->model();
    REQUIRE(model.cerebellum.has_value());
    CHECK(model.cerebellum->config().hidden_size == 23);
    CHECK(model.cerebellum->config().layers == 3);
    CHECK(model.params.value(model.params.id("cerebellum.layers.0.weight")).rows() == 23);
    CHECK(model.config().hidden_size == 9);
    // The task's own field: feedback at every 5th step of the training batches.
    Trainer<float> trainer(started->model(), run.trainer);
    started->begin_epoch(1);
    const TrainingStep step = started->next_batch(trainer);
    REQUIRE(step.batch != nullptr);
    CHECK(step.batch->supervised == std::vector<unsigned char>{1, 0, 0, 0, 0, 1, 0, 0, 0, 0});
    // Cerebellar settings given without a ccRNN are refused by prepare.
    CHECK_NOTHROW(task->prepare({ModelKind::crnn, ModelKind::ccrnn}));
    CHECK_THAT(setting_error([&] { task->prepare({ModelKind::crnn}); }), Catch::Contains("--cerebellum-hidden"));
  }
  SECTION("captioning: the decoder is `model`, the embedding is `caption`") {
    const CaptionRunConfig config = small_caption();
    const auto task = make_caption_task(config, caption_data(config));
    task->settings().assign("embedding", "7");
    task->settings().assign("hidden", "11");
    task->prepare({});
    const auto started = task->start(task->run_config(std::nullopt), 1);
    CHECK(started->model().config().hidden_size == 11);
    CHECK(started->model().config().input_size == 7);
    REQUIRE(started->extra_parameters() != nullptr);
    const ParamSet<float>& encoder = *started->extra_parameters();
    CHECK(encoder.value(encoder.id("encoder.linear.weight")).rows() == 7);
    CHECK(encoder.value(encoder.id("encoder.linear.weight")).cols() == 16);
  }
  SECTION("seqMNIST: the target decides the output and the loss") {
    const auto task = make_seqmnist_task(SeqMnistRunConfig{}, std::make_shared<const MnistSplits>(procedural_mnist(1, 60, 20)));
    CHECK(task->run_config(ModelKind::crnn).model.output_size == 2);
    CHECK(task->run_config(ModelKind::crnn).trainer.tbptt.loss == LossKind::mse);
    task->settings().assign("target", "class");
    CHECK(task->run_config(ModelKind::crnn).model.output_size == 10);
    CHECK(task->run_config(ModelKind::crnn).trainer.tbptt.loss == LossKind::cross_entropy);
    CHECK(task->validation_curves() == std::vector<std::string>{"val_error", "val_accuracy"});
  }
}

TEST_CASE("settings: get() of a real gives the shortest text that parses back exactly", "[tasks][run_loop]") {
  Settings s;
  double x = 0.0;
  s.add("x", &x, "a real");
  for (double value : {0.1, 1e-9, 1.0 / 3.0, 0.1 + 0.2, 2.5e-308, 1.7976931348623157e308, -123456.789,
                       std::nextafter(1.0, 2.0), 0.0, 3e38, 1e-3}) {
    x = value;
    const std::string text = s.find("x")->get();
    INFO(text);
    CHECK(std::stod(text) == value);
    x = -1.0;
    s.assign("x", text);  // and back through the setting
    CHECK(x == value);
  }
  CHECK(format_real(0.1) == "0.1");
  CHECK(format_real(1e-9) == "1e-09");
  CHECK(format_real(0.5) == "0.5");
  CHECK(format_real(2.0) == "2");
}

TEST_CASE("settings: the shortest real text, subnormals and surrounding space", "[tasks][run_loop]") {
  // Once wrong: format_real gave "1e+02" for 100, and std::stod refused the subnormal text get() writes.
  CHECK(format_real(100.0) == "100");
  CHECK(format_real(1e22) == "1e+22");
  Settings s;
  double x = 4.9e-324;
  s.add("x", &x, "a real");
  const std::string text = s.find("x")->get();
  x = -1.0;
  CHECK_NOTHROW(s.assign("x", text));
  CHECK(x == 4.9e-324);
  CHECK_THROWS_AS(s.assign("x", " 1"), SettingError);
  int n = 0;
  s.add("n", &n, "an integer");
  CHECK_THROWS_AS(s.assign("n", " 7"), SettingError);
  CHECK(n == 0);
}

TEST_CASE("run loop: a callback that stops at epoch 2 gives the first 2 epochs of the full run", "[tasks][run_loop]") {
  for (ModelKind kind : {ModelKind::crnn, ModelKind::ccrnn}) {
    INFO(to_string(kind));
    const auto task = make_line_drawing_task(small_line_drawing());
    const RunRecord full = run_task(*task, kind, 7);
    REQUIRE(full.epochs_run == 4);
    REQUIRE(full.curves.at("train_error").size() == 4);
    std::vector<int> seen;
    const RunRecord stopped = run_task(*task, kind, 7, [&](const EpochReport& report) {
      seen.push_back(report.epoch);
      return report.epoch < 2;
    });
    CHECK(seen == std::vector<int>{1, 2});
    CHECK(stopped.epochs_run == 2);
    CHECK(stopped.model == to_string(kind));
    CHECK(stopped.seed == 7);
    for (const char* curve : {"train_error", "val_error"}) {
      INFO(curve);
      const auto& f = full.curves.at(curve);
      CHECK(stopped.curves.at(curve) == std::vector<double>(f.begin(), f.begin() + 2));  // bitwise
    }
    // Still tested, after epoch 2: the final training error is the stopped run's.
    CHECK(stopped.scalars.at("final_train_error") == stopped.curves.at("train_error").back());
    CHECK(stopped.scalars.count("test_error") == 1);
    CHECK(stopped.arrays.count("trajectories") == 1);
  }
}

TEST_CASE("run loop: the epoch callback sees the values of the curves", "[tasks][run_loop]") {
  SECTION("line drawing") {
    const auto task = make_line_drawing_task(small_line_drawing());
    std::vector<EpochReport> reports;
    const RunRecord r = run_task(*task, ModelKind::ccrnn, 3, [&](const EpochReport& report) {
      reports.push_back(report);
      return true;
    });
    REQUIRE(reports.size() == 4);
    for (size_t k = 0; k < reports.size(); ++k) {
      CHECK(reports[k].epoch == static_cast<int>(k) + 1);
      CHECK(reports[k].train == r.curves.at("train_error")[k]);
      REQUIRE(reports[k].validation.size() == 1);
      CHECK(reports[k].validation[0] == r.curves.at("val_error")[k]);
    }
  }
  SECTION("seqMNIST classification: two validation curves, in validation_curves() order") {
    SeqMnistRunConfig config;
    config.task.target = SeqMnistTarget::classify;
    config.epochs = 3;
    config.batch_size = 20;
    config.trainer.optimizer.lr = 1e-2;
    const auto task = make_seqmnist_task(config, std::make_shared<const MnistSplits>(procedural_mnist(1, 100, 20)));
    task->prepare({ModelKind::crnn});
    std::vector<EpochReport> reports;
    const RunRecord r = run_task(*task, ModelKind::crnn, 3, [&](const EpochReport& report) {
      reports.push_back(report);
      return true;
    });
    REQUIRE(reports.size() == 3);
    for (size_t k = 0; k < reports.size(); ++k) {
      CHECK(reports[k].train == r.curves.at("train_error")[k]);
      REQUIRE(reports[k].validation.size() == 2);
      CHECK(reports[k].validation[0] == r.curves.at("val_error")[k]);
      CHECK(reports[k].validation[1] == r.curves.at("val_accuracy")[k]);
      CHECK(reports[k].validation[1] >= 0.0);
      CHECK(reports[k].validation[1] <= 1.0);
    }
  }
}

TEST_CASE("run loop: the model kinds; bptt trains with T = L", "[tasks][run_loop]") {
  LineDrawingRunConfig config = small_line_drawing();
  config.epochs = 2;
  REQUIRE(config.trainer.tbptt.truncation == 1);
  REQUIRE(config.task.length == 10);
  const auto task = make_line_drawing_task(config);
  const ExperimentConfig crnn = task->run_config(ModelKind::crnn), ccrnn = task->run_config(ModelKind::ccrnn),
                         bptt = task->run_config(ModelKind::bptt);
  CHECK_FALSE(crnn.model.cerebellum);
  CHECK(ccrnn.model.cerebellum);
  CHECK_FALSE(bptt.model.cerebellum);
  CHECK(crnn.trainer.tbptt.truncation == 1);
  CHECK(ccrnn.trainer.tbptt.truncation == 1);
  CHECK(bptt.trainer.tbptt.truncation == 10);  // T = L

  // A bptt run is the cRNN run configured with T = L, bit for bit, and not the truncated one.
  LineDrawingRunConfig full_config = config;
  full_config.model.cerebellum = false;
  full_config.trainer.tbptt.truncation = 10;
  const RunRecord b = run_task(*task, ModelKind::bptt, 5);
  const RunRecord f = run_task(*make_line_drawing_task(full_config), std::nullopt, 5);
  const RunRecord t = run_task(*task, ModelKind::crnn, 5);
  CHECK(b.model == "bptt");
  CHECK(f.model == "custom");
  CHECK(b.curves.at("train_error") == f.curves.at("train_error"));
  CHECK(b.curves.at("val_error") == f.curves.at("val_error"));
  CHECK(b.scalars.at("test_error") == f.scalars.at("test_error"));
  CHECK(b.curves.at("train_error") != t.curves.at("train_error"));

  // seqMNIST: L = 28 rows; captioning: a window longer than any caption.
  const auto seqmnist = make_seqmnist_task(SeqMnistRunConfig{}, std::make_shared<const MnistSplits>(procedural_mnist(1, 60, 20)));
  CHECK(seqmnist->run_config(ModelKind::bptt).trainer.tbptt.truncation == 28);
  CHECK(seqmnist->run_config(ModelKind::crnn).trainer.tbptt.truncation == 3);
  const CaptionRunConfig caption_config = small_caption();
  const auto data = caption_data(caption_config);
  const auto caption = make_caption_task(caption_config, data);
  size_t longest = 0;
  for (const CaptionSet* set : {&data->train, &data->validation, &data->test})
    for (const auto& captions : set->captions)
      for (const auto& c : captions) longest = std::max(longest, tokenize(c).size());
  CHECK(caption->run_config(ModelKind::bptt).trainer.tbptt.truncation >= static_cast<Index>(longest) + 2);
  CHECK(caption->run_config(ModelKind::crnn).trainer.tbptt.truncation == 4);
}

TEST_CASE("run loop: captioning tests the epoch of the lowest validation cross-entropy", "[tasks][run_loop][caption]") {
  // A tiny training set (10 images) and a large step: the validation loss falls for an epoch or two, then
  // rises as the model overfits (here 2.51 1.97 2.01 2.01 2.08 2.11).
  CaptionRunConfig config = small_caption();
  config.scenes.train_images = 10;
  config.model.hidden_size = 32;
  config.epochs = 6;
  config.trainer.optimizer.lr = 3e-2;
  config.caption.dropout = 0.0;
  const auto task = make_caption_task(config, caption_data(config));
  task->prepare({ModelKind::crnn});
  const RunRecord full = run_task(*task, ModelKind::crnn, 2);
  const auto& val_ce = full.curves.at("val_ce");
  REQUIRE(val_ce.size() == 6);
  INFO("val_ce: " << val_ce[0] << " " << val_ce[1] << " " << val_ce[2] << " " << val_ce[3] << " " << val_ce[4] << " "
                  << val_ce[5]);
  const int argmin = static_cast<int>(std::min_element(val_ce.begin(), val_ce.end()) - val_ce.begin()) + 1;
  CHECK(full.scalars.at("best_epoch") == argmin);
  CHECK(full.scalars.at("best_val_bpw") == full.curves.at("val_bpw")[static_cast<size_t>(argmin - 1)]);
  REQUIRE(argmin < 6);  // the test is about selection: the last epoch is not the best here

  // The tested model is the best epoch's: a run stopped there tests the same parameters (encoder and batch
  // norm included), bit for bit.
  const RunRecord stopped = run_task(*task, ModelKind::crnn, 2, [&](const EpochReport& report) { return report.epoch < argmin; });
  CHECK(stopped.epochs_run == argmin);
  CHECK(stopped.scalars.at("best_epoch") == argmin);
  CHECK(stopped.scalars.at("test_ce") == full.scalars.at("test_ce"));
  CHECK(stopped.scalars.at("bleu4") == full.scalars.at("bleu4"));
  const auto& a = std::get<std::vector<std::string>>(stopped.arrays.at("captions").values);
  const auto& b = std::get<std::vector<std::string>>(full.arrays.at("captions").values);
  CHECK(a == b);
  // Stopped before the best epoch, the best of the epochs run is tested: another model.
  if (argmin > 1) {
    const RunRecord earlier = run_task(*task, ModelKind::crnn, 2, [&](const EpochReport& report) { return report.epoch < argmin - 1; });
    CHECK(earlier.scalars.at("best_epoch") < argmin);
    CHECK(earlier.scalars.at("test_ce") != full.scalars.at("test_ce"));
  }
}

TEST_CASE("run loop: a diverging run raises DivergenceError naming the seed", "[tasks][run_loop]") {
  LineDrawingRunConfig config = small_line_drawing();
  config.trainer.optimizer.lr = 1e38;  // weights overflow to inf within a few steps
  const auto task = make_line_drawing_task(config);
  task->prepare({ModelKind::crnn, ModelKind::ccrnn});
  for (ModelKind kind : {ModelKind::crnn, ModelKind::ccrnn}) {
    INFO(to_string(kind));
    try {
      run_task(*task, kind, 13);
      FAIL("no DivergenceError");
    } catch (const DivergenceError& e) {
      CHECK_THAT(std::string(e.what()), Catch::Contains("seed 13 "));
      CHECK_THAT(std::string(e.what()), Catch::Contains("diverged at epoch"));
    }
  }
  // A sane step on the same task does not diverge.
  LineDrawingRunConfig sane = small_line_drawing();
  CHECK_NOTHROW(run_task(*make_line_drawing_task(sane), ModelKind::ccrnn, 13));
}
