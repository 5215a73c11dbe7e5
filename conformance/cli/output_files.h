// The outputs of `bufconf run` and `bufconf zoo`, checked before the run starts and checked again
// when written: an output that cannot be written is a usage error (exit 2) naming its path
// ("stdout" for the standard output), never a report that silently is not there.
#ifndef BUFCONF_CONFORMANCE_CLI_OUTPUT_FILES_H_
#define BUFCONF_CONFORMANCE_CLI_OUTPUT_FILES_H_

#include <string>
#include <vector>

namespace bufconf::cli {

// A path the user typed, relative to where they ran the command (`bazel run` changes the working
// directory; BUILD_WORKING_DIRECTORY is the caller's).
std::string UserPath(const std::string& path);

// "2024-05-01 12:00:00 UTC": when a report was made.
std::string NowUtc();

// A report file: opened for writing (created when missing, not yet truncated) before the run, so
// a directory, a path under a missing directory or a read-only place is found at once; written
// whole at the end (truncated first when it is a regular file), every write and the close
// checked.
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  // `shown`: the path as the user typed it (for messages); `path`: where it is. On failure,
  // false and `error` is "cannot write SHOWN: REASON".
  bool Open(const std::string& shown, const std::string& path, std::string* error);
  bool is_open() const { return fd_ >= 0; }
  // Replaces the file's contents with `contents` and closes it.
  bool WriteAndClose(const std::string& contents, std::string* error);

 private:
  int fd_ = -1;
  std::string shown_;
};

// A file a command reads or writes, named by the option that gave it, for CheckDistinctFiles.
struct NamedFile {
  std::string option;  // "--json", "--adapter", "DESCRIPTOR"
  std::string shown;   // the path as the user typed it (for messages)
  std::string path;    // where it is
  bool output = false;
};

// Before any output is opened (opening creates it, writing truncates it): false and `error`
// ("--json and --adapter are the same file /tmp/x.so") when an output is the same file as another
// output or as an input (the adapter library, which is mapped into bufconf, the expectations file,
// explain's descriptor). An existing path is compared by st_dev/st_ino (links and other spellings
// of one file), a missing one by its absolute, lexically normalised path (its existing directory
// resolved). Only regular files and missing paths can collide: /dev/null, /dev/full, a pipe or a
// terminal given twice is not one file being overwritten.
bool CheckDistinctFiles(const std::vector<NamedFile>& files, std::string* error);

// A directory the run may write files into (--failures-dir), which need not exist yet: it must be
// a directory where a file can be created, or creatable below its nearest existing ancestor. The
// check creates nothing that stays. False and `error` ("cannot write ... in SHOWN: REASON") when
// not.
bool CheckOutputDirectory(const std::string& shown, const std::string& path, std::string* error);

// A file the run said it wrote (a counterexample file): it must exist and be a non-empty regular
// file. False and `error` when not.
bool CheckWrittenFile(const std::string& path, std::string* error);

// main found file descriptor 1 closed (`>&-`) and opened /dev/null on it, so that no file bufconf
// opens lands there; stdout counts as unwritable from then on: FlushStdout fails with "cannot write
// stdout: Bad file descriptor", as a write to the closed descriptor would have.
void MarkStdoutClosed();

// Flushes the standard output (C++ and C streams). False and `error` ("cannot write stdout:
// REASON") when a write failed, now or earlier (ENOSPC, EPIPE, /dev/full). Reports a failure
// once: later calls after a reported failure return true.
bool FlushStdout(std::string* error);

// Flushes the standard output after one line of a stream of answers (`check -`, `format -`), so
// a reader gets each answer as it is made. False when a write failed, now or earlier: the caller
// stops (a closed pipe must not make it read its input to the end) and returns 2; the failure is
// not reported here but by the next FlushStdout (main's), with its reason.
bool FlushStdoutLine();

// SIGPIPE is ignored (main): a write to a pipe whose reader has gone fails with EPIPE, and
// `bufconf ... | head` ends like any other output that cannot be written, "cannot write stdout:
// Broken pipe" once and exit 2, after the report files are written, rather than being killed
// (status 141) mid-run. (coreutils do the same when SIGPIPE is ignored: "write error: Broken
// pipe", exit 1.)
void IgnoreSigpipe();

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_OUTPUT_FILES_H_
