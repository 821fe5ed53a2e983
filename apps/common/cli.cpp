#include "cli.hpp"

#include <ccrnn/version.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <unistd.h>

namespace ccrnn::apps {

namespace {

/// Refuses a text holding a "%word%" placeholder. Boost.Program_options builds its error messages by
/// replacing such placeholders with the offending text until none is left: a text that holds its own
/// placeholder (a config line "%invalid_line%", a value "%value%") made reporting the error loop forever
/// (tests/fuzz/regressions/config/). No option or path of ours needs one.
void refuse_placeholder(const std::string& text, const std::string& where) {
  for (std::size_t open = text.find('%'); open != std::string::npos; open = text.find('%', open + 1)) {
    const std::size_t close = text.find('%', open + 1);
    if (close == std::string::npos) return;
    const std::string word = text.substr(open + 1, close - open - 1);
    if (!word.empty() && std::all_of(word.begin(), word.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }))
      throw UsageError(where + ": '%" + word + "%' is not accepted: text of the form %word% is a placeholder in the "
                       "option parser's messages");
  }
}

}  // namespace

std::string dashed_keys(std::istream& in) {
  std::string out, line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    const bool comment = line.find_first_not_of(" \t") != std::string::npos && line[line.find_first_not_of(" \t")] == '#';
    if (eq != std::string::npos && !comment) std::replace(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(eq), '_', '-');
    out += line + "\n";
  }
  return out;
}

bool parse_options(int argc, char** argv, const std::string& program, const std::string& summary,
                   po::options_description& options, po::variables_map& vm) {
  po::options_description generic("General");
  generic.add_options()
      ("help,h", "show this help and exit")
      ("version", "print the ccrnn version and exit")
      ("config", po::value<std::string>(), "read options from this INI-style file (key = value per line; "
                                           "command-line values take precedence)");
  po::options_description all;
  all.add(generic).add(options);
  for (int i = 1; i < argc; ++i) refuse_placeholder(argv[i], "argument " + std::to_string(i) + " '" + argv[i] + "'");
  try {
    po::store(po::parse_command_line(argc, argv, all), vm);
    if (vm.count("help")) {
      std::cout << "Usage: " << program << " [options]\n\n" << summary << "\n\n" << all << "\n";
      return false;
    }
    if (vm.count("version")) {
      std::cout << program << " (ccrnn) " << version_string << "\n";
      return false;
    }
    if (vm.count("config")) {
      const std::string path = vm["config"].as<std::string>();
      std::ifstream file(path);
      if (!file) throw UsageError("cannot read config file '" + path + "'");
      const std::string text = dashed_keys(file);
      std::istringstream lines(text);
      int number = 0;
      for (std::string line; std::getline(lines, line);)
        refuse_placeholder(line.substr(0, line.find('#')), "config file '" + path + "', line " + std::to_string(++number));
      std::istringstream keys_dashed(text);
      try {
        po::store(po::parse_config_file(keys_dashed, options), vm);
      } catch (const po::error& e) {
        throw UsageError("config file '" + path + "': " + e.what());
      }
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

std::vector<std::string> split_list(const std::string& text, const std::string& option) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (item.empty()) throw UsageError("--" + option + ": empty item in list '" + text + "'");
    for (const auto& seen : items)
      if (seen == item) throw UsageError("--" + option + ": '" + item + "' is listed twice");
    items.push_back(item);
  }
  if (items.empty()) throw UsageError("--" + option + ": empty list");
  return items;
}

namespace {
std::uint64_t parse_positive(const std::string& text, const std::string& whole) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < 1)
    throw UsageError("--seeds: '" + text + "' in '" + whole + "' is not a positive integer");
  return static_cast<std::uint64_t>(value);
}
}  // namespace

std::vector<std::uint64_t> parse_seeds(const std::string& text) {
  const bool is_list = text.find_first_of(",-") != std::string::npos;
  std::vector<std::uint64_t> seeds;
  // Checked before the list is built: "1-100000000000" must not allocate 800 GB.
  const auto check_count = [&](std::uint64_t count) {
    if (count > max_seeds)
      throw UsageError("--seeds '" + text + "' asks for " + std::to_string(count) + " seeds; at most " +
                       std::to_string(max_seeds) + " per command");
  };
  if (!is_list) {
    const std::uint64_t count = parse_positive(text, text);
    check_count(count);
    for (std::uint64_t s = 1; s <= count; ++s) seeds.push_back(s);
    return seeds;
  }
  std::set<std::uint64_t> seen;
  for (const std::string& item : split_list(text, "seeds")) {
    const auto dash = item.find('-');
    std::uint64_t first = 0, last = 0;
    if (dash == std::string::npos) {
      first = last = parse_positive(item, text);
    } else {
      first = parse_positive(item.substr(0, dash), text);
      last = parse_positive(item.substr(dash + 1), text);
      if (last < first) throw UsageError("--seeds: empty range '" + item + "'");
    }
    check_count(seeds.size() + (last - first + 1));
    for (std::uint64_t s = first; s <= last; ++s) {
      if (!seen.insert(s).second) throw UsageError("--seeds: seed " + std::to_string(s) + " is listed twice");
      seeds.push_back(s);
    }
  }
  return seeds;
}

void require_at_least(const std::string& name, double value, double minimum) {
  if (!(value >= minimum)) {
    std::ostringstream message;
    message << "--" << name << " must be >= " << minimum << ", got " << value;
    throw UsageError(message.str());
  }
}

bool given(const po::variables_map& vm, const std::string& name) {
  return vm.count(name) > 0 && !vm[name].defaulted();
}

std::string format_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char text[32];
  if (s >= 3600) std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
  return text;
}

Progress::Progress(std::string label, long total_epochs, bool quiet)
    : label_(std::move(label)),
      total_(total_epochs),
      terminal_(isatty(STDERR_FILENO) != 0),
      quiet_(quiet),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::epoch_done() {
  ++done_;
  if (terminal_ && !quiet_) draw(false);
}

void Progress::draw(bool force) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const long done = done_.load();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = done > 0 ? elapsed * static_cast<double>(total_ - done) / static_cast<double>(done) : 0.0;
  std::fprintf(stderr, "\r%s: %ld/%ld epochs (%3.0f%%)  elapsed %s  ETA %s   ", label_.c_str(), done, total_,
               100.0 * static_cast<double>(done) / static_cast<double>(total_), format_duration(elapsed).c_str(),
               done > 0 ? format_duration(eta).c_str() : "?");
  std::fflush(stderr);
}

void Progress::run_done(const std::string& summary) {
  if (quiet_ || terminal_) return;  // on a terminal the progress line says it all
  std::lock_guard<std::mutex> lock(mutex_);
  std::fprintf(stderr, "%s: %s\n", label_.c_str(), summary.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (quiet_ || !terminal_) return;
  draw(true);
  std::fprintf(stderr, "\n");
}

}  // namespace ccrnn::apps
