#include "stats.h"
#include <algorithm>
#include <numeric>
#include <unordered_map>

Summary summarize(const std::vector<std::string> &tokens, std::size_t top_n) {
  std::unordered_map<std::string, std::size_t> counts;
  for (const auto &t : tokens)
    counts[t]++;
  Summary s;
  s.tokens = tokens.size();
  s.distinct = counts.size();
  std::size_t letters = std::accumulate(tokens.begin(), tokens.end(), std::size_t{0},
                                        [](std::size_t n, const std::string &t) { return n + t.size(); });
  s.mean_length = tokens.empty() ? 0 : double(letters) / tokens.size();
  s.top.assign(counts.begin(), counts.end());
  std::sort(s.top.begin(), s.top.end(), [](const auto &a, const auto &b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (s.top.size() > top_n)
    s.top.resize(top_n);
  return s;
}

std::map<std::size_t, std::size_t> length_histogram(const std::vector<std::string> &tokens) {
  std::map<std::size_t, std::size_t> histogram;
  for (const auto &t : tokens)
    histogram[t.size()]++;
  return histogram;
}
