// Explicit instantiations of the cortex for float (runs) and double (gradient checks).
#include <ccrnn/cortex/cortex.tpp>

#include <stdexcept>

namespace ccrnn {

CellType parse_cell_type(const std::string& name) {
  if (name == "lstm") return CellType::lstm;
  if (name == "tanh") return CellType::tanh;
  if (name == "gru") return CellType::gru;
  if (name == "leaky_tanh") return CellType::leaky_tanh;
  if (name == "linear") return CellType::linear;
  throw std::invalid_argument("unknown cell type '" + name + "' (expected lstm, tanh, gru, leaky_tanh or linear)");
}

std::string to_string(CellType cell) {
  switch (cell) {
    case CellType::lstm: return "lstm";
    case CellType::tanh: return "tanh";
    case CellType::gru: return "gru";
    case CellType::leaky_tanh: return "leaky_tanh";
    case CellType::linear: return "linear";
  }
  return "?";
}

Index state_blocks(CellType cell) { return cell == CellType::lstm || cell == CellType::leaky_tanh ? 2 : 1; }

template class CellLayer<float, LstmCell>;
template class CellLayer<double, LstmCell>;
template class CellLayer<float, TanhCell>;
template class CellLayer<double, TanhCell>;
template class CellLayer<float, GruCell>;
template class CellLayer<double, GruCell>;
template class CellLayer<float, LeakyTanhCell>;
template class CellLayer<double, LeakyTanhCell>;
template class CellLayer<float, LinearCell>;
template class CellLayer<double, LinearCell>;
template class Cortex<float>;
template class Cortex<double>;
}  // namespace ccrnn
