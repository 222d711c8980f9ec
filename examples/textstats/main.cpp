#include "corpus.h"
#include "stats.h"
#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv) {
  std::size_t words = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200000;
  std::string text = generate_corpus(42, words);
  std::vector<std::string> tokens = tokenize(text);
  Summary s = summarize(tokens, 5);
  std::printf("tokens %zu, distinct %zu, mean length %.3f\n", s.tokens, s.distinct, s.mean_length);
  for (const auto &[word, count] : s.top)
    std::printf("  %-10s %zu\n", word.c_str(), count);
  for (const auto &[length, count] : length_histogram(tokens))
    std::printf("  length %2zu: %zu\n", length, count);
  return 0;
}
