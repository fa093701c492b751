#pragma once
// The notifier service: consumes bfu.deviations and tells the right people at once (S7):
// every alert is published on the ZeroMQ PUB socket (zmq.pub_endpoint; `bfu watch` subscribes),
// written as an e-mail message to the outbox folder (notifier.outbox_dir) when one is set, logged,
// and recorded on bfu.alerts (who was told what, when, on which channel).
// Topics and config: docs/services/notifier.md.
#include "bfu/runtime/app.hpp"

namespace bfu::notifier {

[[nodiscard]] runtime::App MakeApp();

}  // namespace bfu::notifier
