// Explicit instantiations of the cortex for float (runs) and double (gradient checks).
#include <ccrnn/cortex/cortex.tpp>
#include <ccrnn/core/enum_names.hpp>

#include <stdexcept>

namespace ccrnn {

namespace {
constexpr EnumName<CellType> cell_type_names[] = {{CellType::lstm, "lstm"},
                                                  {CellType::tanh, "tanh"},
                                                  {CellType::gru, "gru"},
                                                  {CellType::leaky_tanh, "leaky_tanh"},
                                                  {CellType::linear, "linear"}};
}  // namespace

CellType parse_cell_type(const std::string& name) { return parse_enum(cell_type_names, name, "cell type"); }

std::string to_string(CellType cell) { return enum_name(cell_type_names, cell); }

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
