#include "task_main.hpp"

#include "checkpoint_options.hpp"
#include "process_memory.hpp"
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

std::string without_h5(std::string path) {
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".h5") == 0) path.resize(path.size() - 3);
  return path;
}

std::string side_file_path(const std::string& out, const std::string& model, std::uint64_t seed,
                           const std::string& suffix) {
  return without_h5(out) + "." + model + ".seed" + std::to_string(seed) + "." + suffix;
}

struct Job {
  tasks::ModelKind kind;
  std::uint64_t seed;
};

/// Each run's checkpoint file: <dir>/<model>.seed<k>.h5.
std::string checkpoint_path(const CheckpointSettings& c, const Job& job) {
  return (std::filesystem::path(c.directory) / (std::string(tasks::to_string(job.kind)) + ".seed" + std::to_string(job.seed) + ".h5")).string();
}

/// Reads every existing checkpoint before any run starts, so that one of another configuration, or a
/// corrupt one, is refused at once (tasks::CheckpointError).
void check_checkpoints(const tasks::Task& task, const CheckpointSettings& c, const std::vector<Job>& jobs) {
  if (!c.enabled() || c.restart) return;
  for (const Job& job : jobs) {
    const std::string path = checkpoint_path(c, job);
    if (std::filesystem::exists(path)) tasks::read_checkpoint(path, tasks::checkpoint_identity(task, std::string(tasks::to_string(job.kind)), job.seed));
  }
}

/// After --out is written: the runs' checkpoints, and their directory when that is left empty.
void remove_checkpoints(const CheckpointSettings& c, const std::vector<Job>& jobs) {
  if (!c.enabled() || c.keep) return;
  std::error_code ignored;
  for (const Job& job : jobs) {
    const std::filesystem::path path = checkpoint_path(c, job);
    std::filesystem::remove(path, ignored);
    // Temporary files of checkpoints whose writing a kill -9 cut short (<file>.tmp.<pid>).
    const std::string temporary = path.filename().string() + ".tmp.";
    for (const auto& entry : std::filesystem::directory_iterator(c.directory, ignored))
      if (entry.path().filename().string().rfind(temporary, 0) == 0) std::filesystem::remove(entry.path(), ignored);
  }
  std::filesystem::remove(c.directory, ignored);  // only when empty
}

}  // namespace

int run_task_main(int argc, char** argv, const std::string& program, const std::string& task_name) {
  keep_freed_memory();
  const std::unique_ptr<tasks::Task> task = tasks::make_task(task_name);
  RunOptions run_options;
  run_options.seeds = task->default_seeds();
  run_options.out = "results/" + task->name() + ".h5";
  CheckpointSettings checkpoints;
  po::options_description description = describe_settings(task->settings());
  description.add(describe_runs(run_options));
  description.add(describe_checkpoints(checkpoints, true));
  po::variables_map vm;
  std::vector<std::string> models;
  std::vector<tasks::ModelKind> kinds;
  std::vector<std::uint64_t> seeds;
  std::vector<Job> jobs;
  std::optional<io::AtomicOutput> output;
  try {
    if (!parse_options(argc, argv, program, task->summary(), description, vm)) return exit_ok;
    models = split_list(run_options.models, "model");
    kinds = model_kinds(models);
    seeds = parse_seeds(run_options.seeds);
    if (run_options.threads < 0) throw UsageError("--threads must be >= 0");
    require_at_least("checkpoint-every", checkpoints.every, 0);
    if (checkpoints.directory.empty()) checkpoints.directory = without_h5(run_options.out) + ".checkpoint";
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
    for (auto k : kinds)
      for (auto s : seeds) jobs.push_back({k, s});
    check_checkpoints(*task, checkpoints, jobs);
  } catch (const UsageError& e) {
    std::cerr << program << ": " << e.what() << "\nTry '" << program << " --help'.\n";
    return exit_usage;
  } catch (const std::exception& e) {  // data that cannot be read, for example
    std::cerr << program << ": error: " << e.what() << "\n";
    return exit_failure;
  }

  install_interrupt_signals();
  try {
    std::vector<tasks::RunRecord> records(jobs.size());
    const int threads = run_options.threads > 0 ? run_options.threads : available_threads();
    if (!run_options.quiet)
      std::fprintf(stderr, "%s %s: %zu runs (%s x %zu seeds), %d epochs, %d threads\n", program.c_str(), version_string,
                   jobs.size(), run_options.models.c_str(), seeds.size(), task->experiment().epochs, threads);
    Progress progress(task->name(), static_cast<long>(jobs.size()) * task->experiment().epochs, run_options.quiet);
    parallel_for_each_run(static_cast<long>(jobs.size()), threads, [&](long i) {
      const Job& job = jobs[static_cast<std::size_t>(i)];
      tasks::RunRecord& record = records[static_cast<std::size_t>(i)];
      tasks::CheckpointOptions checkpoint = checkpoints.for_run(checkpoint_path(checkpoints, job));
      checkpoint.on_resume = [&](int epoch) {
        for (int e = 0; e < epoch; ++e) progress.epoch_done();
        if (!run_options.quiet)
          std::fprintf(stderr, "%s seed %llu: resuming after epoch %d from %s\n", tasks::to_string(job.kind),
                       static_cast<unsigned long long>(job.seed), epoch, checkpoint.path.c_str());
      };
      record = tasks::run_task(*task, job.kind, job.seed, [&](const tasks::EpochReport&) {
        progress.epoch_done();
        return true;
      }, checkpoint);
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
    remove_checkpoints(checkpoints, jobs);
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
    std::cerr << "\n" << program << ": " << e.what() << "; nothing written to " << run_options.out;
    if (checkpoints.enabled())
      std::cerr << "; each run's last completed epoch is in " << checkpoints.directory << "; run the same command again to resume\n";
    else
      std::cerr << " (run the same command again to start over; --checkpoint-every N keeps the epochs done)\n";
    return interrupted_exit_code(e);
  } catch (const std::exception& e) {
    std::cerr << "\n" << program << ": error: " << e.what() << "\n";
    return exit_failure;
  }
}

}  // namespace ccrnn::apps
