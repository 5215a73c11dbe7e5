#include "reference/layout/fill_info.h"

#include <vector>

#include "reference/layout/request.h"

namespace bufconf::layout {

FillInfoOutcome FillInfo(bool view_is_null, uint64_t buf, int64_t len, int readonly, int flags) {
  FillInfoOutcome out;
  if (view_is_null) {
    out.result = FillInfoOutcome::Result::kBufferError;
    out.message = "BufferError: PyBuffer_FillInfo: view==NULL argument is obsolete";
    return out;
  }
  if (flags == kRead || flags == kWrite) {
    out.result = FillInfoOutcome::Result::kSystemError;
    out.message = "SystemError: bad argument to internal function";
    return out;
  }
  if (Has(flags, kWritable) && readonly == 1) {
    out.result = FillInfoOutcome::Result::kBufferError;
    out.message = "BufferError: Object is not writable.";
    return out;
  }
  Descriptor& v = out.view;
  v.buf = buf;
  v.len = len;
  v.readonly = readonly;
  v.itemsize = 1;
  if (Has(flags, kFormat)) v.format = "B";
  v.ndim = 1;
  if (Has(flags, kNd)) v.shape = std::vector<int64_t>{len};
  if (Has(flags, kStrides)) v.strides = std::vector<int64_t>{1};
  return out;
}

}  // namespace bufconf::layout
