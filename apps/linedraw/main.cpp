// ccrnn-linedraw: the papers' line-drawing task, cRNN vs ccRNN, many seeds in parallel, one HDF5 file.
#include "../common/cli.hpp"
#include "../common/run_attributes.hpp"
#include "results_file.hpp"

#include <ccrnn/core/parallel.hpp>
#include <ccrnn/metrics/statistics.hpp>
#include <ccrnn/tasks/line_drawing_run.hpp>
#include <ccrnn/io/atomic_output.hpp>
#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/version.hpp>

#include <cstdio>
#include <iostream>
#include <map>
#include <optional>

namespace {

using namespace ccrnn;
using namespace ccrnn::apps;

struct Options {
  std::string models = "crnn,ccrnn";
  std::string cell = "lstm";
  int hidden = 50;
  int layers = 1;
  int cerebellum_hidden = 400;
  int cerebellum_layers = 2;
  int fibres = 0;
  bool cue_context = false;
  int truncation = 1;
  int feedback_interval = 2;
  int epochs = 100;
  int batch = 50;
  int train_size = 800;
  int val_size = 200;
  int test_repeats = 10;
  double noise = 0.0;
  double lr = 1e-3;
  std::string optimizer = "adam";
  double beta1 = 0.9, beta2 = 0.98, eps = 1e-9, momentum = 0.9;
  double clip = 1.0;
  double sg_scale = 0.1;
  bool step_per_window = false;
  std::string seeds = "10";
  int threads = 0;
  int lesion_epoch = 0;
  int io_lesion_epoch = 0;
  std::string out = "results/linedraw.h5";
  bool overwrite = false;
  bool quiet = false;
};

po::options_description describe(Options& o) {
  po::options_description model("Model");
  model.add_options()
      ("model", option_with_default(&o.models), "models to train, a comma list of crnn (cortex alone) and ccrnn (cortex + cerebellum)")
      ("cell", option_with_default(&o.cell), "cortical cell: lstm, tanh or gru")
      ("hidden", option_with_default(&o.hidden), "cortical units N per layer")
      ("layers", option_with_default(&o.layers), "cortical layers")
      ("cerebellum-hidden", option_with_default(&o.cerebellum_hidden), "granule units M per cerebellar layer")
      ("cerebellum-layers", option_with_default(&o.cerebellum_layers), "cerebellar hidden (granule) layers k")
      ("fibres", option_with_default(&o.fibres), "mossy fibres (inputs) per granule unit; 0 = dense")
      ("sg-scale", option_with_default(&o.sg_scale), "scale gamma of the injected synthetic gradient")
      ("cerebellum-context", po::bool_switch(&o.cue_context), "also give the cerebellum the cue as a one-hot context input (cDNI)");
  po::options_description task("Task and training");
  task.add_options()
      ("T", option_with_default(&o.truncation), "truncation window: gradients flow back at most T steps")
      ("feedback-interval", option_with_default(&o.feedback_interval), "feedback at steps t with t % interval == 0 (1 = every step)")
      ("noise", option_with_default(&o.noise), "std of Gaussian input noise on steps t >= 1")
      ("epochs", option_with_default(&o.epochs), "training epochs")
      ("batch", option_with_default(&o.batch), "samples per batch")
      ("train-size", option_with_default(&o.train_size), "fresh training samples per epoch")
      ("val-size", option_with_default(&o.val_size), "validation samples (dense error every epoch)")
      ("test-repeats", option_with_default(&o.test_repeats), "test set: each of the 7 cues this many times")
      ("optimizer", option_with_default(&o.optimizer), "adam, rmsprop or sgd")
      ("lr", option_with_default(&o.lr), "learning rate")
      ("beta1", option_with_default(&o.beta1), "Adam beta1")
      ("beta2", option_with_default(&o.beta2), "Adam beta2 (reference 0.98)")
      ("eps", option_with_default(&o.eps), "Adam/RMSprop epsilon (reference 1e-9)")
      ("momentum", option_with_default(&o.momentum), "RMSprop/SGD momentum")
      ("clip", option_with_default(&o.clip), "global gradient-norm clip over all learning parameters; 0 = none")
      ("step-per-window", po::bool_switch(&o.step_per_window), "one optimizer step after every window instead of per batch")
      ("lesion-epoch", option_with_default(&o.lesion_epoch), "cerebellar lesion from this epoch on (no injection, no learning); 0 = never")
      ("io-lesion-epoch", option_with_default(&o.io_lesion_epoch), "inferior-olive lesion from this epoch on (cerebellum frozen, still injecting); 0 = never");
  po::options_description run("Runs and output");
  run.add_options()
      ("seeds", option_with_default(&o.seeds), "a count N (seeds 1..N) or a list such as 1,4,7 or 3-7")
      ("threads", option_with_default(&o.threads), "runs in parallel (one seed per thread); 0 = all cores")
      ("out", option_with_default(&o.out), "HDF5 results file (written atomically)")
      ("overwrite", po::bool_switch(&o.overwrite), "replace --out if it exists (otherwise refuse)")
      ("quiet", po::bool_switch(&o.quiet), "no progress output");
  po::options_description all;
  all.add(model).add(task).add(run);
  return all;
}

struct Plan {
  std::vector<std::string> models;
  std::vector<std::uint64_t> seeds;
  tasks::LineDrawingRunConfig base;
};

Plan validate(const Options& o, const po::variables_map& vm) {
  Plan plan;
  plan.models = split_list(o.models, "model");
  bool has_ccrnn = false;
  for (const auto& m : plan.models) {
    if (m != "crnn" && m != "ccrnn") throw UsageError("--model: unknown model '" + m + "' (expected crnn or ccrnn)");
    has_ccrnn = has_ccrnn || m == "ccrnn";
  }
  CellType cell;
  try {
    cell = parse_cell_type(o.cell);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--cell: ") + e.what());
  }
  if (!has_ccrnn)
    for (const char* name : {"cerebellum-hidden", "cerebellum-layers", "fibres", "sg-scale", "lesion-epoch", "io-lesion-epoch",
                             "cerebellum-context"})
      if (given(vm, name)) throw UsageError(std::string("--") + name + " applies to the cerebellum, but --model has no ccrnn");
  require_at_least("hidden", o.hidden, 1);
  require_at_least("layers", o.layers, 1);
  require_at_least("cerebellum-hidden", o.cerebellum_hidden, 1);
  require_at_least("cerebellum-layers", o.cerebellum_layers, 1);
  require_at_least("fibres", o.fibres, 0);
  require_at_least("T", o.truncation, 1);
  require_at_least("feedback-interval", o.feedback_interval, 1);
  require_at_least("epochs", o.epochs, 1);
  require_at_least("batch", o.batch, 1);
  require_at_least("train-size", o.train_size, 1);
  require_at_least("val-size", o.val_size, 1);
  require_at_least("test-repeats", o.test_repeats, 1);
  require_at_least("noise", o.noise, 0);
  require_at_least("clip", o.clip, 0);
  require_at_least("threads", o.threads, 0);
  require_at_least("lesion-epoch", o.lesion_epoch, 0);
  require_at_least("io-lesion-epoch", o.io_lesion_epoch, 0);
  if (!(o.lr > 0)) throw UsageError("--lr must be > 0");
  if (o.train_size < o.batch) throw UsageError("--train-size (" + std::to_string(o.train_size) + ") is smaller than --batch (" + std::to_string(o.batch) + ")");
  if (o.lesion_epoch > o.epochs) throw UsageError("--lesion-epoch " + std::to_string(o.lesion_epoch) + " is after the last epoch (" + std::to_string(o.epochs) + ")");
  if (o.io_lesion_epoch > o.epochs) throw UsageError("--io-lesion-epoch " + std::to_string(o.io_lesion_epoch) + " is after the last epoch (" + std::to_string(o.epochs) + ")");
  const int state_size = (cell == CellType::lstm ? 2 : 1) * o.hidden * o.layers;
  if (o.fibres > state_size)
    throw UsageError("--fibres " + std::to_string(o.fibres) + " exceeds the cortical state size (" + std::to_string(state_size) + " inputs to each granule unit)");
  plan.seeds = parse_seeds(o.seeds);

  auto& c = plan.base;
  c.task.feedback_interval = o.feedback_interval;
  c.task.noise = o.noise;
  c.task.cue_context = o.cue_context;
  c.model.cell = cell;
  c.model.hidden_size = o.hidden;
  c.model.layers = o.layers;
  c.model.cerebellum_hidden = o.cerebellum_hidden;
  c.model.cerebellum_layers = o.cerebellum_layers;
  c.model.fibres = o.fibres;
  c.trainer.truncation = o.truncation;
  c.trainer.sg_scale = o.sg_scale;
  try {
    c.trainer.optimizer.kind = parse_optimizer_kind(o.optimizer);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--optimizer: ") + e.what());
  }
  c.trainer.optimizer.lr = o.lr;
  c.trainer.optimizer.beta1 = o.beta1;
  c.trainer.optimizer.beta2 = o.beta2;
  c.trainer.optimizer.eps = o.eps;
  c.trainer.optimizer.momentum = o.momentum;
  c.trainer.clip = o.clip;
  c.trainer.step_per_window = o.step_per_window;
  c.trainer.lesion_epoch = o.lesion_epoch;
  c.trainer.io_lesion_epoch = o.io_lesion_epoch;
  c.epochs = o.epochs;
  c.batch_size = o.batch;
  c.train_size = o.train_size;
  c.validation_size = o.val_size;
  c.test_repeats = o.test_repeats;
  return plan;
}

void print_summary(const Plan& plan, const std::map<std::string, std::vector<tasks::LineDrawingRunResult>>& results) {
  std::printf("\n%-6s %-26s %-20s %-20s %-20s\n", "model", "final train error", "test error", "dysmetria", "endpoint error");
  std::map<std::string, std::vector<double>> finals;
  for (const auto& model : plan.models) {
    std::vector<double> final_error, test, dysmetria, endpoint;
    for (const auto& r : results.at(model)) {
      final_error.push_back(r.train_error.back());
      test.push_back(r.test.test_error);
      dysmetria.push_back(r.test.dysmetria);
      endpoint.push_back(r.test.endpoint_error);
    }
    const auto cell = [](const std::vector<double>& v) {
      char text[64];
      std::snprintf(text, sizeof text, "%.4f +- %.4f", mean(v), sem(v));
      return std::string(text);
    };
    std::printf("%-6s %-26s %-20s %-20s %-20s\n", model.c_str(), cell(final_error).c_str(), cell(test).c_str(),
                cell(dysmetria).c_str(), cell(endpoint).c_str());
    finals[model] = final_error;
  }
  std::printf("(mean +- SEM over %zu seeds; errors are squared Euclidean distances, see docs/metrics.md)\n", plan.seeds.size());
  if (finals.count("crnn") && finals.count("ccrnn")) {
    if (plan.seeds.size() >= 2) {
      const TTest t = paired_t_test(finals["ccrnn"], finals["crnn"]);
      std::printf("paired t-test, final training error, ccrnn - crnn: mean difference %.4f, t(%.0f) = %.3f, p = %.3g\n",
                  t.mean_difference, t.dof, t.t, t.p_two_sided);
    } else {
      std::printf("paired t-test needs at least 2 seeds\n");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  po::options_description description = describe(options);
  po::variables_map vm;
  Plan plan;
  std::optional<io::AtomicOutput> output;
  try {
    if (!parse_options(argc, argv, "ccrnn-linedraw",
                       "Line drawing (Boven et al. 2023): a cue at t=0 asks for one of 7 straight lines over 10 steps.\n"
                       "Trains the cortex alone (crnn) and/or with the cerebellum (ccrnn) by truncated BPTT for\n"
                       "several seeds in parallel and writes learning curves, test metrics and trajectories to HDF5.",
                       description, vm))
      return exit_ok;
    plan = validate(options, vm);
    output.emplace(options.out, options.overwrite);  // refuse an existing result now, not after the runs
  } catch (const std::exception& e) {
    std::cerr << "ccrnn-linedraw: " << e.what() << "\nTry 'ccrnn-linedraw --help'.\n";
    return exit_usage;
  }

  try {
    struct Job {
      std::string model;
      std::uint64_t seed;
    };
    std::vector<Job> jobs;
    for (const auto& m : plan.models)
      for (auto s : plan.seeds) jobs.push_back({m, s});
    std::vector<tasks::LineDrawingRunResult> outcomes(jobs.size());
    const int threads = options.threads > 0 ? options.threads : available_threads();
    if (!options.quiet)
      std::fprintf(stderr, "ccrnn-linedraw %s: %zu runs (%s x %zu seeds), %d epochs, T=%d, feedback every %d, %d threads\n",
                   version_string, jobs.size(), options.models.c_str(), plan.seeds.size(), options.epochs,
                   options.truncation, options.feedback_interval, threads);
    Progress progress("linedraw", static_cast<long>(jobs.size()) * options.epochs, options.quiet);
    parallel_for_each_run(static_cast<long>(jobs.size()), threads, [&](long i) {
      const Job& job = jobs[static_cast<size_t>(i)];
      tasks::LineDrawingRunConfig config = plan.base;
      config.model.cerebellum = job.model == "ccrnn";
      outcomes[static_cast<size_t>(i)] =
          tasks::run_line_drawing(config, job.seed, [&](int, double, double) { progress.epoch_done(); });
      const auto& r = outcomes[static_cast<size_t>(i)];
      char line[200];
      std::snprintf(line, sizeof line, "%s seed %llu: final train error %.4f, test error %.4f (%.1f s)", job.model.c_str(),
                    static_cast<unsigned long long>(job.seed), r.train_error.back(), r.test.test_error, r.seconds);
      progress.run_done(line);
    });
    progress.finish();

    std::map<std::string, std::vector<tasks::LineDrawingRunResult>> by_model;
    for (size_t i = 0; i < jobs.size(); ++i) by_model[jobs[i].model].push_back(outcomes[i]);
    {
      io::File file = io::File::create(output->temp_path());
      io::Group root = file.root();
      write_run_attributes(root, vm, "ccrnn-linedraw");
      write_line_drawing_results(root, tasks::LineDrawing(plan.base.task), by_model);
      file.close();
    }
    output->commit();
    print_summary(plan, by_model);
    std::printf("results: %s\n", options.out.c_str());
    return exit_ok;
  } catch (const std::exception& e) {
    std::cerr << "\nccrnn-linedraw: error: " << e.what() << "\n";
    return exit_failure;
  }
}
