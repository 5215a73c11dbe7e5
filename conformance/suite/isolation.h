// Running one piece of work (a rule's cases against an adapter) in a forked child with a time
// limit, so that a crash, a hang or an exit() in the implementation under test becomes a result
// instead of killing the runner.
#ifndef BUFCONF_CONFORMANCE_SUITE_ISOLATION_H_
#define BUFCONF_CONFORMANCE_SUITE_ISOLATION_H_

#include <cstdint>
#include <functional>
#include <string>

namespace bufconf::suite {

struct IsolatedResult {
  // kOk: body returned. kCrashed: killed by a signal (`signal`), or stopped by a sanitizer
  // report (`signal` is the deadly signal ASan names, e.g. SIGSEGV, or 0 for a memory error).
  // kTimedOut: killed after the time limit (`signal` is SIGKILL). kExited: the child called
  // exit() with a non-zero status (`exit_code`); 3 when an exception escaped the body.
  enum class Outcome { kOk, kCrashed, kTimedOut, kExited };
  Outcome outcome = Outcome::kOk;
  int signal = 0;
  int exit_code = 0;
  std::string payload;       // what the child wrote with ChildChannel::Write (complete lines only)
  std::string last_note;     // the last note the child wrote (without its newline)
  int64_t note_count = 0;    // how many notes the child wrote (cases started)
  std::string last_failure;  // the last ChildChannel::NoteFailure text, or empty
  std::string stderr_tail;   // the last ~4 KiB the child wrote to stderr (and stdout)
};

// "ok", "crashed", "timed out", "exited".
const char* OutcomeName(IsolatedResult::Outcome outcome);

// One-line description, e.g. "crashed (signal 11, SIGSEGV)" or "timed out after the limit"; a
// child that exited with status 0 without writing a result "exited with status 0 during the
// case, ...".
std::string Describe(const IsolatedResult& result);

// What `timeout_seconds` of RunIsolated limits. kTotal: the child's whole run. kPerNote: each
// stretch between notes (a watchdog: the child notes each case before running it, and the child
// is killed when one case takes longer than the limit, however many cases it runs).
enum class TimeLimit { kTotal, kPerNote };

// The child's side. Write and Note go straight to the parent (no buffering), so what was
// written before a crash is kept.
class ChildChannel {
 public:
  // Appends one result line (a '\n' is added; newlines inside `line` split it into lines).
  void Write(const std::string& line);
  // Records "what I am about to do" (e.g. a JSON of the case in progress); the parent keeps
  // the last complete note. Newlines in `note` are replaced by spaces.
  void Note(const std::string& note);
  // Records "the last failure found so far" (e.g. the smallest failing case of a shrink): the
  // parent keeps it apart from the notes, so a child killed while shrinking still names a case
  // that fails. Newlines are replaced by spaces.
  void NoteFailure(const std::string& failure);

 private:
  friend IsolatedResult RunIsolated(const std::function<void(ChildChannel&)>&, double,
                                    const std::function<void()>&, TimeLimit);
  friend IsolatedResult RunInProcess(const std::function<void(ChildChannel&)>&);
  ChildChannel() = default;

  int result_fd_ = -1;  // forked: pipes to the parent
  int note_fd_ = -1;
  void* board_ = nullptr;                 // forked: the notes' shared memory (isolation.cc)
  IsolatedResult* in_process_ = nullptr;  // in-process: the result being built
};

// Forks; the child calls setpgid(0, 0), sends stdout and stderr to the parent, calls
// `after_fork` (if any), runs `body` and _exit(0)s (an exception escaping `body` is written to
// stderr and the child _exit(3)s; the child is also killed if the parent dies). The parent
// collects the child's output, kills the child's process group after `timeout_seconds`
// (<= 0: no limit; of the whole run or of each stretch between notes, as `limit` says), reaps
// it and classifies the outcome. Also kills any process the child left
// in its group. Throws std::system_error if the pipes or the fork cannot be made.
// Call it from a thread-safe point: the child runs `body` in a copy of the caller's process.
IsolatedResult RunIsolated(const std::function<void(ChildChannel&)>& body, double timeout_seconds,
                           const std::function<void()>& after_fork = nullptr,
                           TimeLimit limit = TimeLimit::kTotal);

// The same without a child (--no-fork, debugging): runs `body` in this process; an exception
// escaping it gives kExited with exit_code 3 and its message in stderr_tail. A crash or hang
// of `body` is the caller's.
IsolatedResult RunInProcess(const std::function<void(ChildChannel&)>& body);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_ISOLATION_H_
