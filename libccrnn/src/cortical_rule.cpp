// The loop cortex's learning rules by name (loop/cortical_rule.hpp).
#include <ccrnn/loop/cortical_rule.hpp>

#include <stdexcept>

namespace ccrnn {

CorticalRule parse_cortical_rule(const std::string& name) {
  if (name == "bptt") return CorticalRule::bptt;
  if (name == "eprop") return CorticalRule::eprop;
  if (name == "tbptt") return CorticalRule::tbptt;
  if (name == "dni") return CorticalRule::dni;
  throw std::invalid_argument("unknown cortical rule '" + name + "' (expected bptt, eprop, tbptt or dni)");
}

const char* to_string(CorticalRule rule) {
  switch (rule) {
    case CorticalRule::bptt: return "bptt";
    case CorticalRule::eprop: return "eprop";
    case CorticalRule::tbptt: return "tbptt";
    case CorticalRule::dni: return "dni";
  }
  return "?";
}

}  // namespace ccrnn
