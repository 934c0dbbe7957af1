#pragma once
// What a terminal shows after receiving some output: enough of a VT100 to check the live
// displays (\r, \n, ESC[nA cursor up, ESC[K and ESC[J erase), so tests assert the screen a
// user sees rather than the escape codes that drew it.
#include <string>
#include <vector>

namespace icesync::testing {

inline std::vector<std::string> TerminalScreen(const std::string& bytes) {
  std::vector<std::string> lines(1);
  size_t row = 0, col = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c == '\r') {
      col = 0;
    } else if (c == '\n') {
      ++row;
      col = 0;
      if (row == lines.size()) lines.emplace_back();
    } else if (c == '\x1b' && i + 1 < bytes.size() && bytes[i + 1] == '[') {
      size_t j = i + 2;
      int n = 0;
      while (j < bytes.size() && bytes[j] >= '0' && bytes[j] <= '9') n = n * 10 + (bytes[j++] - '0');
      if (j == bytes.size()) break;
      if (bytes[j] == 'A') {
        row -= std::min<size_t>(row, n == 0 ? 1 : n);
      } else if (bytes[j] == 'K') {
        lines[row].resize(std::min(lines[row].size(), col));
      } else if (bytes[j] == 'J') {
        lines[row].resize(std::min(lines[row].size(), col));
        lines.resize(row + 1);
      }
      i = j;
    } else {
      std::string& line = lines[row];
      if (line.size() < col) line.resize(col, ' ');
      if (col < line.size()) line[col] = c; else line.push_back(c);
      ++col;
    }
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

}  // namespace icesync::testing
