#pragma once
// The bfu command-line tool: one binary for controllers, managers and ops. Every command
// reads its addresses from the environment (BFU_KAFKA_BROKERS, BFU_REDIS_URL, ...) or, when
// unset, from the env file that ops/stack writes (BFU_ENV_FILE, else .bfu/stack.env).
// Usage: docs/cli.md or `bfu help`.
#include <iosfwd>
#include <string>
#include <vector>

namespace bfu::cli {

// Runs one command; returns the process exit code (0 ok, 1 failure, 2 usage or input error).
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace bfu::cli
