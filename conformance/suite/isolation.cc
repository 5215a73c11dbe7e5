#include "conformance/suite/isolation.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <system_error>
#include <vector>

namespace bufconf::suite {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kTailBytes = 4096;
constexpr size_t kMaxScannedLine = 1024;
constexpr int kExceptionExitCode = 3;
constexpr int kOrphanExitCode = 4;

// The child's notes, in memory shared with the parent: a note costs a copy, not a write to a
// pipe that wakes the parent (the core's cases are noted by the tens of thousands). Two slots,
// written in turn; `count` is published after a slot is complete, so a child killed while
// writing a note leaves the previous one intact. A note larger than a slot goes through the note
// pipe, its slot length set to kInPipe. The parent reads the board only after the child is
// reaped, and checks every length (a wild write in the child may have hit the board).
struct NoteBoard {
  static constexpr size_t kSlot = size_t{32} << 20;  // reserved, not committed (MAP_NORESERVE)
  static constexpr uint64_t kInPipe = ~uint64_t{0};
  std::atomic<int64_t> count{0};
  uint64_t length[2] = {0, 0};
  char slot[2][kSlot];
};

// Writes all of `data`, retrying after EINTR and partial writes. Gives up silently if the
// reader is gone (the parent then reports whatever it had).
void WriteAll(int fd, const std::string& data) {
  const char* p = data.data();
  size_t n = data.size();
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void Close(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

[[noreturn]] void ThrowErrno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void SleepMs(int ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000L};
  while (::nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

// True if the child has terminated (without reaping it, so its pid and process group stay
// reserved for kill()).
bool HasTerminated(pid_t pid) {
  for (;;) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) < 0) {
      if (errno == EINTR) continue;
      return true;  // ECHILD: nothing to wait for
    }
    return info.si_pid == pid;
  }
}

int Reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 0;
  }
  return status;
}

void KillGroup(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);  // in case the child has not reached setpgid yet
}

// The deadly signal ASan names in "ERROR: AddressSanitizer: SEGV on unknown address", or 0.
int SignalFromSanitizerKind(const std::string& kind) {
  if (kind == "SEGV") return SIGSEGV;
  if (kind == "BUS") return SIGBUS;
  if (kind == "FPE") return SIGFPE;
  if (kind == "ILL") return SIGILL;
  if (kind == "ABRT") return SIGABRT;
  if (kind == "TRAP") return SIGTRAP;
  return 0;
}

// What the parent collects from the child's stderr: its tail, and whether a sanitizer
// reported an error (its report may be longer than the tail).
class StderrCollector {
 public:
  void Add(const char* data, size_t n) {
    tail_.append(data, n);
    if (tail_.size() > 4 * kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
    for (size_t i = 0; i < n; ++i) {
      if (data[i] == '\n') {
        ScanLine();
        line_.clear();
      } else if (line_.size() < kMaxScannedLine) {
        line_ += data[i];
      }
    }
  }
  std::string Tail() const {
    return tail_.size() > kTailBytes ? tail_.substr(tail_.size() - kTailBytes) : tail_;
  }
  // "SEGV", "heap-buffer-overflow", "undefined-behavior", ...; nullopt if no report was seen.
  std::optional<std::string> SanitizerKind() {
    ScanLine();
    return sanitizer_kind_;
  }

 private:
  void ScanLine() {
    if (sanitizer_kind_) return;
    for (const char* prefix : {"ERROR: ", "SUMMARY: "}) {
      const size_t at = line_.find(prefix);
      if (at == std::string::npos) continue;
      const size_t colon = line_.find("Sanitizer: ", at);
      if (colon == std::string::npos) continue;
      const size_t start = colon + std::string("Sanitizer: ").size();
      const size_t end = line_.find_first_of(" \t(", start);
      sanitizer_kind_ = line_.substr(start, end == std::string::npos ? end : end - start);
      return;
    }
  }

  std::string tail_;
  std::string line_;
  std::optional<std::string> sanitizer_kind_;
};

// The pipes of one child, read without blocking.
struct Pipes {
  enum { kResult, kNote, kStderr, kCount };
  int fd[kCount] = {-1, -1, -1};
  std::string payload;
  std::string note_partial;
  std::string last_note;
  int64_t note_count = 0;
  Clock::time_point last_note_time;
  std::string last_failure;
  StderrCollector err;

  bool AnyOpen() const { return fd[0] >= 0 || fd[1] >= 0 || fd[2] >= 0; }

  // Reads what is available from pipe k; closes it at end of file or on an error.
  void Drain(int k) {
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(fd[k], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n <= 0) {
        Close(fd[k]);
        return;
      }
      const size_t len = static_cast<size_t>(n);
      switch (k) {
        case kResult:
          payload.append(buf, len);
          break;
        case kNote: {
          note_partial.append(buf, len);
          size_t begin = 0;
          for (size_t nl; (nl = note_partial.find('\n', begin)) != std::string::npos;
               begin = nl + 1) {
            // "N<note>" or "F<failure>" (ChildChannel::Note, NoteFailure).
            if (nl > begin && note_partial[begin] == 'F') {
              last_failure = note_partial.substr(begin + 1, nl - begin - 1);
            } else if (nl > begin) {
              last_note = note_partial.substr(begin + 1, nl - begin - 1);
              ++note_count;
              last_note_time = Clock::now();
            }
          }
          note_partial.erase(0, begin);
          break;
        }
        case kStderr:
          err.Add(buf, len);
          break;
      }
    }
  }

  void DrainAll() {
    for (int k = 0; k < kCount; ++k) {
      if (fd[k] >= 0) Drain(k);
    }
  }

  void CloseAll() {
    for (int& f : fd) Close(f);
  }
};

std::string CurrentExceptionMessage() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

[[noreturn]] void ChildMain(const std::function<void(ChildChannel&)>& body,
                            const std::function<void()>& after_fork, ChildChannel& channel) {
  int code = 0;
  try {
    if (after_fork) after_fork();
    body(channel);
  } catch (...) {
    WriteAll(STDERR_FILENO,
             "bufconf: exception in isolated child: " + CurrentExceptionMessage() + "\n");
    code = kExceptionExitCode;
  }
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  ::_exit(code);
}

}  // namespace

const char* OutcomeName(IsolatedResult::Outcome outcome) {
  switch (outcome) {
    case IsolatedResult::Outcome::kOk:
      return "ok";
    case IsolatedResult::Outcome::kCrashed:
      return "crashed";
    case IsolatedResult::Outcome::kTimedOut:
      return "timed out";
    case IsolatedResult::Outcome::kExited:
      return "exited";
  }
  return "?";
}

std::string Describe(const IsolatedResult& result) {
  switch (result.outcome) {
    case IsolatedResult::Outcome::kOk:
      // Status 0 with nothing written: the child ended in the middle of its work (exit(0)
      // during a case, or the pipes to bufconf closed), which is no success.
      return result.payload.empty()
                 ? "exited with status 0 during the case, before its result was written "
                   "(exit(0) or _exit(0) called, or bufconf's pipes closed)"
                 : "ok";
    case IsolatedResult::Outcome::kCrashed: {
      if (result.signal == 0) return "crashed (sanitizer report)";
      const char* abbrev = ::sigabbrev_np(result.signal);
      return "crashed (signal " + std::to_string(result.signal) +
             (abbrev ? std::string(", SIG") + abbrev : std::string()) + ")";
    }
    case IsolatedResult::Outcome::kTimedOut:
      return "timed out";
    case IsolatedResult::Outcome::kExited:
      return "exited with status " + std::to_string(result.exit_code);
  }
  return "?";
}

void ChildChannel::Write(const std::string& line) {
  if (in_process_ != nullptr) {
    in_process_->payload += line + "\n";
  } else {
    WriteAll(result_fd_, line + "\n");
  }
}

void ChildChannel::Note(const std::string& note) {
  if (in_process_ != nullptr) {
    in_process_->last_note = note;
    std::replace(in_process_->last_note.begin(), in_process_->last_note.end(), '\n', ' ');
    ++in_process_->note_count;
    return;
  }
  NoteBoard* board = static_cast<NoteBoard*>(board_);
  const int64_t n = board->count.load(std::memory_order_relaxed);
  const size_t k = static_cast<size_t>(n & 1);
  if (note.size() <= NoteBoard::kSlot) {
    char* out = board->slot[k];
    std::memcpy(out, note.data(), note.size());
    std::replace(out, out + note.size(), '\n', ' ');
    board->length[k] = note.size();
  } else {
    std::string one_line = note;
    std::replace(one_line.begin(), one_line.end(), '\n', ' ');
    WriteAll(note_fd_, "N" + one_line + "\n");
    board->length[k] = NoteBoard::kInPipe;
  }
  board->count.store(n + 1, std::memory_order_release);
}

void ChildChannel::NoteFailure(const std::string& failure) {
  std::string one_line = failure;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  if (in_process_ != nullptr) {
    in_process_->last_failure = one_line;
  } else {
    WriteAll(note_fd_, "F" + one_line + "\n");
  }
}

IsolatedResult RunIsolated(const std::function<void(ChildChannel&)>& body, double timeout_seconds,
                           const std::function<void()>& after_fork, TimeLimit limit) {
  // [k][0] read end (parent), [k][1] write end (child).
  int ends[Pipes::kCount][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
  const auto close_all_ends = [&ends] {
    for (auto& e : ends) {
      Close(e[0]);
      Close(e[1]);
    }
  };
  for (auto& e : ends) {
    if (::pipe2(e, O_CLOEXEC) < 0) {
      const int saved = errno;
      close_all_ends();
      errno = saved;
      ThrowErrno("bufconf: pipe2");
    }
  }

  void* const board_memory = ::mmap(nullptr, sizeof(NoteBoard), PROT_READ | PROT_WRITE,
                                    MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (board_memory == MAP_FAILED) {
    const int saved = errno;
    close_all_ends();
    errno = saved;
    ThrowErrno("bufconf: mmap");
  }
  NoteBoard* const board = new (board_memory) NoteBoard;
  struct Unmap {
    void* p;
    ~Unmap() { ::munmap(p, sizeof(NoteBoard)); }
  } unmap{board_memory};

  // Buffered output would otherwise be written twice (by both processes).
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);

  const pid_t parent = ::getpid();
  const Clock::time_point start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int saved = errno;
    close_all_ends();
    errno = saved;
    ThrowErrno("bufconf: fork");
  }

  if (pid == 0) {  // child
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(kOrphanExitCode);
    for (auto& e : ends) Close(e[0]);
    ::dup2(ends[Pipes::kStderr][1], STDOUT_FILENO);
    ::dup2(ends[Pipes::kStderr][1], STDERR_FILENO);
    Close(ends[Pipes::kStderr][1]);
    ChildChannel channel;
    channel.result_fd_ = ends[Pipes::kResult][1];
    channel.note_fd_ = ends[Pipes::kNote][1];
    channel.board_ = board;
    ChildMain(body, after_fork, channel);
  }

  // Parent.
  ::setpgid(pid, pid);  // also done by the child; whichever runs first wins, the other fails
  Pipes pipes;
  pipes.last_note_time = start;
  for (int k = 0; k < Pipes::kCount; ++k) {
    Close(ends[k][1]);
    pipes.fd[k] = ends[k][0];
    ::fcntl(pipes.fd[k], F_SETFL, ::fcntl(pipes.fd[k], F_GETFL) | O_NONBLOCK);
  }

  const bool limited = timeout_seconds > 0;
  const Clock::duration allowed = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(limited ? timeout_seconds : 0));
  // Milliseconds left before the deadline (at most `cap`), or -1 when it has passed. Per note,
  // the deadline moves with each note the child writes.
  const auto ms_left = [&](int cap) {
    if (!limited) return cap;
    const Clock::time_point deadline =
        (limit == TimeLimit::kPerNote ? pipes.last_note_time : start) + allowed;
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) return -1;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1;
    return static_cast<int>(std::min<int64_t>(ms, cap));
  };

  // A note moves the per-note deadline: the board's count is looked at on every wake-up (at
  // least every 100 ms).
  int64_t notes_seen = 0;
  const auto look_at_board = [&] {
    const int64_t n = board->count.load(std::memory_order_acquire);
    if (n != notes_seen) {
      notes_seen = n;
      pipes.last_note_time = Clock::now();
    }
  };
  bool timed_out = false;
  // Read until every pipe is closed. Wake up now and then to notice a child that exited while
  // someone else (a process it started, or a child forked concurrently) holds its pipes open.
  while (pipes.AnyOpen()) {
    look_at_board();
    const int wait_ms = ms_left(100);
    if (wait_ms < 0) {
      timed_out = true;
      break;
    }
    pollfd fds[Pipes::kCount];
    int which[Pipes::kCount];
    nfds_t n = 0;
    for (int k = 0; k < Pipes::kCount; ++k) {
      if (pipes.fd[k] < 0) continue;
      fds[n] = pollfd{pipes.fd[k], POLLIN, 0};
      which[n++] = k;
    }
    const int ready = ::poll(fds, n, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;  // should not happen; fall back to waiting for the child
    }
    for (nfds_t i = 0; ready > 0 && i < n; ++i) {
      if (fds[i].revents != 0) pipes.Drain(which[i]);
    }
    if (pipes.AnyOpen() && HasTerminated(pid)) break;
  }

  // The pipes are closed (or abandoned): wait for the child to terminate, within the limit.
  if (!timed_out) {
    int sleep_ms = 1;
    while (!HasTerminated(pid)) {
      look_at_board();
      const int wait_ms = ms_left(sleep_ms);
      if (wait_ms < 0) {
        timed_out = true;
        break;
      }
      SleepMs(wait_ms);
      sleep_ms = std::min(sleep_ms * 2, 50);
    }
  }
  // Also kills whatever the child left in its group (the unreaped child keeps the group id).
  KillGroup(pid);
  const int status = Reap(pid);
  pipes.DrainAll();
  pipes.CloseAll();

  IsolatedResult result;
  const size_t complete = pipes.payload.rfind('\n');
  pipes.payload.resize(complete == std::string::npos ? 0 : complete + 1);
  result.payload = std::move(pipes.payload);
  // The last complete note: on the board, or (when it was too large) the pipe's last one.
  const int64_t count = board->count.load(std::memory_order_acquire);
  result.note_count = std::max<int64_t>(count, 0);
  if (count > 0) {
    const size_t k = static_cast<size_t>((count - 1) & 1);
    const uint64_t length = board->length[k];
    if (length == NoteBoard::kInPipe) {
      result.last_note = std::move(pipes.last_note);
    } else if (length <= NoteBoard::kSlot) {
      result.last_note.assign(board->slot[k], static_cast<size_t>(length));
    }
  }
  result.last_failure = std::move(pipes.last_failure);
  result.stderr_tail = pipes.err.Tail();

  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
    if (result.exit_code == 0) {
      result.outcome = IsolatedResult::Outcome::kOk;
    } else if (const std::optional<std::string> kind = pipes.err.SanitizerKind()) {
      result.outcome = IsolatedResult::Outcome::kCrashed;
      result.signal = SignalFromSanitizerKind(*kind);
    } else {
      result.outcome = IsolatedResult::Outcome::kExited;
    }
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.outcome = timed_out && result.signal == SIGKILL ? IsolatedResult::Outcome::kTimedOut
                                                           : IsolatedResult::Outcome::kCrashed;
  } else {
    result.outcome = IsolatedResult::Outcome::kCrashed;  // not reached: no WUNTRACED
  }
  return result;
}

IsolatedResult RunInProcess(const std::function<void(ChildChannel&)>& body) {
  IsolatedResult result;
  ChildChannel channel;
  channel.in_process_ = &result;
  try {
    body(channel);
    result.outcome = IsolatedResult::Outcome::kOk;
  } catch (...) {
    result.outcome = IsolatedResult::Outcome::kExited;
    result.exit_code = kExceptionExitCode;
    result.stderr_tail = "bufconf: exception: " + CurrentExceptionMessage() + "\n";
  }
  return result;
}

}  // namespace bufconf::suite
