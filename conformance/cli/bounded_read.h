// Bounded input: every file and line bufconf reads has a byte limit, and every failure is a
// message naming what could not be read ("stdin", "stdin line 3" or the path as typed), never a
// silent stop, a crash or memory without bound. The callers exit 2 (README, "Exit status").
#ifndef BUFCONF_CONFORMANCE_CLI_BOUNDED_READ_H_
#define BUFCONF_CONFORMANCE_CLI_BOUNDED_READ_H_

#include <cstddef>
#include <string>

namespace bufconf::cli {

// A descriptor (check, explain; one line of `check -`): 256 MiB, the most memory a descriptor may
// declare (reference/layout/descriptor_json.h, kMaxRegionBytes), so the fields, shape, strides,
// suboffsets and pointer tables of any checkable view fit, and memory given as "bytes" (two hex
// digits a byte) up to 128 MiB; larger regions are given as "size".
inline constexpr size_t kDescriptorLimit = size_t{1} << 28;
// A replay (counterexample) file: a case with a view, its memory and a destination, as large as
// a descriptor. The runner writes files of a few KiB (memory above 64 KiB is left out).
inline constexpr size_t kReplayFileLimit = size_t{1} << 28;
// One line of `format -`: 256 KiB, twice the longest format a command-line argument can hold
// (Linux's MAX_ARG_STRLEN, 128 KiB), so any format `bufconf format FORMAT` takes fits on a line,
// with room for escapes (\u00bb). The format model needs some 1.7 KB of memory a field: a line of
// 256 KiB of one-byte fields takes about 450 MB.
inline constexpr size_t kFormatLineLimit = size_t{1} << 18;
// An expectations file (`run --expectations`): suite::kExpectationsFileLimit, 16 MiB, read by
// suite::LoadExpectations.

// The limit as messages name it: "268435456-byte (256 MiB)", "262144-byte (256 KiB)".
std::string LimitText(size_t limit);

// The reading under every function here, for callers that word their own messages: all of `fd`
// into `*text`, at most `limit` bytes (a regular file is measured first; a pipe or a device such
// as /dev/zero is read up to the limit and one byte more). kError sets `*reason` (an errno value;
// EISDIR for a directory). `*text` is empty unless kOk.
enum class ReadOutcome { kOk, kTooLarge, kError };
ReadOutcome ReadAllLimited(int fd, size_t limit, std::string* text, int* reason);

// Reads all of the file at `path` into `*text`. `shown` names it in messages (the path as the
// user typed it); `what` names the kind of input in the limit's message ("descriptors"). False
// and `*error` when it cannot be opened or read ("cannot read SHOWN: Is a directory") or holds
// more than `limit` bytes ("SHOWN is larger than the N-byte (M MiB) limit for WHAT"); a regular
// file is measured before it is read, anything else (a pipe, /dev/zero) is read up to the limit.
bool ReadFileLimited(const std::string& shown, const std::string& path, size_t limit,
                     const std::string& what, std::string* text, std::string* error);

// The same for an open descriptor (0: stdin, shown as "stdin"); it is not closed.
bool ReadFdLimited(int fd, const std::string& shown, size_t limit, const std::string& what,
                   std::string* text, std::string* error);

// Lines of a descriptor, streamed: memory stays within the limit of one line plus a read buffer.
// A line over the limit ends the reading: an input with a line that long is not the JSON Lines
// it should be (binary data, /dev/zero), and skipping to its end could take forever.
class LineReader {
 public:
  enum class Result {
    kLine,     // *line holds the next line, without its '\n'
    kEnd,      // end of input
    kTooLong,  // the line line_number() is longer than the limit; error() says so
    kError,    // a read error; error() names it
  };
  // `shown`: the input's name in messages ("stdin").
  LineReader(int fd, std::string shown, size_t limit, std::string what);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  Result Next(std::string* line);
  // The number of the line Next returned (or failed on), from 1.
  size_t line_number() const { return line_number_; }
  const std::string& error() const { return error_; }

 private:
  int fd_;
  std::string shown_, what_;
  size_t limit_;
  std::string buffer_;  // read but not yet returned
  size_t start_ = 0;    // where the unreturned bytes of buffer_ start
  size_t line_number_ = 0;
  bool eof_ = false;
  bool done_ = false;
  std::string error_;
};

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_BOUNDED_READ_H_
