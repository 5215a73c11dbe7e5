// Values as JSON, in the one encoding the suite's consumers and the CPython oracle share
// (bufconf_adapter.h, BUFCONF_CONSUME_VALUES): integers as numbers, bools by truth, floats as
// "nan" or the hex of their IEEE double's bytes (little-endian), characters/bytes as {"b": hex},
// a struct item as {"struct": [...]}, arrays as arrays.
#ifndef BUFCONF_REFERENCE_LAYOUT_VALUES_JSON_H_
#define BUFCONF_REFERENCE_LAYOUT_VALUES_JSON_H_

#include <nlohmann/json.hpp>

#include "reference/format/value.h"

namespace bufconf::layout {

nlohmann::json ValuesJson(const format::Value& value);

// ToList's values with its `ndim` array levels flattened into one array of the elements in C
// index order (ndim 0: a one-element array), each element as struct.unpack gives it: its one
// scalar, or {"struct": [every scalar of its members and arrays, in order]}.
nlohmann::json FlatValuesJson(const format::Value& value, int64_t ndim);

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_VALUES_JSON_H_
