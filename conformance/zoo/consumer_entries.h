// The consumer faults of the bug zoo (ABI 3): each entry is the reference adapter with its consumer
// table replaced by ONE faulty consumer, written directly on the provider the suite hands it (a
// view got with some flags, read by a small C-style loop carrying the mistake, written to the
// sink, the view released), so the entry does not depend on the reference adapter's own
// consumers. ZooEntries() (entries.cc) appends them after the algorithm faults.
#ifndef BUFCONF_CONFORMANCE_ZOO_CONSUMER_ENTRIES_H_
#define BUFCONF_CONFORMANCE_ZOO_CONSUMER_ENTRIES_H_

#include <vector>

#include "conformance/zoo/zoo.h"

namespace bufconf::zoo {

std::vector<ZooEntry> ConsumerZooEntries();

}  // namespace bufconf::zoo

#endif  // BUFCONF_CONFORMANCE_ZOO_CONSUMER_ENTRIES_H_
