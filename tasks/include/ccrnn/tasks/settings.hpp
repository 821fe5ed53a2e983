#pragma once
// Named settings bound to the fields of a task's configuration tree. Each field is bound ONCE, to one
// name, and that name is used everywhere: as Python keyword and results-file attribute (snake_case,
// "cerebellum_hidden") and on the command line and in config files (with dashes, --cerebellum-hidden).
// Values travel as text, so the command line, config files, sweeps and Python share one parser.
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace ccrnn::tasks {

/// A setting that does not exist, a value that does not parse, or a value the task refuses; the message
/// names the setting as "--name" (the command-line spelling users see in --help).
class SettingError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct Setting {
  /// How the value is typed: in --help, in results-file attributes (int64, double, int64 0/1, string)
  /// and in Python.
  enum class Kind { integer, real, flag, text };
  std::string name;     // snake_case
  std::string help;
  std::string section;  // heading in --help (Model, Training, Task, ...)
  Kind kind = Kind::text;
  std::function<std::string()> get;             // the field's current value as text
  std::function<void(const std::string&)> set;  // parses and stores; throws SettingError
  bool cerebellar = false;  // only meaningful for models with a cerebellum
  bool given = false;       // set by the user, not the task's default

  /// "--cerebellum-hidden"
  std::string option() const;
  /// The current value, typed: integers and flags (0/1) as int64, reals as double, texts as string.
  std::variant<std::int64_t, double, std::string> value() const;
};

class Settings {
 public:
  /// Settings added from now on are listed under this heading.
  void section(const std::string& heading) { section_ = heading; }
  /// Settings added from now on apply only to models with a cerebellum (until cerebellar(false)).
  void cerebellar(bool on) { cerebellar_ = on; }

  void add(const std::string& name, int* field, const std::string& help);
  void add(const std::string& name, long* field, const std::string& help);
  void add(const std::string& name, long long* field, const std::string& help);
  void add(const std::string& name, unsigned long* field, const std::string& help);
  void add(const std::string& name, double* field, const std::string& help);
  void add(const std::string& name, bool* field, const std::string& help);  // a flag: off unless given
  void add(const std::string& name, std::string* field, const std::string& help);
  /// A flag that switches a field OFF when given (e.g. no_final_injection clears final_injection).
  void add_negated(const std::string& name, bool* field, const std::string& help);
  /// An enumerated value shown and parsed by name (parse throws std::invalid_argument for unknown names).
  template <class E, class Parse, class Name>
  void add_choice(const std::string& name, E* field, Parse parse, Name to_name, const std::string& help) {
    add_setting(name, Setting::Kind::text, help, [field, to_name] { return std::string(to_name(*field)); },
                [field, parse, name](const std::string& text) {
                  try {
                    *field = parse(text);
                  } catch (const std::invalid_argument& e) {
                    throw SettingError("--" + dashed(name) + ": " + e.what());
                  }
                });
  }

  /// Sets a setting from the user's text (name with '-' or '_') and marks it given; throws SettingError
  /// for an unknown name (listing the known ones) or a bad value.
  void assign(const std::string& name, const std::string& value);
  const Setting* find(const std::string& name) const;
  bool given(const std::string& name) const;
  const std::vector<Setting>& all() const { return settings_; }
  std::vector<Setting>& all() { return settings_; }

  static std::string dashed(std::string name);
  static std::string snake(std::string name);

 private:
  void add_setting(const std::string& name, Setting::Kind kind, const std::string& help,
                   std::function<std::string()> get, std::function<void(const std::string&)> set);
  std::vector<Setting> settings_;
  std::string section_ = "Options";
  bool cerebellar_ = false;
};

/// Checks of a task's prepare(): throw SettingError("--name must be >= minimum") unless value >= minimum.
void require_at_least(const std::string& name, double value, double minimum);

/// Shortest text that parses back to the same double ("0.1", "1e-09", "100").
std::string format_real(double value);
/// The double a whole text spells (what a real setting accepts); *ok false if the text is not exactly a number.
double parse_real_text(const std::string& text, bool* ok);

}  // namespace ccrnn::tasks
