#include <ccrnn/tasks/settings.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace ccrnn::tasks {

std::string Setting::option() const { return "--" + Settings::dashed(name); }

std::variant<std::int64_t, double, std::string> Setting::value() const {
  const std::string text = get();
  switch (kind) {
    case Kind::integer:
    case Kind::flag: return static_cast<std::int64_t>(std::stoll(text));
    case Kind::real: {
      bool ok = false;
      return parse_real_text(text, &ok);  // get() writes a text that parses back exactly
    }
    case Kind::text: break;
  }
  return text;
}

std::string Settings::dashed(std::string name) {
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

std::string Settings::snake(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

std::string format_real(double value) {
  char text[40];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;  // shortest text that round-trips
  return std::string(text, end);
}

namespace {

template <class T>
T parse_integer(const std::string& name, const std::string& text) {
  std::size_t used = 0;
  long long value = 0;
  try {
    if (!text.empty() && !std::isspace(static_cast<unsigned char>(text[0]))) value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || value < static_cast<long long>(std::numeric_limits<T>::min()) ||
      static_cast<unsigned long long>(value) > static_cast<unsigned long long>(std::numeric_limits<T>::max()))
    throw SettingError("--" + Settings::dashed(name) + ": '" + text + "' is not a valid integer");
  return static_cast<T>(value);
}

}  // namespace

double parse_real_text(const std::string& text, bool* ok) {
  // strtod, not stod: stod refuses subnormal values that format_real writes.
  char* end = nullptr;
  const double value = text.empty() || std::isspace(static_cast<unsigned char>(text[0])) ? 0.0 : std::strtod(text.c_str(), &end);
  *ok = end != nullptr && end != text.c_str() && *end == '\0';
  return value;
}

namespace {

double parse_real(const std::string& name, const std::string& text) {
  bool ok = false;
  const double value = parse_real_text(text, &ok);
  if (!ok) throw SettingError("--" + Settings::dashed(name) + ": '" + text + "' is not a number");
  return value;
}

bool parse_flag(const std::string& name, const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "1" || t == "true" || t == "on" || t == "yes") return true;
  if (t == "0" || t == "false" || t == "off" || t == "no") return false;
  throw SettingError("--" + Settings::dashed(name) + ": '" + text + "' is not on/off (1, true, on, yes / 0, false, off, no)");
}

}  // namespace

void Settings::add_setting(const std::string& name, Setting::Kind kind, const std::string& help,
                           std::function<std::string()> get, std::function<void(const std::string&)> set) {
  if (find(name) != nullptr) throw std::logic_error("settings: '" + name + "' is bound twice");
  Setting s;
  s.name = snake(name);
  s.help = help;
  s.section = section_;
  s.kind = kind;
  s.get = std::move(get);
  s.set = std::move(set);
  s.cerebellar = cerebellar_;
  settings_.push_back(std::move(s));
}

#define CCRNN_ADD_INTEGER(T)                                                                           \
  void Settings::add(const std::string& name, T* field, const std::string& help) {                    \
    add_setting(name, Setting::Kind::integer, help, [field] { return std::to_string(*field); },       \
                [field, name](const std::string& text) { *field = parse_integer<T>(name, text); });   \
  }
CCRNN_ADD_INTEGER(int)
CCRNN_ADD_INTEGER(long)
CCRNN_ADD_INTEGER(long long)
CCRNN_ADD_INTEGER(unsigned long)
#undef CCRNN_ADD_INTEGER

void Settings::add(const std::string& name, double* field, const std::string& help) {
  add_setting(name, Setting::Kind::real, help, [field] { return format_real(*field); },
              [field, name](const std::string& text) { *field = parse_real(name, text); });
}

void Settings::add(const std::string& name, bool* field, const std::string& help) {
  add_setting(name, Setting::Kind::flag, help, [field] { return std::string(*field ? "1" : "0"); },
              [field, name](const std::string& text) { *field = parse_flag(name, text); });
}

void Settings::add_negated(const std::string& name, bool* field, const std::string& help) {
  add_setting(name, Setting::Kind::flag, help, [field] { return std::string(*field ? "0" : "1"); },
              [field, name](const std::string& text) { *field = !parse_flag(name, text); });
}

void Settings::add(const std::string& name, std::string* field, const std::string& help) {
  add_setting(name, Setting::Kind::text, help, [field] { return *field; }, [field](const std::string& text) { *field = text; });
}

const Setting* Settings::find(const std::string& name) const {
  const std::string key = snake(name);
  for (const auto& s : settings_)
    if (s.name == key) return &s;
  return nullptr;
}

bool Settings::given(const std::string& name) const {
  const Setting* s = find(name);
  return s != nullptr && s->given;
}

void Settings::assign(const std::string& name, const std::string& value) {
  const std::string key = snake(name);
  for (auto& s : settings_)
    if (s.name == key) {
      s.set(value);
      s.given = true;
      return;
    }
  std::string known;
  for (const auto& s : settings_) known += (known.empty() ? "" : ", ") + s.name;
  throw SettingError("unknown setting '" + name + "' (known: " + known + ")");
}

void require_at_least(const std::string& name, double value, double minimum) {
  if (!(value >= minimum)) {
    std::ostringstream message;
    message << "--" << Settings::dashed(name) << " must be >= " << minimum << ", got " << value;
    throw SettingError(message.str());
  }
}

}  // namespace ccrnn::tasks
