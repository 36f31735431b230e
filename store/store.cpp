#include "store/store.h"

namespace tend::store {

Transaction::~Transaction() {
  if (backend_ && !finished_) backend_->rollback();
}

Status Transaction::commit() {
  if (finished_) return std::unexpected(Error::internal("transaction already finished"));
  finished_ = true;
  auto status = backend_->commit();
  if (!status) backend_->rollback();
  return status;
}

}  // namespace tend::store
