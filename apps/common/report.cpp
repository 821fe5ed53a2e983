#include "report.hpp"

#include <ccrnn/tasks/task_registry.hpp>

#include <memory>

#include "summary_table.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace ccrnn::apps {

namespace {

StoredRun read_run(const io::Group& g, const std::string& condition, const std::string& model) {
  StoredRun run;
  run.condition = condition;
  run.model = g.has_attr("model") ? g.attr_string("model") : model;
  run.seed = static_cast<std::uint64_t>(g.attr_int("seed"));
  if (g.has_attr("failed")) run.failed = g.attr_string("failed");
  // The run's scalar results: every numeric attribute that is not one of the run's options. Task
  // executables store only results on a run group; sweeps store options too, listed in "option_names".
  std::set<std::string> skip = {"seed", "model", "run", "condition", "rank", "failed"};
  if (g.is_dataset("option_names"))
    for (const auto& name : g.read_strings("option_names")) skip.insert(name);
  // Curves are the 1-D numeric datasets; strings (captions, ...) and arrays (weights, recordings) are not
  // read at all. A curve that cannot be read is an error naming the file, not a curve silently missing.
  for (const auto& name : g.children())
    if (g.is_dataset(name) && name != "option_names") {
      const io::DatasetInfo info = g.dataset_info(name);
      const bool numeric = info.kind == io::ValueKind::floating_point || info.kind == io::ValueKind::integer ||
                           info.kind == io::ValueKind::boolean;
      if (numeric && info.rank() == 1) run.curves[name] = g.read(name).data;
    }
  for (const auto& name : g.attr_names()) {
    if (skip.count(name)) continue;
    try {
      run.scalars[name] = g.attr_double(name);
    } catch (const io::Hdf5Error&) {  // a string attribute: not a result
    }
  }
  return run;
}

void note_condition(StoredResults& r, const std::string& condition) {
  if (std::find(r.conditions.begin(), r.conditions.end(), condition) == r.conditions.end()) r.conditions.push_back(condition);
}

}  // namespace

StoredResults read_stored_results(const io::File& file) {
  StoredResults r;
  const io::Group root = file.root();
  r.task = root.has_attr("task") ? root.attr_string("task") : "";
  r.primary = root.has_attr("primary_scalar") ? root.attr_string("primary_scalar") : "final_train_error";
  if (root.is_group("runs")) {  // a sweep
    const io::Group runs = root.open_group("runs");
    for (const auto& name : runs.children()) {
      const io::Group g = runs.open_group(name);
      const std::string condition = g.has_attr("condition") ? g.attr_string("condition") : "";
      r.runs.push_back(read_run(g, condition, ""));
      note_condition(r, condition);
    }
  } else {  // a task executable's file: /<model>/seed_<k>
    for (const auto& model : root.children()) {
      if (!root.is_group(model)) continue;
      const io::Group g = root.open_group(model);
      for (const auto& seed : g.children())
        if (seed.rfind("seed_", 0) == 0 && g.is_group(seed)) r.runs.push_back(read_run(g.open_group(seed), "", model));
    }
    if (!r.runs.empty()) note_condition(r, "");
  }
  if (r.runs.empty()) throw std::runtime_error(file.path() + ": no runs found (neither /runs/ nor /<model>/seed_<k>/ groups)");
  return r;
}

std::vector<std::string> task_summary_scalars(const io::File& file, const StoredResults& results) {
  std::unique_ptr<tasks::Task> task;
  try {
    task = tasks::make_task(results.task);
  } catch (const tasks::SettingError&) {
    return {};
  }
  // A sweep records each run's settings on the run's group, a task executable on the root.
  const io::Group root = file.root();
  const io::Group settings = root.is_group("runs") && !root.open_group("runs").children().empty()
                                 ? root.open_group("runs").open_group(root.open_group("runs").children().front())
                                 : root;
  for (const tasks::Setting& s : task->settings().all()) {
    if (!settings.has_attr(s.name)) continue;
    try {
      switch (s.kind) {
        case tasks::Setting::Kind::integer:
        case tasks::Setting::Kind::flag: task->settings().assign(s.name, std::to_string(settings.attr_int(s.name))); break;
        case tasks::Setting::Kind::real: task->settings().assign(s.name, tasks::format_real(settings.attr_double(s.name))); break;
        case tasks::Setting::Kind::text: task->settings().assign(s.name, settings.attr_string(s.name)); break;
      }
    } catch (const std::exception&) {  // a file of another version: keep the task's default
    }
  }
  std::vector<std::string> names;
  for (const auto& column : task->summary_columns()) names.push_back(column.scalar);
  return names;
}

void print_curve(const StoredResults& results, const std::string& curve, std::FILE* out) {
  std::fprintf(out, "\ncurve %s (mean +- SEM over seeds at five epochs)\n", curve.c_str());
  for (const auto& condition : results.conditions) {
    std::vector<std::string> models;
    for (const auto& run : results.runs)
      if (run.condition == condition && run.curves.count(curve) &&
          std::find(models.begin(), models.end(), run.model) == models.end())
        models.push_back(run.model);
    if (models.empty()) continue;
    std::fprintf(out, "%s\n", condition.empty() ? "(all runs)" : condition.c_str());
    for (const auto& model : models) {
      std::size_t epochs = 0;
      for (const auto& run : results.runs)
        if (run.condition == condition && run.model == model && run.curves.count(curve))
          epochs = std::max(epochs, run.curves.at(curve).size());
      std::fprintf(out, "  %-7s", model.c_str());
      for (double fraction : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        const std::size_t e = std::min(epochs - 1, static_cast<std::size_t>(fraction * static_cast<double>(epochs - 1) + 0.5));
        std::vector<double> values;
        for (const auto& run : results.runs)
          if (run.condition == condition && run.model == model && run.curves.count(curve) &&
              run.curves.at(curve).size() > e && std::isfinite(run.curves.at(curve)[e]))
            values.push_back(run.curves.at(curve)[e]);
        std::fprintf(out, "  epoch %zu: %-20s", e + 1, values.empty() ? "-" : mean_sem_text(values).c_str());
      }
      std::fprintf(out, "\n");
    }
  }
}

void print_report(const StoredResults& results, std::FILE* out, const std::vector<std::string>& extra) {
  std::fprintf(out, "task %s; compared: %s (mean +- SEM over seeds)\n", results.task.empty() ? "?" : results.task.c_str(),
               results.primary.c_str());
  std::fprintf(out, "relative = mean(ccrnn) / mean(crnn) of %s (< 1: the cerebellum helps); p: two-sided paired "
                    "t-test over the seeds both models ran\n", results.primary.c_str());
  for (const auto& condition : results.conditions) {
    std::vector<std::string> models;
    std::map<std::string, std::map<std::uint64_t, const StoredRun*>> by_model;
    for (const auto& run : results.runs) {
      if (run.condition != condition || !run.failed.empty()) continue;
      if (!by_model.count(run.model)) models.push_back(run.model);
      by_model[run.model][run.seed] = &run;
    }
    std::vector<std::string> columns = {results.primary};
    for (const std::string& name : std::vector<std::string>{"test_accuracy"})
      if (name != results.primary) columns.push_back(name);
    for (const auto& name : extra)
      if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
    columns.erase(std::remove_if(columns.begin(), columns.end(),
                                 [&](const std::string& c) {
                                   for (const auto& run : results.runs)
                                     if (run.condition == condition && run.scalars.count(c)) return false;
                                   return true;
                                 }),
                  columns.end());
    std::fprintf(out, "\n%s\n", condition.empty() ? "(all runs)" : condition.c_str());
    std::fprintf(out, "  %-7s %5s", "model", "seeds");
    for (const auto& c : columns) std::fprintf(out, "  %-24s", c.c_str());
    std::fprintf(out, "\n");
    for (const auto& model : models) {
      std::fprintf(out, "  %-7s %5zu", model.c_str(), by_model[model].size());
      for (const auto& c : columns) {
        std::vector<double> values;
        for (const auto& [seed, run] : by_model[model])
          if (run->scalars.count(c)) values.push_back(run->scalars.at(c));
        std::fprintf(out, "  %-24s", values.empty() ? "-" : mean_sem_text(values).c_str());
      }
      std::fprintf(out, "\n");
    }
    if (by_model.count("ccrnn") && by_model.count("crnn")) {
      std::vector<double> cc, c;
      for (const auto& [seed, run] : by_model["ccrnn"]) {
        const auto other = by_model["crnn"].find(seed);
        if (other == by_model["crnn"].end() || !run->scalars.count(results.primary) ||
            !other->second->scalars.count(results.primary))
          continue;
        cc.push_back(run->scalars.at(results.primary));
        c.push_back(other->second->scalars.at(results.primary));
      }
      const Comparison cmp = compare(cc, c);
      if (cmp.tested)
        std::fprintf(out, "  ccrnn vs crnn: relative %.3f, mean difference %.4g, t(%.0f) = %.3f, p = %.3g (%zu paired seeds)\n",
                     cmp.relative, cmp.mean_difference, cmp.dof, cmp.t, cmp.p, cc.size());
      else
        std::fprintf(out, "  ccrnn vs crnn: relative %.3f (%zu paired seeds; the t-test needs at least 2)\n", cmp.relative,
                     cc.size());
    }
  }
  print_failed_runs(results, out);
}

void print_failed_runs(const StoredResults& results, std::FILE* out) {
  bool header = false;
  for (const auto& run : results.runs) {
    if (run.failed.empty()) continue;
    if (!header) std::fprintf(out, "\nFAILED runs (left out of the statistics above):\n");
    header = true;
    std::fprintf(out, "  %s%smodel %s, seed %llu: %s\n", run.condition.c_str(), run.condition.empty() ? "" : ", ",
                 run.model.c_str(), static_cast<unsigned long long>(run.seed), run.failed.c_str());
  }
}

}  // namespace ccrnn::apps
