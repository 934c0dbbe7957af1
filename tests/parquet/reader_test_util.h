#pragma once
// Helpers shared by the Parquet reader tests: read a whole file as canonical JSONL rows,
// and compare JSONL the way ../shared/parquet-testing/README.md says (parsed values,
// numbers as doubles).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "parquet/canonical_rows.h"
#include "parquet/parquet_reader.h"

namespace icesync::parquet::testing {

// Every row of the file scanned with `scan`, as canonical JSONL rows; checks each batch.
inline Result<std::vector<std::string>> ReadRows(std::unique_ptr<ByteSource> source, ReaderOptions options = {},
                                                 ScanOptions scan = {}) {
  ASSIGN_OR_RETURN(auto reader, ParquetReader::Open(std::move(source), options));
  ASSIGN_OR_RETURN(auto stream, reader->Scan(scan));
  std::vector<std::string> rows;
  RecordBatch batch;
  while (true) {
    ASSIGN_OR_RETURN(bool more, stream->Next(&batch));
    if (!more) break;
    RETURN_IF_ERROR(batch.Validate());
    if (batch.num_rows() < 1 || batch.num_rows() > scan.batch_rows) {
      return Internal("batch of {} rows, the scan asked for 1 to {}", batch.num_rows(), scan.batch_rows);
    }
    for (int64_t r = 0; r < batch.num_rows(); ++r) rows.push_back(ParquetCanonicalRow(batch, r, reader->file_schema()));
  }
  return rows;
}

inline Result<std::vector<std::string>> ReadRows(const std::string& path, ReaderOptions options = {},
                                                 ScanOptions scan = {}) {
  ASSIGN_OR_RETURN(auto source, OpenFileSource(path));
  return ReadRows(std::move(source), options, std::move(scan));
}

inline std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Numbers become doubles so that 1 and 1.0 compare equal; everything else compares exactly.
inline nlohmann::json NormalizeJson(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : j) out.push_back(NormalizeJson(e));
    return out;
  }
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it) out[it.key()] = NormalizeJson(it.value());
    return out;
  }
  return j;
}

// Empty when equal; otherwise a description of the first difference.
inline std::string CompareJsonRows(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  if (expected.size() != actual.size()) {
    return "expected " + std::to_string(expected.size()) + " rows, got " + std::to_string(actual.size());
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    nlohmann::json a = NormalizeJson(nlohmann::json::parse(expected[i]));
    nlohmann::json b = NormalizeJson(nlohmann::json::parse(actual[i]));
    if (a != b) return "row " + std::to_string(i) + ": expected " + expected[i] + "\n got " + actual[i];
  }
  return "";
}

}  // namespace icesync::parquet::testing
