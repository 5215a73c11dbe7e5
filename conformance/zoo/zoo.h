// The bug zoo: faulty implementations of the buffer protocol, each re-enacting a real historical
// bug (or a classic fault) as a small variation of the reference adapter through the same C ABI.
// The conformance suite must catch every one of them with its general properties; RunZoo measures
// how fast (cases until the first failure) and how small the shrunk counterexample is.
#ifndef BUFCONF_CONFORMANCE_ZOO_ZOO_H_
#define BUFCONF_CONFORMANCE_ZOO_ZOO_H_

#include <string>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"

namespace bufconf::zoo {

struct ZooEntry {
  const char* name;       // e.g. "ctypes-struct-no-padding"; also the adapter's name
  const char* source;     // the bug re-enacted: "python/cpython bpo-32780", or "classic fault"
  const char* invariant;  // the one invariant it breaks, one line
  std::vector<std::string> rules;       // the rules the suite should report broken (catalogue IDs)
  const bufconf_adapter* (*adapter)();  // the faulty adapter (static storage)
};

// Every entry, exporter faults first.
const std::vector<ZooEntry>& ZooEntries();

}  // namespace bufconf::zoo

#endif  // BUFCONF_CONFORMANCE_ZOO_ZOO_H_
