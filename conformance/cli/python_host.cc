#include "conformance/cli/python_host.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "conformance/cli/hosted_bootstrap.h"

namespace bufconf::cli {
namespace {

// How long the interpreter may take to start bufconf (RunInInterpreter).
constexpr int kStartSeconds = 60;

// The interpreter RunInInterpreter waits for (0 when none), for PassOnSigterm.
volatile sig_atomic_t g_child = 0;

void PassOnSigterm(int) {
  if (g_child > 0) ::kill(static_cast<pid_t>(g_child), SIGTERM);
}

std::vector<std::string>& CommandLine() {
  static std::vector<std::string> args;
  return args;
}

std::string& Hosted() {
  static std::string executable;
  return executable;
}

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// `name` as execvp would find it: itself when it has a slash, else the first executable file of
// that name in PATH. "" when there is none.
std::string FindProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + name;
    if (IsExecutableFile(candidate)) return candidate;
    start = end + 1;
  }
  return "";
}

std::string Directory(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// libbufconf_hosted.so: BUFCONF_HOSTED_LIBRARY, else beside the bufconf executable (bazel-bin),
// else in its runfiles (a bazel test or run that has //:bufconf as data).
std::string FindHostedLibrary(std::string* looked) {
  const char* name = "libbufconf_hosted.so";
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("BUFCONF_HOSTED_LIBRARY"); env != nullptr && *env != '\0') {
    candidates.push_back(env);
  } else {
    char self[4096];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
      self[n] = '\0';
      candidates.push_back(Directory(self) + "/" + name);
    }
    if (!CommandLine().empty()) {
      const std::string argv0 = CommandLine()[0];
      candidates.push_back(argv0 + ".runfiles/bufconf/" + name);
      candidates.push_back(Directory(argv0) + "/" + name);
    }
    for (const char* var : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
      if (const char* dir = std::getenv(var); dir != nullptr && *dir != '\0') {
        candidates.push_back(std::string(dir) + "/bufconf/" + name);
      }
    }
  }
  for (const std::string& c : candidates) {
    if (::access(c.c_str(), R_OK) == 0) return c;
    *looked += (looked->empty() ? "" : ", ") + c;
  }
  return "";
}

}  // namespace

void SetCommandLine(int argc, char** argv) { CommandLine().assign(argv, argv + argc); }

void SetHosted(const std::string& executable) { Hosted() = executable; }

const std::string& HostedBy() { return Hosted(); }

int RunInInterpreter(const std::string& python, const char* command, const char* origin) {
  const std::string where = std::string("bufconf ") + command + ": " + origin + " " + python;
  if (python.empty()) {
    std::cerr << "bufconf " << command << ": --python: an empty value names no interpreter\n";
    return 2;
  }
  const std::string program = FindProgram(python);
  if (program.empty()) {
    std::cerr << where << ": no such program in PATH\n";
    return 2;
  }
  if (struct stat st{}; ::stat(program.c_str(), &st) != 0) {
    std::cerr << where << ": " << program << ": " << std::strerror(errno) << "\n";
    return 2;
  }
  if (!IsExecutableFile(program)) {
    std::cerr << where << ": " << program << " is not an executable file\n";
    return 2;
  }
  std::string looked;
  const std::string library = FindHostedLibrary(&looked);
  if (library.empty()) {
    std::cerr << where << ": libbufconf_hosted.so is missing (looked in " << looked
              << "; build //:libbufconf_hosted.so, or set BUFCONF_HOSTED_LIBRARY)\n";
    return 3;
  }
  // The command line again, without --python: the hosted bufconf runs the suite itself.
  std::vector<std::string> args = {program, "-c", kHostedBootstrap, library};
  const std::vector<std::string>& given = CommandLine();
  for (size_t i = 0; i < given.size(); ++i) {
    const std::string& a = given[i];
    if (a == "--python") {
      ++i;
      continue;
    }
    if (a.rfind("--python=", 0) == 0) continue;
    args.push_back(a);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The embedded interpreter's setting (debian_python.cc): numpy's BLAS single-threaded, since
  // the runner forks after numpy is imported.
  setenv("OPENBLAS_NUM_THREADS", "1", 0);
  // The interpreter runs as a child, and says on a pipe that bufconf started inside it
  // (bufconf_hosted_main, SignalHostedStart): a program that is no Python, or a Python that
  // exits without running bufconf, must not pass for a run that found nothing.
  int handshake[2];
  if (::pipe(handshake) != 0) {
    std::cerr << where << ": pipe: " << std::strerror(errno) << "\n";
    return 3;
  }
  setenv("BUFCONF_HOSTED_FD", std::to_string(handshake[1]).c_str(), 1);
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::cerr << where << ": fork: " << std::strerror(errno) << "\n";
    return 3;
  }
  if (pid == 0) {
    ::close(handshake[0]);
    ::execv(program.c_str(), argv.data());
    std::cerr << where << ": cannot run " << program << ": " << std::strerror(errno) << "\n";
    ::_exit(2);
  }
  ::close(handshake[1]);
  unsetenv("BUFCONF_HOSTED_FD");
  // Ctrl-C reaches the child too (same process group): this process waits for it to end, then
  // dies of the same signal. A SIGTERM sent to this process alone (a CI job's timeout) is passed
  // on to the interpreter, which would otherwise run on without it.
  struct sigaction ignore {
  }, pass_on{}, old_int{}, old_term{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore, &old_int);
  g_child = pid;
  pass_on.sa_handler = PassOnSigterm;
  ::sigaction(SIGTERM, &pass_on, &old_term);
  // Starting the interpreter (its site imports, the bootstrap) takes well under a second; one
  // that has not started bufconf within kStartSeconds never will (a sitecustomize that hangs).
  char started = 0;
  ssize_t got = 0;
  bool timed_out = false;
  struct pollfd wait_for {
    handshake[0], POLLIN, 0
  };
  for (;;) {
    const int ready = ::poll(&wait_for, 1, kStartSeconds * 1000);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    do {
      got = ::read(handshake[0], &started, 1);
    } while (got < 0 && errno == EINTR);
    break;
  }
  ::close(handshake[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  g_child = 0;
  if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM)) {
    // Interrupted or terminated: so is this process, as the embedded run would have been.
    std::signal(WTERMSIG(status), SIG_DFL);
    ::raise(WTERMSIG(status));
  }
  if (got == 1 && started == 'S') {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    std::cerr << where << ": the interpreter (" << program << ") was killed by signal "
              << WTERMSIG(status) << " (" << strsignal(WTERMSIG(status))
              << ") outside any case: the run is incomplete\n";
    return 3;
  }
  if (timed_out) {
    std::cerr << where << ": " << program << " did not start bufconf within " << kStartSeconds
              << " s: it was killed (does its startup, e.g. a sitecustomize, hang?)\n";
    return 2;
  }
  // Not started: the bootstrap said why (exit 2), or the program is not a Python at all.
  if (WIFEXITED(status) && WEXITSTATUS(status) == 2) return 2;
  std::cerr << where << ": " << program << " did not run bufconf (it "
            << (WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                  : "was killed by signal " + std::to_string(WTERMSIG(status)))
            << " without starting it): is it a CPython 3.8-3.13 interpreter?\n";
  return 2;
}

void SignalHostedStart() {
  const char* fd_text = std::getenv("BUFCONF_HOSTED_FD");
  if (fd_text == nullptr) return;
  char* end = nullptr;
  const long fd = std::strtol(fd_text, &end, 10);
  unsetenv("BUFCONF_HOSTED_FD");
  if (*end != '\0' || fd < 3 || fd > 65535) return;
  const char started = 'S';
  if (::write(static_cast<int>(fd), &started, 1) != 1) return;
  ::close(static_cast<int>(fd));
}

}  // namespace bufconf::cli
