#include "load/import_options.h"

namespace icesync::load {

const char* StrategyName(Strategy s) {
  switch (s) {
    case Strategy::kAppend: return "append";
    case Strategy::kUpsert: return "upsert";
    case Strategy::kReplace: return "replace";
    case Strategy::kScd2: return "scd2";
  }
  return "?";
}

Result<Strategy> ParseStrategy(const std::string& text) {
  for (Strategy s : {Strategy::kAppend, Strategy::kUpsert, Strategy::kReplace, Strategy::kScd2}) {
    if (text == StrategyName(s)) return s;
  }
  return InvalidArgument("unknown --strategy '{}': use append, upsert, replace or scd2", text);
}

}  // namespace icesync::load
