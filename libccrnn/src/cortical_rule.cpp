// The loop cortex's learning rules by name (loop/cortical_rule.hpp).
#include <ccrnn/loop/cortical_rule.hpp>
#include <ccrnn/core/enum_names.hpp>

#include <stdexcept>

namespace ccrnn {

namespace {
constexpr EnumName<CorticalRule> cortical_rule_names[] = {{CorticalRule::bptt, "bptt"},
                                                          {CorticalRule::eprop, "eprop"},
                                                          {CorticalRule::tbptt, "tbptt"},
                                                          {CorticalRule::dni, "dni"}};
}  // namespace

CorticalRule parse_cortical_rule(const std::string& name) { return parse_enum(cortical_rule_names, name, "cortical rule"); }

const char* to_string(CorticalRule rule) { return enum_name(cortical_rule_names, rule); }

}  // namespace ccrnn
