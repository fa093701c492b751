#pragma once
// The bfu CLI's command families, one cmd_*.cpp file each; cli.cpp dispatches to them. Each
// returns the process exit code (0 ok, 1 failure, 2 usage or bad input) and throws UsageError
// for a wrong command line.
#include <ostream>
#include <string>
#include <vector>

#include "cli_support.hpp"

namespace bfu::cli {

// `args` is the whole command line (args[0] is the command).

}  // namespace bfu::cli
