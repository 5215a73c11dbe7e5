// The built-in adapter "mirror": the algorithm side of the adapter ABI implemented by the
// bufconf mirror library (bufconf_mirror.h), so the conformance suite judges it against the
// reference model: bufconf run --adapter mirror.
//
// Return codes: BUFCONF_MIRROR_EINVAL and EREADONLY are calls the C-API refuses
// (BUFCONF_REFUSED); EOVERFLOW and ENOMEM are failures of the library (BUFCONF_ERROR).
#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/adapter/register.h"
#include "mirror/bufconf_mirror.h"
#include "mirror/buffer_view.h"

namespace {

using bufconf::mirror::ViewOf;

int Code(int rc) {
  switch (rc) {
    case BUFCONF_MIRROR_OK:
      return BUFCONF_OK;
    case BUFCONF_MIRROR_EINVAL:
    case BUFCONF_MIRROR_EREADONLY:
      return BUFCONF_REFUSED;
    default:
      return BUFCONF_ERROR;
  }
}

int IsContiguousFn(void*, const bufconf_buffer* view, char order) {
  const bufconf_view v = ViewOf(*view);
  return bufconf_is_contiguous(&v, order);
}

void* GetPointerFn(void*, const bufconf_buffer* view, const bufconf_ssize_t* indices) {
  const bufconf_view v = ViewOf(*view);
  return bufconf_get_pointer(&v, indices);
}

int ToContiguousFn(void*, void* buf, const bufconf_buffer* src, bufconf_ssize_t len, char order) {
  const bufconf_view v = ViewOf(*src);
  return Code(bufconf_to_contiguous(buf, &v, len, order));
}

int FromContiguousFn(void*, const bufconf_buffer* view, const void* buf, bufconf_ssize_t len,
                     char order) {
  const bufconf_view v = ViewOf(*view);
  // The ABI has PyBuffer_FromContiguous's semantics: len is clamped to view->len (the library
  // itself asks for the exact length).
  if (len > view->len) len = view->len;
  return Code(bufconf_from_contiguous(&v, buf, len, order));
}

void FillContiguousStridesFn(void*, int ndim, const bufconf_ssize_t* shape,
                             bufconf_ssize_t* strides, int itemsize, char order) {
  bufconf_fill_contiguous_strides(ndim, shape, strides, itemsize, order);
}

int CopyDataFn(void*, const bufconf_buffer* dest, const bufconf_buffer* src) {
  const bufconf_view d = ViewOf(*dest);
  const bufconf_view s = ViewOf(*src);
  return Code(bufconf_copy_data(&d, &s));
}

bufconf_adapter MakeAdapter() {
  bufconf_adapter a{};
  a.abi_version = BUFCONF_ADAPTER_ABI_VERSION;
  a.name = "mirror";
  a.version = "bufconf-mirror 0.1";
  a.capabilities = BUFCONF_CAP_IS_CONTIGUOUS | BUFCONF_CAP_GET_POINTER | BUFCONF_CAP_TO_CONTIGUOUS |
                   BUFCONF_CAP_FROM_CONTIGUOUS | BUFCONF_CAP_FILL_STRIDES | BUFCONF_CAP_COPY_DATA;
  a.is_contiguous = IsContiguousFn;
  a.get_pointer = GetPointerFn;
  a.to_contiguous = ToContiguousFn;
  a.from_contiguous = FromContiguousFn;
  a.fill_contiguous_strides = FillContiguousStridesFn;
  a.copy_data = CopyDataFn;
  return a;
}

const bufconf_adapter* MirrorAdapter() {
  static const bufconf_adapter adapter = MakeAdapter();
  return &adapter;
}

}  // namespace

BUFCONF_REGISTER_ADAPTER("mirror", MirrorAdapter)
