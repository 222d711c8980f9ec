#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

struct Summary {
  std::size_t tokens = 0;
  std::size_t distinct = 0;
  double mean_length = 0;
  std::vector<std::pair<std::string, std::size_t>> top;
};

Summary summarize(const std::vector<std::string> &tokens, std::size_t top_n);
std::map<std::size_t, std::size_t> length_histogram(const std::vector<std::string> &tokens);
