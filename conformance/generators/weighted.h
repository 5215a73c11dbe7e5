// Weighted choices that shrink.
//
// rc::gen::weightedElement never shrinks (its value is shrinkable::just), and weightedOneOf only
// shrinks inside the generator it picked, so a counterexample drawn through them keeps its
// dimension count, extents and layout kind however much simpler a failing case exists. These
// draw the same distribution but shrink towards the FIRST alternative: list the simplest first.
#ifndef BUFCONF_CONFORMANCE_GENERATORS_WEIGHTED_H_
#define BUFCONF_CONFORMANCE_GENERATORS_WEIGHTED_H_

#include <rapidcheck.h>

#include <cstddef>
#include <stdexcept>
#include <utility>
#include <vector>

namespace bufconf::gen {

// One of `pairs`' values, each with probability weight / sum; shrinks towards earlier entries.
template <typename T>
rc::Gen<T> WeightedElement(const std::vector<std::pair<std::size_t, T>>& pairs) {
  std::vector<std::size_t> weights;
  std::vector<T> values;
  std::size_t sum = 0;
  for (const auto& pair : pairs) {
    weights.push_back(pair.first);
    values.push_back(pair.second);
    sum += pair.first;
  }
  if (sum == 0) throw std::invalid_argument("WeightedElement: the weights sum to 0");
  return rc::Gen<T>([weights, values, sum](const rc::Random& random, int /*size*/) {
    std::size_t pick = static_cast<std::size_t>(rc::Random(random).next() % sum);
    std::size_t index = 0;
    while (pick >= weights[index]) pick -= weights[index++];
    return rc::shrinkable::map(
        rc::shrinkable::shrinkRecur(
            index, [](std::size_t i) { return rc::shrink::towards<std::size_t>(i, 0); }),
        [values](std::size_t i) { return values[i]; });
  });
}

// A value of one of `pairs`' generators, picked by weight; shrinks the pick towards earlier
// generators, then the value inside the generator.
template <typename T>
rc::Gen<T> WeightedOneOf(const std::vector<std::pair<std::size_t, rc::Gen<T>>>& pairs) {
  return rc::gen::join(WeightedElement<rc::Gen<T>>(pairs));
}

// A vector whose length is drawn by weight (`lengths`: {weight, length}) and whose elements come
// from `element`. It shrinks like rc::gen::container: by removing runs of elements (a shape
// loses a dimension and keeps the others), then by shrinking each element.
template <typename T>
rc::Gen<std::vector<T>> WeightedLengthVector(
    const std::vector<std::pair<std::size_t, std::size_t>>& lengths, rc::Gen<T> element) {
  const rc::Gen<std::size_t> length = WeightedElement<std::size_t>(lengths);
  return rc::Gen<std::vector<T>>([length, element](const rc::Random& random, int size) {
    using Elements = std::vector<rc::Shrinkable<T>>;
    rc::Random r = random;
    const std::size_t n = length(r.split(), size).value();
    Elements elements;
    for (std::size_t i = 0; i < n; ++i) elements.push_back(element(r.split(), size));
    return rc::shrinkable::map(
        rc::shrinkable::shrinkRecur(std::move(elements),
                                    [](const Elements& e) {
                                      return rc::seq::concat(rc::shrink::removeChunks(e),
                                                             rc::shrink::eachElement(
                                                                 e, [](const rc::Shrinkable<T>& s) {
                                                                   return s.shrinks();
                                                                 }));
                                    }),
        [](const Elements& e) {
          std::vector<T> out;
          out.reserve(e.size());
          for (const rc::Shrinkable<T>& s : e) out.push_back(s.value());
          return out;
        });
  });
}

}  // namespace bufconf::gen

#endif  // BUFCONF_CONFORMANCE_GENERATORS_WEIGHTED_H_
