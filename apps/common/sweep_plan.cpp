#include "sweep_plan.hpp"

#include <algorithm>
#include <sstream>

namespace ccrnn::apps {

GridAxis parse_grid_axis(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--grid '" + text + "': expected NAME=VALUE,VALUE,... (for example T=1,2,5,10)");
  GridAxis axis;
  axis.name = text.substr(0, eq);
  if (axis.name.rfind("--", 0) == 0) axis.name = axis.name.substr(2);
  axis.values = split_list(text.substr(eq + 1), "grid " + axis.name);
  return axis;
}

SweepPlan make_sweep_plan(const std::string& task, std::vector<GridAxis> axes, std::vector<std::string> fixed,
                          std::vector<std::uint64_t> seeds) {
  for (std::size_t i = 0; i < axes.size(); ++i)
    for (std::size_t j = i + 1; j < axes.size(); ++j)
      if (axes[i].name == axes[j].name) throw UsageError("--grid: axis '" + axes[i].name + "' is given twice");
  if (std::none_of(axes.begin(), axes.end(), [](const GridAxis& a) { return a.name == "model"; }))
    axes.push_back({"model", {"crnn", "ccrnn"}});
  for (const auto& a : axes)
    if (a.name == "seeds" || a.name == "seed" || a.name == "out" || a.name == "threads")
      throw UsageError("--grid: '" + a.name + "' is a sweep option, not a task option");
  SweepPlan plan;
  plan.task = task;
  plan.axes = std::move(axes);
  plan.fixed = std::move(fixed);
  plan.seeds = std::move(seeds);
  std::size_t points = 1;
  for (const auto& a : plan.axes) points *= a.values.size();
  for (std::size_t p = 0; p < points; ++p) {
    // Mixed-radix digits of p, the last axis fastest.
    std::vector<std::size_t> digit(plan.axes.size());
    std::size_t rest = p;
    for (std::size_t k = plan.axes.size(); k-- > 0;) {
      digit[k] = rest % plan.axes[k].values.size();
      rest /= plan.axes[k].values.size();
    }
    SweepRun base;
    for (std::size_t k = 0; k < plan.axes.size(); ++k) {
      const std::string& value = plan.axes[k].values[digit[k]];
      if (plan.axes[k].name == "model") {
        base.model = value;
      } else {
        base.point.emplace_back(plan.axes[k].name, value);
        base.condition += (base.condition.empty() ? "" : " ") + plan.axes[k].name + "=" + value;
      }
    }
    for (auto seed : plan.seeds) {
      SweepRun run = base;
      run.seed = seed;
      run.index = static_cast<long>(plan.runs.size());
      plan.runs.push_back(std::move(run));
    }
  }
  return plan;
}

std::vector<std::string> SweepPlan::task_tokens(const SweepRun& run, const po::options_description& task_options) const {
  std::vector<std::string> tokens = fixed;
  for (const auto& [name, value] : run.point) {
    const po::option_description* option = task_options.find_nothrow(name, false);
    if (!option) throw UsageError("--grid " + name + ": the task has no option --" + name);
    if (option->semantic()->max_tokens() == 0) {  // a switch: present or absent
      if (value == "1" || value == "true" || value == "on" || value == "yes") tokens.push_back("--" + name);
      else if (value != "0" && value != "false" && value != "off" && value != "no")
        throw UsageError("--grid " + name + ": '" + value + "' is not on/off (1/0) for a switch");
    } else {
      tokens.push_back("--" + name);
      tokens.push_back(value);
    }
  }
  return tokens;
}

std::string SweepPlan::fingerprint() const {
  std::ostringstream out;
  out << "task " << task << "\n";
  for (const auto& a : axes) {
    out << "grid " << a.name << " =";
    for (const auto& v : a.values) out << " " << v;
    out << "\n";
  }
  out << "fixed";
  for (const auto& t : fixed) out << " " << t;
  out << "\nseeds";
  for (auto s : seeds) out << " " << s;
  out << "\nruns " << runs.size() << "\n";
  return out.str();
}

void parse_task_tokens(const std::vector<std::string>& tokens, const po::options_description& options,
                       po::variables_map& vm, const std::string& context) {
  try {
    po::store(po::command_line_parser(tokens).options(options).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(context + ": " + e.what());
  }
}

}  // namespace ccrnn::apps
