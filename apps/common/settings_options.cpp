#include "settings_options.hpp"

#include <cstdio>
#include <algorithm>
#include <cstdlib>

namespace ccrnn::apps {

namespace {

/// The default as --help shows it (reals as %g: Boost would print 0.1 as 0.10000000000000001).
std::string shown(const tasks::Setting& s) {
  const std::string text = s.get();
  if (s.kind != tasks::Setting::Kind::real) return text;
  char out[32];
  std::snprintf(out, sizeof out, "%g", std::strtod(text.c_str(), nullptr));
  return out;
}

}  // namespace

po::options_description describe_settings(const tasks::Settings& settings) {
  std::vector<std::string> sections;
  for (const auto& s : settings.all())
    if (std::find(sections.begin(), sections.end(), s.section) == sections.end()) sections.push_back(s.section);
  po::options_description all;
  for (const auto& section : sections) {
    po::options_description d(section);
    for (const auto& s : settings.all()) {
      if (s.section != section) continue;
      const std::string name = tasks::Settings::dashed(s.name);
      if (s.kind == tasks::Setting::Kind::flag)
        d.add_options()(name.c_str(), po::bool_switch(), s.help.c_str());
      else
        d.add_options()(name.c_str(), po::value<std::string>()->default_value(s.get(), shown(s)), s.help.c_str());
    }
    all.add(d);
  }
  return all;
}

void apply_settings(tasks::Settings& settings, const po::variables_map& vm) {
  for (const auto& s : settings.all()) {
    const std::string name = tasks::Settings::dashed(s.name);
    if (!given(vm, name)) continue;
    try {
      if (s.kind == tasks::Setting::Kind::flag) {
        if (vm[name].as<bool>()) settings.assign(s.name, "1");
      } else {
        settings.assign(s.name, vm[name].as<std::string>());
      }
    } catch (const tasks::SettingError& e) {
      throw UsageError(e.what());
    }
  }
}

std::vector<tasks::ModelKind> model_kinds(const std::vector<std::string>& models) {
  std::vector<tasks::ModelKind> kinds;
  for (const auto& m : models) {
    try {
      kinds.push_back(tasks::parse_model_kind(m));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--model: ") + e.what());
    }
  }
  return kinds;
}

void prepare_task(tasks::Task& task, const std::vector<tasks::ModelKind>& models) {
  try {
    task.prepare(models);
  } catch (const tasks::SettingError& e) {
    throw UsageError(e.what());
  }
}

}  // namespace ccrnn::apps
