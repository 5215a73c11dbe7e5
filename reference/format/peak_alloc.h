// Test support: counts the bytes allocated through operator new in this process (linking this
// library replaces the global operator new and delete), so a test can bound the memory a call
// takes without timing it or relying on RLIMIT_AS (which AddressSanitizer's shadow defeats).
#ifndef BUFCONF_REFERENCE_FORMAT_PEAK_ALLOC_H_
#define BUFCONF_REFERENCE_FORMAT_PEAK_ALLOC_H_

#include <cstddef>

namespace bufconf::testing {

// Starts a measurement: the peak becomes the bytes live now.
void ResetPeakAllocation();

// The most bytes live at once since ResetPeakAllocation, minus those live at the reset.
size_t PeakAllocationSinceReset();

}  // namespace bufconf::testing

#endif  // BUFCONF_REFERENCE_FORMAT_PEAK_ALLOC_H_
