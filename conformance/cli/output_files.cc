#include "conformance/cli/output_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <optional>
#include <vector>

namespace bufconf::cli {
namespace {

std::string Reason(int error) { return std::strerror(error); }

// The directory part of `path` ("." for a bare name).
std::string Parent(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const size_t slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

// `path` made absolute, with "." and empty components dropped and ".." applied lexically.
std::string Normalise(const std::string& path) {
  std::string full = path;
  if (full.empty() || full[0] != '/') {
    char* cwd = ::getcwd(nullptr, 0);
    full = std::string(cwd != nullptr ? cwd : ".") + "/" + full;
    std::free(cwd);
  }
  std::vector<std::string> parts;
  size_t begin = 0;
  while (begin <= full.size()) {
    size_t end = full.find('/', begin);
    if (end == std::string::npos) end = full.size();
    const std::string part = full.substr(begin, end - begin);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    begin = end + 1;
  }
  std::string out;
  for (const std::string& part : parts) out += "/" + part;
  return out.empty() ? "/" : out;
}

// What makes two paths one file: (dev, ino) of an existing regular file, the normalised path of a
// missing one (its directory resolved when it exists: a symlinked directory is one directory);
// nothing for other existing files (devices, pipes, directories), which cannot collide.
struct Identity {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string path;
  bool operator==(const Identity& other) const {
    return exists == other.exists &&
           (exists ? dev == other.dev && ino == other.ino : path == other.path);
  }
};

std::optional<Identity> IdentityOf(const std::string& path) {
  Identity id;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    id.exists = true;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    return id;
  }
  const std::string normal = Normalise(path);
  const size_t slash = normal.rfind('/');
  std::string dir = slash == 0 ? "/" : normal.substr(0, slash);
  if (char* real = ::realpath(dir.c_str(), nullptr); real != nullptr) {
    dir = real;
    std::free(real);
  }
  id.path = (dir == "/" ? "" : dir) + normal.substr(slash);
  return id;
}

}  // namespace

bool CheckDistinctFiles(const std::vector<NamedFile>& files, std::string* error) {
  std::vector<std::optional<Identity>> ids;
  for (const NamedFile& f : files) ids.push_back(IdentityOf(f.path));
  for (size_t i = 0; i < files.size(); ++i) {
    for (size_t j = i + 1; j < files.size(); ++j) {
      if (!files[i].output && !files[j].output) continue;  // two inputs may be one file
      if (!ids[i] || !ids[j] || !(*ids[i] == *ids[j])) continue;
      // Named after the output: the file that would have been overwritten.
      const NamedFile& shown = files[j].output ? files[j] : files[i];
      *error = files[i].option + " and " + files[j].option + " are the same file " + shown.shown;
      return false;
    }
  }
  return true;
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool OutputFile::Open(const std::string& shown, const std::string& path, std::string* error) {
  shown_ = shown;
  if (path.empty()) {
    *error = "cannot write '" + shown + "': an empty path";
    return false;
  }
  // Not truncated yet: a run that stops early leaves a previous report as it was.
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    *error = "cannot write " + shown + ": " + Reason(errno);
    return false;
  }
  return true;
}

bool OutputFile::WriteAndClose(const std::string& contents, std::string* error) {
  if (fd_ < 0) {
    *error = "cannot write " + shown_ + ": not open";
    return false;
  }
  int failure = 0;
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) < 0) failure = errno;
  }
  size_t done = 0;
  while (failure == 0 && done < contents.size()) {
    const ssize_t n = ::write(fd_, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      failure = errno;
    } else if (n == 0) {
      failure = EIO;
    } else {
      done += static_cast<size_t>(n);
    }
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 && failure == 0) failure = errno;
  if (failure != 0) {
    *error = "cannot write " + shown_ + ": " + Reason(failure);
    return false;
  }
  return true;
}

bool CheckOutputDirectory(const std::string& shown, const std::string& path, std::string* error) {
  if (path.empty()) {
    *error = "cannot write files in '" + shown + "': an empty path";
    return false;
  }
  // The directory itself, or its nearest existing ancestor (the run creates the rest).
  std::string existing = path;
  bool is_path_itself = true;
  struct stat st {};
  while (::stat(existing.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      *error = "cannot write files in " + shown + ": " + Reason(errno);
      return false;
    }
    const std::string parent = Parent(existing);
    if (parent == existing) {
      *error = "cannot write files in " + shown + ": " + Reason(ENOENT);
      return false;
    }
    existing = parent;
    is_path_itself = false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *error = "cannot write files in " + shown + ": " +
             (is_path_itself ? Reason(ENOTDIR) : existing + " is not a directory");
    return false;
  }
  // A probe that leaves nothing behind: a file in the directory when it exists, else a directory
  // where the run would create the first missing one.
  std::string probe = existing + "/.bufconf-write-check-XXXXXX";
  std::vector<char> name(probe.begin(), probe.end());
  name.push_back('\0');
  if (is_path_itself) {
    const int fd = ::mkstemp(name.data());
    if (fd < 0) {
      *error = "cannot write files in " + shown + ": " + Reason(errno);
      return false;
    }
    ::close(fd);
    ::unlink(name.data());
  } else {
    if (::mkdtemp(name.data()) == nullptr) {
      *error = "cannot write files in " + shown + ": cannot create a directory in " + existing +
               ": " + Reason(errno);
      return false;
    }
    ::rmdir(name.data());
  }
  return true;
}

bool CheckWrittenFile(const std::string& path, std::string* error) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    *error = "the counterexample file " + path + " was not written: " + Reason(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode) || st.st_size == 0) {
    *error = "the counterexample file " + path + " was not written (empty or not a file)";
    return false;
  }
  return true;
}

namespace {

// The first reason a write to stdout failed (0: none seen yet).
int stdout_failure = 0;
// MarkStdoutClosed: descriptor 1 was closed when bufconf started.
bool stdout_closed = false;

// Flushes the C++ and C streams; false when a write failed, now or earlier (recorded).
bool FlushBoth() {
  if (stdout_closed) {
    if (stdout_failure == 0) stdout_failure = EBADF;
    return false;
  }
  errno = 0;
  const bool cxx_failed = !std::cout.flush();  // synced with stdio: flushes stdout too
  const int cxx_reason = errno;
  errno = 0;
  const bool c_failed = std::fflush(stdout) != 0;
  const int reason = errno != 0 ? errno : cxx_reason;
  if (!cxx_failed && !c_failed && !std::ferror(stdout)) return true;
  if (stdout_failure == 0) stdout_failure = reason != 0 ? reason : -1;
  return false;
}

}  // namespace

bool FlushStdout(std::string* error) {
  static bool reported = false;
  if (reported) return true;
  if (FlushBoth()) return true;
  reported = true;
  *error = "cannot write stdout: " +
           (stdout_failure > 0 ? Reason(stdout_failure) : std::string("a write failed"));
  return false;
}

bool FlushStdoutLine() { return FlushBoth(); }

void MarkStdoutClosed() { stdout_closed = true; }

void IgnoreSigpipe() { std::signal(SIGPIPE, SIG_IGN); }

std::string UserPath(const std::string& path) {
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (cwd == nullptr || path.empty() || path[0] == '/') return path;
  return std::string(cwd) + "/" + path;
}

std::string NowUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace bufconf::cli
