// The loader: built-in and registered adapters, the minimal example as a shared library (whose
// get_buffer must also agree with the request oracle), and refusals with clear messages.
// Arguments: minimal_adapter.so bad_abi_adapter.so missing_function_adapter.so old_abi_v1.so
// old_abi_v2.so old_abi_v1_resize.so old_abi_v2_consumers.so
#include "conformance/adapter/loader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "conformance/adapter/real_layout.h"
#include "reference/layout/request.h"

namespace bufconf::conformance {
namespace {

std::string g_minimal, g_bad_abi, g_missing_function;
std::string g_old_v1, g_old_v2, g_old_v1_resize, g_old_v2_consumers;

std::string LoadError(const std::string& what) {
  try {
    LoadedAdapter loaded = LoadAdapter(what);
    UnloadAdapter(loaded);
  } catch (const AdapterLoadError& e) {
    return e.what();
  }
  return "(loaded)";
}

bool Contains(const std::string& text, const std::string& words) {
  return text.find(words) != std::string::npos;
}

TEST(Loader, BuiltinAndRegisteredAdapters) {
  LoadedAdapter reference = LoadAdapter("reference");
  ASSERT_NE(reference.adapter, nullptr);
  EXPECT_STREQ(reference.adapter->name, "reference");
  EXPECT_EQ(reference.dl_handle, nullptr);
  EXPECT_EQ(reference.source, "built-in reference");
  // Linked in with bufconf_adapter_library(entry = ...).
  LoadedAdapter registered = LoadAdapter("static-minimal");
  EXPECT_STREQ(registered.adapter->name, "static-minimal");
  const std::vector<std::string> names = BuiltinAdapterNames();
  EXPECT_EQ(names, (std::vector<std::string>{"reference", "static-minimal"}));
  // A name taken already is refused (the first registration is kept).
  EXPECT_FALSE(
      RegisterAdapter("reference", [] { return static_cast<const bufconf_adapter*>(nullptr); }));
  EXPECT_STREQ(LoadAdapter("reference").adapter->name, "reference");
  const std::string unknown = LoadError("nosuch");
  EXPECT_TRUE(Contains(unknown, "unknown adapter 'nosuch'")) << unknown;
  EXPECT_TRUE(Contains(unknown, "reference, static-minimal")) << unknown;
}

TEST(Loader, MinimalSharedLibrary) {
  LoadedAdapter loaded = LoadAdapter(g_minimal);
  ASSERT_NE(loaded.adapter, nullptr);
  EXPECT_NE(loaded.dl_handle, nullptr);
  EXPECT_EQ(loaded.source, g_minimal);
  const bufconf_adapter& a = *loaded.adapter;
  EXPECT_STREQ(a.name, "minimal");
  EXPECT_EQ(a.capabilities, BUFCONF_CAP_MAKE_EXPORTER | BUFCONF_CAP_EXPORT_COUNT);

  const bufconf_ssize_t shape[] = {2, 3};
  const int32_t items[] = {1, 2, 3, 4, 5, 6};
  bufconf_array_spec spec{};
  spec.format = "i";
  spec.itemsize = 4;
  spec.ndim = 2;
  spec.shape = shape;
  spec.items = items;
  for (uint32_t layout_bits : {0u, unsigned{BUFCONF_LAYOUT_READONLY}}) {
    spec.layout = layout_bits;
    void* exporter = nullptr;
    char message[256] = "";
    ASSERT_EQ(a.make_exporter(a.context, &spec, &exporter, message, sizeof message), BUFCONF_OK)
        << message;
    bufconf_buffer full{};
    ASSERT_EQ(
        a.get_buffer(a.context, exporter, &full, BUFCONF_PYBUF_FULL_RO, message, sizeof message),
        BUFCONF_OK);
    const layout::Descriptor exporter_view = DescriptorOf(full);
    a.release_buffer(a.context, exporter, &full);
    std::vector<bufconf_buffer> views;
    for (int flags = 0; flags <= 0x3ff; ++flags) {
      const layout::RequestOutcome outcome = layout::Request(exporter_view, flags);
      bufconf_buffer view{};
      const int rc = a.get_buffer(a.context, exporter, &view, flags, message, sizeof message);
      if (outcome.verdict == layout::RequestOutcome::Verdict::kMustFail) {
        EXPECT_EQ(rc, BUFCONF_REFUSED) << "flags " << flags;
        continue;
      }
      if (outcome.verdict == layout::RequestOutcome::Verdict::kMayFail && rc == BUFCONF_REFUSED) {
        continue;
      }
      ASSERT_EQ(rc, BUFCONF_OK) << "flags " << flags << ": " << message;
      views.push_back(view);
      const layout::Descriptor got = DescriptorOf(view);
      const layout::Descriptor& e = outcome.expected;
      EXPECT_TRUE(got.buf == e.buf && got.len == e.len && got.itemsize == e.itemsize &&
                  got.readonly == e.readonly && got.ndim == e.ndim && got.format == e.format &&
                  got.shape == e.shape && got.strides == e.strides &&
                  got.suboffsets == e.suboffsets)
          << "flags " << flags;
    }
    EXPECT_EQ(a.export_count(a.context, exporter), static_cast<bufconf_ssize_t>(views.size()));
    for (bufconf_buffer& view : views) a.release_buffer(a.context, exporter, &view);
    EXPECT_EQ(a.export_count(a.context, exporter), 0);
    a.destroy_exporter(a.context, exporter);
  }
  // What it cannot express is skipped.
  const bufconf_ssize_t steps[] = {2, 1};
  spec.steps = steps;
  void* exporter = nullptr;
  char message[64];
  EXPECT_EQ(a.make_exporter(a.context, &spec, &exporter, message, sizeof message),
            BUFCONF_UNSUPPORTED);
  UnloadAdapter(loaded);
  EXPECT_EQ(loaded.adapter, nullptr);
}

TEST(Loader, RefusesBrokenLibraries) {
  const std::string missing = LoadError("/nonexistent/libnothing.so");
  EXPECT_EQ(missing, "adapter library '/nonexistent/libnothing.so': no such file");
  const std::string bad_abi = LoadError(g_bad_abi);
  EXPECT_TRUE(Contains(bad_abi, "adapter library '" + g_bad_abi + "'")) << bad_abi;
  EXPECT_TRUE(Contains(bad_abi, "ABI version 4, but this bufconf supports ABI versions 1 to 3"))
      << bad_abi;
  const std::string missing_function = LoadError(g_missing_function);
  EXPECT_TRUE(Contains(missing_function, "get_pointer (needed by BUFCONF_CAP_GET_POINTER)"))
      << missing_function;
  // Not a shared library at all: a directory, a file that is not ELF.
  EXPECT_TRUE(Contains(LoadError("/"), "not a regular file"));
  const std::string not_elf = LoadError("/proc/self/status");
  EXPECT_TRUE(Contains(not_elf, "dlopen failed")) << not_elf;
}

// Adapters of ABI versions 1 and 2 whose struct ends where their version's does, right before a
// PROT_NONE page: they load (a read past the old struct would crash the probe), the fields of
// later versions read as NULL, and their function works.
TEST(Loader, OlderAbiVersionsLoad) {
  for (const auto& [path, version] :
       {std::pair<std::string, uint32_t>{g_old_v1, 1}, {g_old_v2, 2}}) {
    LoadedAdapter loaded;
    try {
      loaded = LoadAdapter(path);
    } catch (const AdapterLoadError& e) {
      ADD_FAILURE() << path << ": " << e.what();
      continue;
    }
    ASSERT_NE(loaded.adapter, nullptr);
    const bufconf_adapter& a = *loaded.adapter;
    EXPECT_EQ(a.abi_version, version);
    EXPECT_EQ(std::string(a.name), "old-abi-v" + std::to_string(version));
    EXPECT_EQ(a.capabilities, BUFCONF_CAP_IS_CONTIGUOUS);
    EXPECT_EQ(a.resize, nullptr);
    EXPECT_EQ(a.exporter_object, nullptr);
    EXPECT_EQ(a.reference_count, nullptr);
    EXPECT_EQ(a.fill_info, nullptr);
    EXPECT_EQ(a.consumer, nullptr);
    EXPECT_EQ(a.consume, nullptr);
    ASSERT_NE(a.is_contiguous, nullptr);
    bufconf_ssize_t shape[] = {2, 3};
    bufconf_ssize_t strides[] = {4, 8};  // Fortran order, itemsize 4
    bufconf_buffer view{};
    view.len = 24;
    view.itemsize = 4;
    view.ndim = 2;
    view.shape = shape;
    view.strides = strides;
    EXPECT_EQ(a.is_contiguous(a.context, &view, 'C'), 0);
    EXPECT_EQ(a.is_contiguous(a.context, &view, 'F'), 1);
    EXPECT_EQ(a.is_contiguous(a.context, &view, 'A'), 1);
    UnloadAdapter(loaded);
  }
}

TEST(Loader, OlderAbiVersionsRefuseLaterCapabilities) {
  const std::string consumers = LoadError(g_old_v2_consumers);
  EXPECT_TRUE(Contains(consumers, "need ABI version 3")) << consumers;
  EXPECT_TRUE(Contains(consumers, "0x10000")) << consumers;
  const std::string resize = LoadError(g_old_v1_resize);
  EXPECT_TRUE(Contains(resize, "need ABI version 2")) << resize;
  EXPECT_TRUE(Contains(resize, "0x8")) << resize;
}

}  // namespace
}  // namespace bufconf::conformance

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 8) {
    std::fprintf(stderr,
                 "usage: loader_test minimal_adapter.so bad_abi_adapter.so "
                 "missing_function_adapter.so old_abi_v1.so old_abi_v2.so old_abi_v1_resize.so "
                 "old_abi_v2_consumers.so\n");
    return 2;
  }
  // Paths relative to the runfiles directory (the test's working directory).
  auto path = [](const char* p) { return p[0] == '/' ? std::string(p) : "./" + std::string(p); };
  bufconf::conformance::g_minimal = path(argv[1]);
  bufconf::conformance::g_bad_abi = path(argv[2]);
  bufconf::conformance::g_missing_function = path(argv[3]);
  bufconf::conformance::g_old_v1 = path(argv[4]);
  bufconf::conformance::g_old_v2 = path(argv[5]);
  bufconf::conformance::g_old_v1_resize = path(argv[6]);
  bufconf::conformance::g_old_v2_consumers = path(argv[7]);
  return RUN_ALL_TESTS();
}
