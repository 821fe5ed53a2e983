// Explicit instantiations of the model for float (runs) and double (gradient checks).
#include <ccrnn/model.tpp>

namespace ccrnn {
template class Model<float>;
template class Model<double>;
}  // namespace ccrnn
