// RunIsolated: results, crashes, hangs, exits and large outputs of a forked child.
#include "conformance/suite/isolation.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace bufconf::suite {
namespace {

using Outcome = IsolatedResult::Outcome;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Wall-clock bounds are lower bounds (the limit is never cut short: that follows from the code,
// not from the machine's speed) or generous upper bounds: ten times what is expected, so a loaded
// 2-core machine cannot make them flake. An upper bound only says the parent did not wait for
// something it must not wait for (a grandchild, a limit that does not apply); it is no speed test.
constexpr double kSlack = 10;

// Whether process `pid` is dead: gone, or a zombie its new parent has not reaped yet.
bool Dead(pid_t pid) {
  if (kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const size_t paren = line.rfind(')');  // "pid (comm) S ..."
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

// Whether process `pid` dies within `seconds` (polled): the event that a process-group kill
// reached it.
bool DeadWithin(pid_t pid, double seconds) {
  const auto start = std::chrono::steady_clock::now();
  while (!Dead(pid)) {
    if (SecondsSince(start) > seconds) return false;
    usleep(10000);
  }
  return true;
}

TEST(Isolation, OkPayloadAndNote) {
  const IsolatedResult r = RunIsolated(
      [](ChildChannel& ch) {
        ch.Note("{\"case\": 1}");
        ch.Write("{\"rule\": \"A\", \"ok\": true}");
        ch.Note("{\"case\":\n 2}");
        ch.Write("second");
        std::fprintf(stderr, "some diagnostics\n");
        std::printf("stdout goes to the tail too\n");
      },
      10);
  EXPECT_EQ(r.outcome, Outcome::kOk) << Describe(r);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.payload, "{\"rule\": \"A\", \"ok\": true}\nsecond\n");
  EXPECT_EQ(r.last_note, "{\"case\":  2}");
  EXPECT_NE(r.stderr_tail.find("some diagnostics\n"), std::string::npos) << r.stderr_tail;
  EXPECT_NE(r.stderr_tail.find("stdout goes to the tail too\n"), std::string::npos);
}

TEST(Isolation, AfterForkRunsInTheChild) {
  const pid_t parent = getpid();
  const IsolatedResult r = RunIsolated(
      [parent](ChildChannel& ch) {
        ch.Write(getpid() != parent && getpgrp() == getpid() ? "child, own group" : "wrong");
      },
      10, [] { setenv("BUFCONF_AFTER_FORK", "1", 1); });
  EXPECT_EQ(r.payload, "child, own group\n");
  EXPECT_EQ(std::getenv("BUFCONF_AFTER_FORK"), nullptr);
}

TEST(Isolation, SegfaultIsACrashWithTheLastNote) {
  const IsolatedResult r = RunIsolated(
      [](ChildChannel& ch) {
        ch.Write("case 1 ok");
        ch.Note("{\"case\": 1}");
        ch.Note("{\"case\": 2, \"flags\": 284}");
        ch.Write("partial line without newline...");  // complete: Write adds the newline
        std::fflush(nullptr);
        raise(SIGSEGV);
      },
      10);
  EXPECT_EQ(r.outcome, Outcome::kCrashed) << Describe(r) << "\n" << r.stderr_tail;
  EXPECT_EQ(r.signal, SIGSEGV) << r.stderr_tail;
  EXPECT_EQ(r.last_note, "{\"case\": 2, \"flags\": 284}");
  EXPECT_EQ(r.payload, "case 1 ok\npartial line without newline...\n");
  EXPECT_NE(Describe(r).find("SIGSEGV"), std::string::npos) << Describe(r);
}

TEST(Isolation, AbortIsACrash) {
  const IsolatedResult r = RunIsolated([](ChildChannel&) { std::abort(); }, 10);
  EXPECT_EQ(r.outcome, Outcome::kCrashed) << Describe(r);
  EXPECT_EQ(r.signal, SIGABRT);
}

TEST(Isolation, InfiniteLoopTimesOut) {
  const auto start = std::chrono::steady_clock::now();
  const IsolatedResult r = RunIsolated(
      [](ChildChannel& ch) {
        ch.Note("looping");
        for (volatile int i = 0;; i = i + 1) {
        }
      },
      0.5);
  const double elapsed = SecondsSince(start);
  EXPECT_EQ(r.outcome, Outcome::kTimedOut) << Describe(r);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(r.last_note, "looping");
  EXPECT_GE(elapsed, 0.5);  // not killed before the limit
  EXPECT_LT(elapsed, 0.5 * kSlack);
}

// The limit kills the child's whole process group: the grandchild (which holds the pipes open,
// so the parent would wait for it forever otherwise) is gone too.
TEST(Isolation, SleepingChildAndItsChildrenTimeOut) {
  const IsolatedResult r = RunIsolated(
      [](ChildChannel& ch) {
        const pid_t grandchild = fork();
        if (grandchild == 0) {  // a grandchild holding the pipes open
          for (;;) pause();
        }
        ch.Write(std::to_string(grandchild));
        for (;;) pause();
      },
      0.3);
  EXPECT_EQ(r.outcome, Outcome::kTimedOut) << Describe(r);
  const pid_t grandchild = static_cast<pid_t>(std::atol(r.payload.c_str()));
  ASSERT_GT(grandchild, 0) << r.payload;
  EXPECT_TRUE(DeadWithin(grandchild, 30)) << "grandchild " << grandchild << " still runs";
}

// The child's exit (its waitpid status) ends the run, not the end of its output: a grandchild
// holding the pipes open neither makes the parent wait for the limit (100 s here, against a
// child that exits at once) nor outlives the run.
TEST(Isolation, ExitedChildWhoseGrandchildHoldsThePipes) {
  const double limit = 100;
  const auto start = std::chrono::steady_clock::now();
  const IsolatedResult r = RunIsolated(
      [](ChildChannel& ch) {
        const pid_t grandchild = fork();
        if (grandchild == 0) {
          for (;;) pause();
        }
        ch.Write(std::to_string(grandchild));
        std::exit(0);
      },
      limit);
  EXPECT_EQ(r.outcome, Outcome::kOk) << Describe(r);
  const pid_t grandchild = static_cast<pid_t>(std::atol(r.payload.c_str()));
  ASSERT_GT(grandchild, 0) << r.payload;
  EXPECT_EQ(r.payload, std::to_string(grandchild) + "\n");
  EXPECT_LT(SecondsSince(start), limit / 2) << "the parent waited for the grandchild";
  EXPECT_TRUE(DeadWithin(grandchild, 30)) << "grandchild " << grandchild << " still runs";
}

// Under ASan a SEGV is reported and the child exits 1; the report counts as the crash even when
// it is longer than the tail.
TEST(Isolation, SanitizerReportIsACrash) {
  IsolatedResult r = RunIsolated(
      [](ChildChannel&) {
        std::fputs("==42==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x1\n", stderr);
        std::fputs(std::string(8192, '.').c_str(), stderr);
        std::exit(1);
      },
      10);
  EXPECT_EQ(r.outcome, Outcome::kCrashed) << Describe(r);
  EXPECT_EQ(r.signal, 0);
  r = RunIsolated(
      [](ChildChannel&) {
        std::fputs("==42==ERROR: AddressSanitizer: SEGV on unknown address\n", stderr);
        std::exit(1);
      },
      10);
  EXPECT_EQ(r.outcome, Outcome::kCrashed) << Describe(r);
  EXPECT_EQ(r.signal, SIGSEGV);
}

TEST(Isolation, ExitCode) {
  const IsolatedResult r = RunIsolated([](ChildChannel&) { _exit(7); }, 10);
  EXPECT_EQ(r.outcome, Outcome::kExited) << Describe(r);
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(Describe(r), "exited with status 7");
}

TEST(Isolation, ExceptionExits3) {
  const IsolatedResult r =
      RunIsolated([](ChildChannel&) { throw std::runtime_error("adapter said no"); }, 10);
  EXPECT_EQ(r.outcome, Outcome::kExited) << Describe(r);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.stderr_tail.find("adapter said no"), std::string::npos) << r.stderr_tail;
}

TEST(Isolation, LargeOutputsDoNotDeadlock) {
  const std::string line(1023, 'x');  // 1 KiB with the newline
  const IsolatedResult r = RunIsolated(
      [&line](ChildChannel& ch) {
        for (int i = 0; i < 1024; ++i) {
          ch.Write(line);
          ch.Note("note " + std::to_string(i) + " " + line);
          std::fputs(line.c_str(), stderr);
        }
        ch.Write(std::string(1 << 20, 'y'));  // one 1 MiB write
        std::fputs("the end\n", stderr);
      },
      30);
  EXPECT_EQ(r.outcome, Outcome::kOk) << Describe(r);
  EXPECT_EQ(r.payload.size(), 1024u * 1024u + (1u << 20) + 1);
  EXPECT_EQ(r.last_note, "note 1023 " + line);
  EXPECT_LE(r.stderr_tail.size(), 4096u);
  EXPECT_GE(r.stderr_tail.size(), 1024u);
  EXPECT_EQ(r.stderr_tail.substr(r.stderr_tail.size() - 8), "the end\n");
}

TEST(Isolation, InProcess) {
  IsolatedResult r = RunInProcess([](ChildChannel& ch) {
    ch.Note("n1");
    ch.Write("a");
    ch.Note("n2");
  });
  EXPECT_EQ(r.outcome, Outcome::kOk);
  EXPECT_EQ(r.payload, "a\n");
  EXPECT_EQ(r.last_note, "n2");
  r = RunInProcess([](ChildChannel& ch) {
    ch.Note("before");
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(r.outcome, Outcome::kExited);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.last_note, "before");
  EXPECT_NE(r.stderr_tail.find("boom"), std::string::npos);
}

// Per note, the limit is on each case, not on the child's whole run. The busy child notes a case
// every 20 ms until its own clock says it has run for 1.5 times the limit (so the run as a whole
// is over the limit by construction, whatever the machine's load), and must not be killed: a
// stretch between notes would have to stall for 100 times its length. The stuck child stops in
// its fourth case and is killed no sooner than the limit after noting it, with that case as the
// last note.
TEST(Isolation, PerNoteLimitKillsTheCaseThatHangsNotTheLongRun) {
  const double limit = 2;
  const IsolatedResult busy = RunIsolated(
      [limit](ChildChannel& ch) {
        const auto start = std::chrono::steady_clock::now();
        int notes = 0;
        while (SecondsSince(start) < 1.5 * limit) {
          ch.Note("case " + std::to_string(notes++));
          usleep(20000);
        }
        ch.Write(std::to_string(notes) + " notes in " + std::to_string(SecondsSince(start)) + " s");
      },
      limit, nullptr, TimeLimit::kPerNote);
  EXPECT_EQ(busy.outcome, Outcome::kOk) << Describe(busy);
  const int notes = std::atoi(busy.payload.c_str());
  EXPECT_GT(notes, 0) << busy.payload;
  EXPECT_EQ(busy.note_count, notes) << busy.payload;

  const auto start = std::chrono::steady_clock::now();
  const IsolatedResult stuck = RunIsolated(
      [](ChildChannel& ch) {
        for (int i = 0;; ++i) {
          ch.Note("case " + std::to_string(i));
          if (i == 3) {
            for (;;) pause();
          }
          usleep(20000);
        }
      },
      limit, nullptr, TimeLimit::kPerNote);
  const double elapsed = SecondsSince(start);
  EXPECT_EQ(stuck.outcome, Outcome::kTimedOut) << Describe(stuck);
  EXPECT_EQ(stuck.last_note, "case 3");
  EXPECT_EQ(stuck.note_count, 4);
  EXPECT_GE(elapsed, limit);  // the limit runs from the last note, never less
  EXPECT_LT(elapsed, limit * kSlack);
}

// NoteFailure is kept apart from the notes: a child killed later still names its last failure.
TEST(Isolation, LastFailureSurvivesACrash) {
  const IsolatedResult r = RunIsolated(
      [](ChildChannel& ch) {
        ch.Note("case 1");
        ch.NoteFailure("{\"case\": 1,\n \"message\": \"bad\"}");
        ch.Note("case 2");
        raise(SIGSEGV);
      },
      10);
  EXPECT_EQ(r.outcome, Outcome::kCrashed) << Describe(r);
  EXPECT_EQ(r.last_note, "case 2");
  EXPECT_EQ(r.last_failure, "{\"case\": 1,  \"message\": \"bad\"}");
  EXPECT_EQ(r.note_count, 2);
}

}  // namespace
}  // namespace bufconf::suite
