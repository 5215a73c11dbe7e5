#include "conformance/cli/option_checks.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace bufconf::cli {

std::optional<uint64_t> ParseSeed(const std::string& text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

bool IsEnvironmentName(const std::string& name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '=' || u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

namespace {

std::string CheckEnvName(const std::string& text) {
  return IsEnvironmentName(text) ? ""
                                 : "not an environment variable's name (not empty, no '=' or "
                                   "control character), got '" +
                                       text + "'";
}

std::string CheckSeed(const std::string& text) {
  return ParseSeed(text)
             ? ""
             : "must be a whole number from 0 to 18446744073709551615, got '" + text + "'";
}

// "" when `text` is a whole number of `what` from 1 to `max`, else the message.
std::string CheckCount(const std::string& text, long long max, const std::string& what) {
  // Digits only: strtoll would accept " 5", "+5" and "5e3"'s prefix.
  bool digits = !text.empty() && text.size() <= 18;
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  const long long n = digits ? std::strtoll(text.c_str(), nullptr, 10) : 0;
  if (!digits || n < 1 || n > max) {
    return "must be a whole number of " + what + " from 1 to " + std::to_string(max) + ", got '" +
           text + "'";
  }
  return "";
}

std::string CheckExamples(const std::string& text) {
  return CheckCount(text, kMaxExamples, "cases per rule");
}

std::string CheckMaxObjects(const std::string& text) {
  return CheckCount(text, kMaxObjects, "objects");
}

std::string CheckMaxElements(const std::string& text) {
  return CheckCount(text, kMaxElements, "elements");
}

std::string CheckTimeout(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double s = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(s) || s < kMinTimeout ||
      s > kMaxTimeout) {
    return "must be a number of seconds from 0.001 to 86400, got '" + text + "'";
  }
  return "";
}

}  // namespace

CLI::Validator SeedValidator() { return CLI::Validator(CheckSeed, "SEED", "seed"); }
CLI::Validator ExamplesValidator() { return CLI::Validator(CheckExamples, "N", "examples"); }
CLI::Validator TimeoutValidator() { return CLI::Validator(CheckTimeout, "S", "timeout"); }
CLI::Validator MaxObjectsValidator() { return CLI::Validator(CheckMaxObjects, "N", "max-objects"); }
CLI::Validator EnvNameValidator() { return CLI::Validator(CheckEnvName, "NAME", "env"); }
CLI::Validator MaxElementsValidator() {
  return CLI::Validator(CheckMaxElements, "N", "max-elements");
}

}  // namespace bufconf::cli
