// textstats: a small C++ program used by scripts/demo.sh to show autojit on
// code with templates and the standard library.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

// A deterministic pseudo-text of `words` words.
std::string generate_corpus(std::uint32_t seed, std::size_t words);
std::vector<std::string> tokenize(const std::string &text);
