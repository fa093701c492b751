#pragma once
// The App of a bfu service: its name, one line for --help, its config schema and its wire
// function (which adds the components in order). See bfu::runtime::App for the lifecycle.
// Every service also gets business time (clock.mode, clock.start: business_clock.hpp), wired
// before its own components.
#include <functional>
#include <string>

#include "bfu/config/config.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/service/business_clock.hpp"

namespace bfu::service {

[[nodiscard]] inline runtime::App MakeServiceApp(std::string name, std::string description,
                                                 config::Schema schema,
                                                 std::function<void(runtime::Context&)> wire) {
    runtime::AppOptions o;
    o.service = std::move(name);
    o.description = std::move(description);
    AddClockFields(schema);
    o.schema = std::move(schema);
    o.wire = [service = o.service, wire = std::move(wire)](runtime::Context& ctx) {
        WireClock(ctx, service);
        wire(ctx);
    };
    return runtime::App(std::move(o));
}

}  // namespace bfu::service
