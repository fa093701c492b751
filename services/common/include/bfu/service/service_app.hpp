#pragma once
// The App of a bfu service: its name, one line for --help, its config schema and its wire
// function (which adds the components in order). See bfu::runtime::App for the lifecycle.
#include <functional>
#include <string>

#include "bfu/config/config.hpp"
#include "bfu/runtime/app.hpp"

namespace bfu::service {

[[nodiscard]] inline runtime::App MakeServiceApp(std::string name, std::string description,
                                                 config::Schema schema,
                                                 std::function<void(runtime::Context&)> wire) {
    runtime::AppOptions o;
    o.service = std::move(name);
    o.description = std::move(description);
    o.schema = std::move(schema);
    o.wire = std::move(wire);
    return runtime::App(std::move(o));
}

}  // namespace bfu::service
