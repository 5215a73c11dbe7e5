#include "conformance/testing/python_coprocess.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace bufconf::testing {

PythonCoprocess::PythonCoprocess(const std::string& script) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe() failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, in[1]);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string python = kSystemPython;
  std::vector<char*> argv = {python.data(), const_cast<char*>("-u"),
                             const_cast<char*>(script.c_str()), nullptr};
  int rc = posix_spawn(&pid_, kSystemPython, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    throw std::runtime_error(std::string("cannot start ") + kSystemPython);
  }
  to_child_ = fdopen(in[1], "w");
  from_child_ = fdopen(out[0], "r");
}

PythonCoprocess::~PythonCoprocess() {
  if (to_child_ != nullptr) fclose(to_child_);
  if (from_child_ != nullptr) fclose(from_child_);
  if (pid_ > 0) {
    int status;
    waitpid(pid_, &status, 0);
  }
}

nlohmann::json PythonCoprocess::Ask(const nlohmann::json& request) {
  std::string line = request.dump() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), to_child_) != line.size() ||
      std::fflush(to_child_) != 0) {
    throw std::runtime_error("the python coprocess stopped reading");
  }
  std::string reply;
  int c;
  while ((c = std::fgetc(from_child_)) != EOF && c != '\n') reply.push_back(static_cast<char>(c));
  if (c == EOF) throw std::runtime_error("the python coprocess exited");
  return nlohmann::json::parse(reply);
}

std::string RunfilePath(const std::string& workspace_relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr || workspace == nullptr) return workspace_relative;
  return std::string(srcdir) + "/" + workspace + "/" + workspace_relative;
}

}  // namespace bufconf::testing
