#include "run_attributes.hpp"

#include "checkpoint_options.hpp"

#include <ccrnn/core/matmul.hpp>
#include <ccrnn/tasks/run_record.hpp>
#include <ccrnn/version.hpp>

#include <algorithm>
#include <ctime>

namespace ccrnn::apps {

std::vector<std::string> write_run_attributes(io::Group& group, const po::variables_map& vm, const std::string& program,
                                              const tasks::Settings& settings) {
  group.set_attr("ccrnn_version", std::string(version_string));
  group.set_attr("float_products", float_products_description());
  group.set_attr("program", program);
  const std::time_t now = std::time(nullptr);
  char created[32];
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  group.set_attr("created", std::string(created));
  std::vector<std::string> names = tasks::write_settings(group, settings);
  for (const auto& [key, entry] : vm) {
    if (key == "help" || key == "version") continue;
    std::string name = tasks::Settings::snake(key);
    if (settings.find(name) != nullptr || is_checkpoint_option(name)) continue;
    const auto& value = entry.value();
    if (const auto* i = boost::any_cast<int>(&value)) group.set_attr(name, static_cast<std::int64_t>(*i));
    else if (const auto* l = boost::any_cast<long>(&value)) group.set_attr(name, static_cast<std::int64_t>(*l));
    else if (const auto* ll = boost::any_cast<long long>(&value)) group.set_attr(name, static_cast<std::int64_t>(*ll));
    else if (const auto* d = boost::any_cast<double>(&value)) group.set_attr(name, *d);
    else if (const auto* s = boost::any_cast<std::string>(&value)) group.set_attr(name, *s);
    else if (const auto* b = boost::any_cast<bool>(&value)) group.set_attr(name, static_cast<std::int64_t>(*b));
    else throw std::logic_error("write_run_attributes: option '" + key + "' has a type we do not record");
    names.push_back(name);
  }
  // In the order of the command-line spelling, as files written before settings existed list them.
  std::sort(names.begin(), names.end(),
            [](const std::string& a, const std::string& b) { return tasks::Settings::dashed(a) < tasks::Settings::dashed(b); });
  return names;
}

}  // namespace ccrnn::apps
