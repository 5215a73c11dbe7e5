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

// "mirror-threads": the same calls through plans run on three threads with blocks of any size
// and non-temporal stores (bufconf_mirror_run_with), so that the suite judges those paths too.
constexpr bufconf_mirror_options kEveryPath = {3, 1, 1};

// Runs the plan made (rc: how making it went) and frees it.
int RunPlan(int rc, bufconf_mirror_plan* plan, void* dst, const void* src) {
  if (rc == BUFCONF_MIRROR_OK) rc = bufconf_mirror_run_with(plan, dst, src, &kEveryPath);
  bufconf_mirror_plan_free(plan);
  return Code(rc);
}

int ToContiguousThreadsFn(void* ctx, void* buf, const bufconf_buffer* src, bufconf_ssize_t len,
                          char order) {
  const bufconf_view v = ViewOf(*src);
  if (len != v.len) return ToContiguousFn(ctx, buf, src, len, order);  // its error
  bufconf_mirror_plan* plan = nullptr;
  const int rc = bufconf_mirror_plan_to_contiguous(&v, order, &plan);
  return RunPlan(rc, plan, buf, v.buf);
}

int FromContiguousThreadsFn(void* ctx, const bufconf_buffer* view, const void* buf,
                            bufconf_ssize_t len, char order) {
  const bufconf_view v = ViewOf(*view);
  if (len < view->len) return FromContiguousFn(ctx, view, buf, len, order);  // its error
  bufconf_mirror_plan* plan = nullptr;
  const int rc = bufconf_mirror_plan_from_contiguous(&v, order, &plan);
  return RunPlan(rc, plan, v.buf, buf);
}

int CopyDataThreadsFn(void*, const bufconf_buffer* dest, const bufconf_buffer* src) {
  const bufconf_view d = ViewOf(*dest);
  const bufconf_view s = ViewOf(*src);
  if (d.readonly != 0) return Code(bufconf_copy_data(&d, &s));  // its error
  bufconf_mirror_plan* plan = nullptr;
  const int rc = bufconf_mirror_plan_copy(&d, &s, &plan);
  return RunPlan(rc, plan, d.buf, s.buf);
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

const bufconf_adapter* MirrorThreadsAdapter() {
  static const bufconf_adapter adapter = [] {
    bufconf_adapter a = MakeAdapter();
    a.name = "mirror-threads";
    a.to_contiguous = ToContiguousThreadsFn;
    a.from_contiguous = FromContiguousThreadsFn;
    a.copy_data = CopyDataThreadsFn;
    return a;
  }();
  return &adapter;
}

}  // namespace

BUFCONF_REGISTER_ADAPTER("mirror", MirrorAdapter)
BUFCONF_REGISTER_ADAPTER("mirror-threads", MirrorThreadsAdapter)
