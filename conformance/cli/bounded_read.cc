#include "conformance/cli/bounded_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace bufconf::cli {
namespace {

constexpr size_t kChunk = size_t{64} << 10;

std::string TooLarge(const std::string& shown, size_t limit, const std::string& what) {
  return shown + " is larger than the " + LimitText(limit) + " limit for " + what;
}

// One read(2), retried on EINTR: the bytes read, 0 at the end, -1 with errno on an error.
ssize_t ReadSome(int fd, char* into, size_t n) {
  for (;;) {
    const ssize_t got = ::read(fd, into, n);
    if (got >= 0 || errno != EINTR) return got;
  }
}

}  // namespace

std::string LimitText(size_t limit) {
  std::string text = std::to_string(limit) + "-byte";
  if (limit >= (size_t{1} << 20) && limit % (size_t{1} << 20) == 0) {
    text += " (" + std::to_string(limit >> 20) + " MiB)";
  } else if (limit >= (size_t{1} << 10) && limit % (size_t{1} << 10) == 0) {
    text += " (" + std::to_string(limit >> 10) + " KiB)";
  }
  return text;
}

ReadOutcome ReadAllLimited(int fd, size_t limit, std::string* text, int* reason) {
  text->clear();
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      *reason = EISDIR;
      return ReadOutcome::kError;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0 && static_cast<uint64_t>(st.st_size) > limit) {
      return ReadOutcome::kTooLarge;
    }
  }
  // Grown by doubling, never past the limit (a power of two: the capacity stays within it); a
  // read of one byte more at the limit tells a file of exactly `limit` bytes from a longer one.
  size_t size = 0;
  for (;;) {
    char probe = 0;
    const bool at_limit = size == limit;
    if (!at_limit && text->size() == size) {
      text->resize(std::min(std::max(size * 2, kChunk), limit));
    }
    const ssize_t got =
        at_limit ? ReadSome(fd, &probe, 1) : ReadSome(fd, text->data() + size, text->size() - size);
    if (got < 0 || (got > 0 && at_limit)) {
      if (got < 0) *reason = errno;
      text->clear();
      text->shrink_to_fit();
      return got < 0 ? ReadOutcome::kError : ReadOutcome::kTooLarge;
    }
    if (got == 0) break;
    size += static_cast<size_t>(got);
  }
  text->resize(size);
  return ReadOutcome::kOk;
}

bool ReadFdLimited(int fd, const std::string& shown, size_t limit, const std::string& what,
                   std::string* text, std::string* error) {
  int reason = 0;
  switch (ReadAllLimited(fd, limit, text, &reason)) {
    case ReadOutcome::kOk:
      return true;
    case ReadOutcome::kTooLarge:
      *error = TooLarge(shown, limit, what);
      return false;
    case ReadOutcome::kError:
      *error = "cannot read " + shown + ": " + std::strerror(reason);
      return false;
  }
  return false;
}

bool ReadFileLimited(const std::string& shown, const std::string& path, size_t limit,
                     const std::string& what, std::string* text, std::string* error) {
  if (path.empty()) {
    *error = "cannot read '" + shown + "': an empty path";
    return false;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot read " + shown + ": " + std::strerror(errno);
    return false;
  }
  const bool ok = ReadFdLimited(fd, shown, limit, what, text, error);
  ::close(fd);
  return ok;
}

LineReader::LineReader(int fd, std::string shown, size_t limit, std::string what)
    : fd_(fd), shown_(std::move(shown)), what_(std::move(what)), limit_(limit) {}

LineReader::Result LineReader::Next(std::string* line) {
  if (done_) return Result::kEnd;
  size_t scanned = start_;  // the bytes from start_ to here hold no '\n'
  for (;;) {
    const size_t newline = buffer_.find('\n', scanned);
    // A line and its '\n' fit in the limit.
    if (newline != std::string::npos && newline - start_ < limit_) {
      ++line_number_;
      line->assign(buffer_, start_, newline - start_);
      start_ = newline + 1;
      return Result::kLine;
    }
    if (buffer_.size() - start_ >= limit_ && (newline != std::string::npos || !eof_)) {
      ++line_number_;
      done_ = true;
      buffer_.clear();
      buffer_.shrink_to_fit();
      error_ = shown_ + " line " + std::to_string(line_number_) + " is larger than the " +
               LimitText(limit_) + " limit for " + what_;
      return Result::kTooLong;
    }
    if (eof_) {
      done_ = true;
      if (start_ == buffer_.size()) return Result::kEnd;
      ++line_number_;  // the last line, without a '\n'
      line->assign(buffer_, start_, std::string::npos);
      buffer_.clear();
      return Result::kLine;
    }
    // Drop the lines already returned, then read at most up to the limit for this line: the
    // buffer never holds more than `limit` bytes.
    if (start_ > 0) {
      buffer_.erase(0, start_);
      start_ = 0;
    }
    scanned = buffer_.size();
    const size_t old = buffer_.size();
    const size_t want = std::min(kChunk, limit_ - old);
    buffer_.resize(old + want);
    const ssize_t got = ReadSome(fd_, buffer_.data() + old, want);
    if (got < 0) {
      const int reason = errno;
      done_ = true;
      buffer_.clear();
      ++line_number_;
      error_ = "cannot read " + shown_ + ": " + std::strerror(reason);
      return Result::kError;
    }
    buffer_.resize(old + static_cast<size_t>(got));
    if (got == 0) eof_ = true;
  }
}

}  // namespace bufconf::cli
