#include "task_main.hpp"

#include "run_attributes.hpp"
#include "settings_options.hpp"
#include "signals.hpp"
#include "summary_table.hpp"

#include <ccrnn/core/parallel.hpp>
#include <ccrnn/io/atomic_output.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/task_registry.hpp>
#include <ccrnn/tasks/trials/file.hpp>
#include <ccrnn/version.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

namespace ccrnn::apps {

namespace {

struct RunOptions {
  std::string models = "crnn,ccrnn";
  std::string seeds;
  int threads = 0;
  std::string out;
  bool overwrite = false;
  bool quiet = false;
  std::string export_trials;
  bool no_weights = false;
};

po::options_description describe_runs(RunOptions& o) {
  po::options_description d("Runs and output");
  d.add_options()
      ("model", option_with_default(&o.models),
       "models to train, a comma list of crnn (cortex alone), ccrnn (cortex + cerebellum) and bptt (cortex alone, "
       "full BPTT: the upper bound)")
      ("seeds", option_with_default(&o.seeds), "a count N (seeds 1..N) or a list such as 1,4,7 or 3-7")
      ("threads", option_with_default(&o.threads), "runs in parallel (one run per thread); 0 = all cores")
      ("out", option_with_default(&o.out), "HDF5 results file (written atomically)")
      ("overwrite", po::bool_switch(&o.overwrite), "replace --out if it exists (otherwise refuse)")
      ("quiet", po::bool_switch(&o.quiet), "no progress output")
      ("no-weights", po::bool_switch(&o.no_weights),
       "leave the trained parameters out of --out (each run's weights/ group; docs/results-format.md)")
      ("export-trials", option_with_default(&o.export_trials),
       "write the task's data set as a trials file (docs/trials-format.md) and exit without training, so that it can "
       "be trained through --task trials (tasks with a fixed data set: seqmnist)");
  return d;
}

std::string side_file_path(const std::string& out, const std::string& model, std::uint64_t seed,
                           const std::string& suffix) {
  std::string stem = out;
  if (stem.size() > 3 && stem.compare(stem.size() - 3, 3, ".h5") == 0) stem.resize(stem.size() - 3);
  return stem + "." + model + ".seed" + std::to_string(seed) + "." + suffix;
}

}  // namespace

int run_task_main(int argc, char** argv, const std::string& program, const std::string& task_name) {
  const std::unique_ptr<tasks::Task> task = tasks::make_task(task_name);
  RunOptions run_options;
  run_options.seeds = task->default_seeds();
  run_options.out = "results/" + task->name() + ".h5";
  po::options_description description = describe_settings(task->settings());
  description.add(describe_runs(run_options));
  po::variables_map vm;
  std::vector<std::string> models;
  std::vector<tasks::ModelKind> kinds;
  std::vector<std::uint64_t> seeds;
  std::optional<io::AtomicOutput> output;
  try {
    if (!parse_options(argc, argv, program, task->summary(), description, vm)) return exit_ok;
    models = split_list(run_options.models, "model");
    kinds = model_kinds(models);
    seeds = parse_seeds(run_options.seeds);
    if (run_options.threads < 0) throw UsageError("--threads must be >= 0");
    apply_settings(task->settings(), vm);
    prepare_task(*task, kinds);
    if (!run_options.export_trials.empty()) {
      tasks::write_trials(run_options.export_trials, task->export_trials(), run_options.overwrite);
      std::printf("trials: %s\n", run_options.export_trials.c_str());
      return exit_ok;
    }
    open_output(output, run_options.out, run_options.overwrite);  // refuse an existing result now, not after the runs
    for (const auto& suffix : task->side_file_suffixes())
      for (const auto& m : models)
        for (auto s : seeds) {
          const std::string path = side_file_path(run_options.out, m, s, suffix);
          if (!run_options.overwrite && std::filesystem::exists(path))
            throw UsageError(path + " exists; pass --overwrite to replace it");
        }
  } catch (const UsageError& e) {
    std::cerr << program << ": " << e.what() << "\nTry '" << program << " --help'.\n";
    return exit_usage;
  } catch (const std::exception& e) {  // data that cannot be read, for example
    std::cerr << program << ": error: " << e.what() << "\n";
    return exit_failure;
  }

  interrupt_on_signals();
  try {
    struct Job {
      tasks::ModelKind kind;
      std::uint64_t seed;
    };
    std::vector<Job> jobs;
    for (auto k : kinds)
      for (auto s : seeds) jobs.push_back({k, s});
    std::vector<tasks::RunRecord> records(jobs.size());
    const int threads = run_options.threads > 0 ? run_options.threads : available_threads();
    if (!run_options.quiet)
      std::fprintf(stderr, "%s %s: %zu runs (%s x %zu seeds), %d epochs, %d threads\n", program.c_str(), version_string,
                   jobs.size(), run_options.models.c_str(), seeds.size(), task->experiment().epochs, threads);
    Progress progress(task->name(), static_cast<long>(jobs.size()) * task->experiment().epochs, run_options.quiet);
    parallel_for_each_run(static_cast<long>(jobs.size()), threads, [&](long i) {
      const Job& job = jobs[static_cast<std::size_t>(i)];
      tasks::RunRecord& record = records[static_cast<std::size_t>(i)];
      record = tasks::run_task(*task, job.kind, job.seed, [&](const tasks::EpochReport&) {
        progress.epoch_done();
        return true;
      });
      progress.run_done(task->describe_run(record));
    });
    progress.finish();

    {
      io::File file = io::File::create(output->temp_path());
      io::Group root = file.root();
      write_run_attributes(root, vm, program, task->settings());
      root.set_attr("task", task->name());
      root.set_attr("primary_scalar", task->primary_scalar());
      task->write_task_data(root);
      tasks::write_runs_by_model(root, records, !run_options.no_weights);
      file.close();
    }
    output->commit();
    for (const auto& record : records)
      for (const auto& side : record.side_files) {
        const std::string path = side_file_path(run_options.out, record.model, record.seed, side.suffix);
        side.write(path, run_options.overwrite);
        if (!run_options.quiet) std::fprintf(stderr, "wrote %s\n", path.c_str());
      }
    print_summary_table(models, scalars_by_model(records), task->summary_columns(), task->primary_scalar(), seeds.size());
    std::printf("results: %s\n", run_options.out.c_str());
    return exit_ok;
  } catch (const Interrupted& e) {  // the atomic output removes its temporary file: nothing half-written
    std::cerr << "\n" << program << ": " << e.what() << "; nothing written to " << run_options.out
              << " (run the same command again to start over)\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "\n" << program << ": error: " << e.what() << "\n";
    return exit_failure;
  }
}

}  // namespace ccrnn::apps
