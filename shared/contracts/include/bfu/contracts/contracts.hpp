#pragma once
// Everything in bfu::contracts in one include.
#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/casework.hpp"
#include "bfu/contracts/common.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/formats.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/registry.hpp"
#include "bfu/contracts/topics.hpp"
