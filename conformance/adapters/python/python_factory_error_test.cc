// A factory that cannot be used makes the python adapter NULL (so loading it fails, exit 2 in
// bufconf run) and PythonAdapterError() says why. A process of its own: the adapter and its
// factory are created once per process.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "conformance/adapter/loader.h"
#include "conformance/adapters/python/python_adapter.h"

namespace bufconf::adapters {
namespace {

TEST(PythonFactory, AnUnusableFactoryFailsTheLoad) {
  ASSERT_EQ(setenv("BUFCONF_PYTHON_FACTORY", "no_such_module_for_bufconf:make", 1), 0);
  EXPECT_EQ(PythonFactory(), "no_such_module_for_bufconf:make");
  EXPECT_EQ(PythonAdapter(), nullptr);
  const std::string error = PythonAdapterError();
  EXPECT_NE(error.find("BUFCONF_PYTHON_FACTORY=no_such_module_for_bufconf:make: cannot import "
                       "module 'no_such_module_for_bufconf'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("ModuleNotFoundError"), std::string::npos) << error;
  try {
    conformance::LoadAdapter("python");
    ADD_FAILURE() << "the python adapter loaded";
  } catch (const conformance::AdapterLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("'python'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bufconf::adapters
