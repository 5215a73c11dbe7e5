// RunIsolated: results, crashes, hangs, exits and large outputs of a forked child.
#include "conformance/suite/isolation.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace bufconf::suite {
namespace {

using Outcome = IsolatedResult::Outcome;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
  EXPECT_GE(elapsed, 0.5);
  EXPECT_LT(elapsed, 2.5);
}

TEST(Isolation, SleepingChildAndItsChildrenTimeOut) {
  const auto start = std::chrono::steady_clock::now();
  const IsolatedResult r = RunIsolated(
      [](ChildChannel&) {
        if (fork() == 0) {  // a grandchild holding the pipes open
          for (;;) pause();
        }
        for (;;) pause();
      },
      0.3);
  EXPECT_EQ(r.outcome, Outcome::kTimedOut) << Describe(r);
  EXPECT_LT(SecondsSince(start), 2.0);
}

TEST(Isolation, ExitedChildWhoseGrandchildHoldsThePipes) {
  const auto start = std::chrono::steady_clock::now();
  const IsolatedResult r = RunIsolated(
      [](ChildChannel& ch) {
        if (fork() == 0) {
          for (;;) pause();
        }
        ch.Write("done");
        std::exit(0);
      },
      5);
  EXPECT_EQ(r.outcome, Outcome::kOk) << Describe(r);
  EXPECT_EQ(r.payload, "done\n");
  EXPECT_LT(SecondsSince(start), 2.0);
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

// Per note, the limit is on each case, not on the child's whole run: a child that notes a case
// every 50 ms runs for 1 s under a 0.4 s limit, and one that stalls in its fourth case is killed
// 0.4 s after noting it, with that case as the last note.
TEST(Isolation, PerNoteLimitKillsTheCaseThatHangsNotTheLongRun) {
  const IsolatedResult busy = RunIsolated(
      [](ChildChannel& ch) {
        for (int i = 0; i < 20; ++i) {
          ch.Note("case " + std::to_string(i));
          usleep(50000);
        }
        ch.Write("done");
      },
      0.4, nullptr, TimeLimit::kPerNote);
  EXPECT_EQ(busy.outcome, Outcome::kOk) << Describe(busy);
  EXPECT_EQ(busy.payload, "done\n");
  EXPECT_EQ(busy.note_count, 20);

  const auto start = std::chrono::steady_clock::now();
  const IsolatedResult stuck = RunIsolated(
      [](ChildChannel& ch) {
        for (int i = 0;; ++i) {
          ch.Note("case " + std::to_string(i));
          if (i == 3) {
            for (;;) pause();
          }
          usleep(50000);
        }
      },
      0.4, nullptr, TimeLimit::kPerNote);
  const double elapsed = SecondsSince(start);
  EXPECT_EQ(stuck.outcome, Outcome::kTimedOut) << Describe(stuck);
  EXPECT_EQ(stuck.last_note, "case 3");
  EXPECT_EQ(stuck.note_count, 4);
  EXPECT_GE(elapsed, 0.55);
  EXPECT_LT(elapsed, 2.5);
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
