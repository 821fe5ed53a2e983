// ccrnn-sweep: a grid over any task options x seeds, run in parallel over OpenMP threads and, under
// mpirun, over MPI ranks; resumable; one HDF5 file with one group per run.
#include "job_counter.hpp"
#include "part_store.hpp"

#include "../common/checkpoint_options.hpp"
#include "../common/process_memory.hpp"
#include "../common/report.hpp"
#include "../common/run_attributes.hpp"
#include "../common/settings_options.hpp"
#include "../common/signals.hpp"
#include "../common/sweep_plan.hpp"

#include <ccrnn/core/matmul.hpp>
#include <ccrnn/core/parallel.hpp>
#include <ccrnn/io/atomic_output.hpp>
#include <ccrnn/tasks/run_loop.hpp>
#include <ccrnn/tasks/task_registry.hpp>
#include <ccrnn/version.hpp>

#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

namespace {

using namespace ccrnn;
using namespace ccrnn::apps;

const char* program = "ccrnn-sweep";

struct SweepOptions {
  std::string task;
  std::vector<std::string> grid;
  std::vector<std::string> set;
  std::string seeds;
  int threads = 0;
  std::string out;
  bool overwrite = false;
  bool quiet = false;
  bool dry_run = false;
  bool no_weights = false;
  CheckpointSettings checkpoints;
};

po::options_description describe(SweepOptions& o) {
  po::options_description d("Sweep");
  d.add_options()
      ("task", po::value(&o.task), "the task, one of the registered tasks (required; see --help)")
      ("grid", po::value(&o.grid)->composing(),
       "a grid axis NAME=V1,V2,... over a task option or model (repeatable; e.g. --grid T=1,2,5,10 "
       "--grid model=crnn,ccrnn; switches take on/off). Without a model axis: model=crnn,ccrnn")
      ("set", po::value(&o.set)->composing(),
       "a task option for every run, NAME=VALUE or NAME for a switch (repeatable; task options may also be given "
       "directly, e.g. --epochs 50)")
      ("seeds", po::value(&o.seeds), "a count N (seeds 1..N) or a list such as 1,4,7 or 3-7 (default: the task's)")
      ("threads", po::value(&o.threads)->default_value(0),
       "runs in parallel per process; 0 = all cores (1 per rank under mpirun)")
      ("out", po::value(&o.out), "HDF5 results file (default results/sweep_<task>.h5)")
      ("overwrite", po::bool_switch(&o.overwrite), "replace --out if it exists (otherwise refuse)")
      ("dry-run", po::bool_switch(&o.dry_run), "list the runs and exit")
      ("no-weights", po::bool_switch(&o.no_weights), "leave the trained parameters out of the runs' results")
      ("quiet", po::bool_switch(&o.quiet), "no progress output");
  d.add(describe_checkpoints(o.checkpoints, false));
  return d;
}

const char* summary =
    "Runs a grid over any task options x models x seeds, in parallel over threads and, when started by\n"
    "mpirun, over MPI ranks (dynamic load balancing; results bit-identical to a local run). Finished runs\n"
    "are kept in <out>.parts/ as they complete: re-running the same command after an interruption (even\n"
    "kill -9) resumes and loses nothing; the directory is removed once <out> is written. With\n"
    "--checkpoint-every N an unfinished run resumes from its checkpoint there (<out>.parts/run_<k>.checkpoint.h5)\n"
    "instead of from epoch 0, and SIGINT/SIGTERM write every running run's checkpoint before exiting. Summarise the\n"
    "results with ccrnn-report <out>.\n\n"
    "Example: ccrnn-sweep --task linedraw --grid T=1,2,5,10 --grid model=crnn,ccrnn --seeds 10 --epochs 100\n"
    "Task options: ccrnn-sweep --task <task> --help, or the task executable's --help.";

/// One grid point's task, configured and prepared (data loaded), shared by that point's seeds.
struct PreparedPoint {
  std::unique_ptr<tasks::Task> task;
  po::variables_map vm;
};

/// The registered task; an unknown name is a UsageError.
std::unique_ptr<tasks::Task> make_registered_task(const std::string& name) {
  try {
    return tasks::make_task(name);
  } catch (const tasks::SettingError& e) {
    throw UsageError(e.what());
  }
}

/// Task option tokens from --set NAME=VALUE / NAME.
std::vector<std::string> set_tokens(const std::vector<std::string>& set) {
  std::vector<std::string> tokens;
  for (const auto& item : set) {
    const auto eq = item.find('=');
    const std::string name = item.substr(0, eq);
    if (name.empty()) throw UsageError("--set '" + item + "': expected NAME=VALUE or NAME");
    tokens.push_back("--" + name);
    if (eq != std::string::npos) tokens.push_back(item.substr(eq + 1));
  }
  return tokens;
}

struct Parsed {
  SweepOptions options;
  SweepPlan plan;
  std::map<std::string, PreparedPoint> points;  // by condition + model
  bool help = false;
};

std::string point_key(const SweepRun& run) { return run.condition + "|" + run.model; }

Parsed parse(int argc, char** argv) {
  Parsed p;
  SweepOptions& o = p.options;
  po::options_description generic("General");
  generic.add_options()("help,h", "show this help (with the task's options when --task is given) and exit")
      ("version", "print the ccrnn version and exit")
      ("config", po::value<std::string>(), "read sweep options from this INI-style file (grid = ..., set = ... lines)");
  po::options_description sweep = describe(o);
  po::options_description all;
  all.add(generic).add(sweep);
  po::variables_map vm;
  std::vector<std::string> passthrough;
  try {
    const auto parsed = po::command_line_parser(argc, argv).options(all).allow_unregistered().run();
    po::store(parsed, vm);
    passthrough = po::collect_unrecognized(parsed.options, po::include_positional);
    if (vm.count("config")) {
      const std::string path = vm["config"].as<std::string>();
      std::ifstream file(path);
      if (!file) throw UsageError("cannot read config file '" + path + "'");
      try {
        std::istringstream keys_dashed(dashed_keys(file));
        po::store(po::parse_config_file(keys_dashed, sweep), vm);
      } catch (const po::error& e) {
        throw UsageError("config file '" + path + "': " + e.what());
      }
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (vm.count("version")) {
    std::cout << program << " (ccrnn) " << version_string << "\n";
    p.help = true;
    return p;
  }
  if (vm.count("help")) {
    std::cout << "Usage: " << program << " --task TASK [--grid NAME=V1,V2 ...] [sweep options] [task options]\n\n"
              << summary << "\n\n" << generic << "\n" << sweep << "\n";
    if (!o.task.empty()) {
      auto task = make_registered_task(o.task);
      std::cout << "Options of task " << o.task << ":\n" << describe_settings(task->settings()) << "\n";
    } else {
      std::cout << "Tasks:";
      for (const auto& n : tasks::task_names()) std::cout << " " << n;
      std::cout << "\n";
    }
    p.help = true;
    return p;
  }
  if (o.task.empty()) throw UsageError("--task is required (one of the tasks: see --help)");
  auto probe = make_registered_task(o.task);
  if (o.seeds.empty()) o.seeds = probe->default_seeds();
  if (o.out.empty()) o.out = "results/sweep_" + o.task + ".h5";
  require_at_least("threads", o.threads, 0);
  require_at_least("checkpoint-every", o.checkpoints.every, 0);
  for (const auto& token : passthrough)
    if (token == "--model" || token == "--seeds" || token == "--out")
      throw UsageError(token + " is a sweep option here: use --grid model=... / the sweep's --seeds / --out");
  std::vector<GridAxis> axes;
  for (const auto& g : o.grid) axes.push_back(parse_grid_axis(g));
  std::vector<std::string> fixed = set_tokens(o.set);
  fixed.insert(fixed.end(), passthrough.begin(), passthrough.end());
  p.plan = make_sweep_plan(o.task, axes, fixed, parse_seeds(o.seeds));

  return p;
}

/// Configures and prepares every grid point (loading its data), so that a bad value fails before any run
/// starts. The checks see every model of the sweep: cerebellar options are meant for its ccrnn runs.
void prepare_points(Parsed& p) {
  std::vector<std::string> models;
  for (const auto& a : p.plan.axes)
    if (a.name == "model") models = a.values;
  const std::vector<tasks::ModelKind> kinds = model_kinds(models);
  for (const auto& run : p.plan.runs) {
    const std::string key = point_key(run);
    if (p.points.count(key)) continue;
    PreparedPoint point;
    point.task = make_registered_task(p.plan.task);
    po::options_description task_options = describe_settings(point.task->settings());
    const std::string context = "run " + (run.condition.empty() ? std::string() : run.condition + " ") + "model=" + run.model;
    parse_task_tokens(p.plan.task_tokens(run, task_options), task_options, point.vm, context);
    try {
      apply_settings(point.task->settings(), point.vm);
      prepare_task(*point.task, kinds);
    } catch (const UsageError& e) {
      throw UsageError(context + ": " + e.what());
    }
    p.points.emplace(key, std::move(point));
  }
}

/// Writes one finished run as a part file: its options (as the task executable records them), the
/// condition, and its results.
void write_part(const PartStore& store, const SweepRun& run, const PreparedPoint& point, const tasks::RunRecord& record,
                int rank, bool with_weights) {
  io::AtomicOutput out(store.part_path(run.index), true);
  {
    io::File file = io::File::create(out.temp_path());
    io::Group root = file.root();
    const std::vector<std::string> option_names = write_run_attributes(root, point.vm, program, point.task->settings());
    root.write("option_names", option_names);
    root.set_attr("task", point.task->name());
    root.set_attr("run", static_cast<std::int64_t>(run.index));
    root.set_attr("condition", run.condition);
    root.set_attr("rank", static_cast<std::int64_t>(rank));  // which MPI rank ran it (0 without MPI)
    tasks::write_run_record(root, record, with_weights);
    file.close();
  }
  out.commit();
}

/// Writes the part of a run that failed (diverged, or raised an error on its data): its options and the
/// reason, without results, so that the merged file and ccrnn-report show it instead of dropping it.
void write_failed_part(const PartStore& store, const SweepRun& run, const PreparedPoint& point, const std::string& reason,
                       int rank) {
  io::AtomicOutput out(store.part_path(run.index), true);
  {
    io::File file = io::File::create(out.temp_path());
    io::Group root = file.root();
    const std::vector<std::string> option_names = write_run_attributes(root, point.vm, program, point.task->settings());
    root.write("option_names", option_names);
    root.set_attr("task", point.task->name());
    root.set_attr("run", static_cast<std::int64_t>(run.index));
    root.set_attr("condition", run.condition);
    root.set_attr("rank", static_cast<std::int64_t>(rank));
    root.set_attr("model", run.model);
    root.set_attr("seed", static_cast<std::int64_t>(run.seed));
    root.set_attr("failed", reason);
    file.close();
  }
  out.commit();
}

/// A run's checkpoint beside its part: "<dir>/run_00017.checkpoint.h5".
std::string checkpoint_path(const PartStore& store, const SweepRun& run) {
  std::string path = store.part_path(run.index);
  return path.substr(0, path.size() - 3) + ".checkpoint.h5";
}

/// Rank 0, after every run has its part: one file with every run under /runs.
void merge(const Parsed& p, const PartStore& store, io::AtomicOutput& output) {
  const SweepPlan& plan = p.plan;
  {
    io::File file = io::File::create(output.temp_path());
    io::Group root = file.root();
    root.set_attr("ccrnn_version", std::string(version_string));
    root.set_attr("float_products", float_products_description());
    root.set_attr("program", program);
    root.set_attr("task", plan.task);
    root.set_attr("plan", plan.fingerprint());
    root.set_attr("seeds", p.options.seeds);
    root.set_attr("runs_total", static_cast<std::int64_t>(plan.runs.size()));
    root.set_attr("primary_scalar", p.points.begin()->second.task->primary_scalar());
    std::vector<std::string> grid;
    for (const auto& a : plan.axes) {
      std::string text = a.name + "=";
      for (std::size_t i = 0; i < a.values.size(); ++i) text += (i ? "," : "") + a.values[i];
      grid.push_back(text);
    }
    root.write("grid", grid);
    root.write("fixed_options", plan.fixed.empty() ? std::vector<std::string>{""} : plan.fixed);
    // Task-level data (targets, ...) of the first point, as a task executable writes it.
    p.points.begin()->second.task->write_task_data(root);
    io::Group runs = root.create_group("runs");
    for (const auto& run : plan.runs) {
      io::File part = io::File::open_read(store.part_path(run.index));
      char name[32];
      std::snprintf(name, sizeof name, "run_%05ld", run.index);
      runs.copy_group_from(part.root(), name);
    }
    file.close();
  }
  output.commit();
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_memory();
  std::unique_ptr<MpiSession> mpi;
  try {
    mpi = std::make_unique<MpiSession>(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return exit_failure;
  }
  const bool root_rank = mpi->rank() == 0;
  Parsed p;
  std::optional<io::AtomicOutput> output;
  std::optional<PartStore> store;
  int status = exit_ok;
  try {
    p = parse(argc, argv);
    if (p.help) return exit_ok;
    if (root_rank) open_output(output, p.options.out, p.options.overwrite);  // refuse an existing result now
    prepare_points(p);
    store.emplace(p.options.out);
  } catch (const UsageError& e) {
    if (root_rank) std::cerr << program << ": " << e.what() << "\nTry '" << program << " --help'.\n";
    status = exit_usage;
  } catch (const std::exception& e) {
    if (root_rank) std::cerr << program << ": error: " << e.what() << "\n";
    status = exit_failure;
  }
  if (status != exit_ok) return status;
  if (p.options.dry_run) {
    if (root_rank)
      for (const auto& run : p.plan.runs)
        std::printf("run %5ld  %s model=%s seed=%llu\n", run.index, run.condition.c_str(), run.model.c_str(),
                    static_cast<unsigned long long>(run.seed));
    return exit_ok;
  }

  // Rank 0 opens (or checks) the parts directory and decides what is left to run.
  std::vector<long> pending;
  int ok = 1;
  if (root_rank) {
    try {
      store->open(p.plan.fingerprint());
      pending = store->missing(static_cast<long>(p.plan.runs.size()));
    } catch (const UsageError& e) {
      std::cerr << program << ": " << e.what() << "\n";
      ok = 0;
      status = exit_usage;
    } catch (const std::exception& e) {
      std::cerr << program << ": error: " << e.what() << "\n";
      ok = 0;
      status = exit_failure;
    }
  }
  mpi->broadcast(ok);
  if (!ok) return root_rank ? status : exit_failure;
  mpi->broadcast(pending);

  const int threads = p.options.threads > 0 ? p.options.threads : (mpi->active() ? 1 : available_threads());
  const long total = static_cast<long>(p.plan.runs.size()), todo = static_cast<long>(pending.size());
  if (root_rank && !p.options.quiet) {
    std::fprintf(stderr, "%s %s: task %s, %ld runs (%zu grid points x %zu seeds); %ld finished earlier, %ld to run "
                         "on %d rank(s) x %d thread(s); parts in %s\n",
                 program, version_string, p.plan.task.c_str(), total, p.points.size(), p.plan.seeds.size(),
                 total - todo, todo, mpi->size(), threads, store->directory().c_str());
  }
  // A run that fails (divergence, an error on its data) is recorded as failed and the others go on; SIGINT or
  // SIGTERM stops handing out runs, keeps every finished one and exits 128 + the signal (the same command
  // resumes); any other error (e.g. writing a part) stops the sweep as before.
  install_interrupt_signals();
  {
    JobCounter counter(mpi.get());
    Progress progress(mpi->active() ? "rank " + std::to_string(mpi->rank()) : "sweep",
                      todo * p.points.begin()->second.task->experiment().epochs, p.options.quiet || todo == 0);
    try {
      std::exception_ptr failure;
      std::mutex failure_mutex;
#pragma omp parallel num_threads(threads)
      {
        for (;;) {
          {
            std::lock_guard<std::mutex> lock(failure_mutex);
            if (failure) break;
          }
          if (received_signal()) break;
          const long j = counter.next();
          if (j >= todo) break;
          const SweepRun& run = p.plan.runs[static_cast<std::size_t>(pending[static_cast<std::size_t>(j)])];
          char label[200];
          std::snprintf(label, sizeof label, "run %ld/%ld%s%s%s", run.index + 1, total, run.condition.empty() ? "" : " (",
                        run.condition.c_str(), run.condition.empty() ? "" : ")");
          try {
            const PreparedPoint& point = p.points.at(point_key(run));
            tasks::CheckpointOptions checkpoint = p.options.checkpoints.for_run(checkpoint_path(*store, run));
            checkpoint.on_resume = [&](int epoch) {
              for (int e = 0; e < epoch; ++e) progress.epoch_done();
              if (!p.options.quiet)
                std::fprintf(stderr, "run %ld/%ld: resuming after epoch %d from %s\n", run.index + 1, total, epoch,
                             checkpoint.path.c_str());
            };
            std::optional<tasks::RunRecord> record;
            std::string reason;
            try {
              record = tasks::run_task(
                  *point.task, tasks::parse_model_kind(run.model), run.seed,
                  [&](const tasks::EpochReport&) {
                    progress.epoch_done();
                    return true;
                  },
                  checkpoint);
            } catch (const Interrupted&) {
              throw;  // its checkpoint is written: the same command resumes it
            } catch (const std::exception& e) {
              reason = e.what();
            }
            if (record) {
              write_part(*store, run, point, *record, mpi->rank(), !p.options.no_weights);
              progress.run_done(std::string(label) + ": " + point.task->describe_run(*record));
            } else {
              write_failed_part(*store, run, point, reason, mpi->rank());
              progress.run_done(std::string(label) + ": FAILED, " + reason);
            }
            std::error_code ignored;
            std::filesystem::remove(checkpoint_path(*store, run), ignored);  // the part holds the run now
          } catch (...) {
            std::lock_guard<std::mutex> lock(failure_mutex);
            if (!failure) failure = std::current_exception();
          }
        }
      }
      progress.finish();
      if (failure) std::rethrow_exception(failure);
      if (const int signal = received_signal()) throw Interrupted(signal);
    } catch (const Interrupted& e) {
      const char* kept = p.options.checkpoints.enabled() ? "finished runs and the checkpoints of unfinished ones are" : "finished runs are";
      std::cerr << "\n" << program << ": " << e.what() << "; " << kept << " kept in " << store->directory()
                << "; run the same command again to resume.\n";
      if (mpi->active()) mpi->abort(interrupted_exit_code(e));
      return interrupted_exit_code(e);
    } catch (const std::exception& e) {
      std::cerr << "\n" << program << ": error: " << e.what() << "\nFinished runs are kept in " << store->directory()
                << "; run the same command again to resume.\n";
      mpi->abort(exit_failure);
    }
  }
  mpi->barrier();
  if (!root_rank) return exit_ok;

  try {
    const std::vector<long> missing = store->missing(total);
    if (!missing.empty())
      throw std::runtime_error(std::to_string(missing.size()) + " runs have no result in " + store->directory() +
                               " (first: run " + std::to_string(missing.front()) + ")");
    merge(p, *store, *output);
    store->remove();
    io::File file = io::File::open_read(p.options.out);
    std::printf("\n");
    const StoredResults results = read_stored_results(file);
    print_report(results, stdout, task_summary_scalars(file, results));
    std::printf("results: %s\n", p.options.out.c_str());
    const long failed = std::count_if(results.runs.begin(), results.runs.end(), [](const StoredRun& r) { return !r.failed.empty(); });
    if (failed > 0) {
      std::cerr << program << ": " << failed << " of " << total << " runs FAILED (listed above and recorded in " << p.options.out
                << " with their reason)\n";
      return exit_failure;
    }
    return exit_ok;
  } catch (const std::exception& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return exit_failure;
  }
}
