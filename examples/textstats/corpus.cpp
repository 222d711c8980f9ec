#include "corpus.h"
#include <cctype>

static const char *const kSyllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "qu"};

std::string generate_corpus(std::uint32_t seed, std::size_t words) {
  std::string text;
  std::uint32_t state = seed;
  for (std::size_t i = 0; i < words; i++) {
    state = state * 1664525u + 1013904223u;
    int syllables = 1 + (state >> 28) % 3;
    for (int s = 0; s < syllables; s++) {
      state = state * 1664525u + 1013904223u;
      text += kSyllables[(state >> 24) % 10];
    }
    text += (i % 17 == 16) ? ".\n" : " ";
  }
  return text;
}

std::vector<std::string> tokenize(const std::string &text) {
  std::vector<std::string> tokens;
  std::string current;
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      current += c;
    } else if (!current.empty()) {
      tokens.push_back(current);
      current.clear();
    }
  }
  if (!current.empty())
    tokens.push_back(current);
  return tokens;
}
