#pragma once
// The service lifecycle. A service's main() is three lines:
//
//   int main(int argc, char** argv) { return bfu::ingest::MakeApp().Run(argc, argv); }
//
// App::Run wires once, in a fixed order: parse the command line (--config FILE, --help,
// --print-config) -> load and check the config -> block SIGTERM/SIGINT and start the signal
// thread -> construct components (the service's wire function, in order) -> start the HTTP
// server (/healthz, /readyz, /metrics) and then each component, pushing each started one on a
// stack -> wait for SIGTERM/SIGINT or a component's RequestShutdown -> stop the stack in
// reverse. Exit codes: 0 clean, 2 configuration error (the message names the key), 1 fatal
// runtime error.
//
// Ownership: App owns the config, logger, metrics, HTTP server and every component, and
// destroys components in reverse order of construction. Thread-safety: Run is called once from
// the main thread; Context::RequestShutdown may be called from any thread.
#include <condition_variable>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bfu/config/config.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/runtime/http_server.hpp"
#include "bfu/runtime/logger.hpp"
#include "bfu/runtime/metrics.hpp"

namespace bfu::runtime {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFatal = 1;
inline constexpr int kExitConfig = 2;

// A part of a service with a lifecycle: constructed by the wire function, started in order,
// stopped in reverse. Start may throw (the service then exits 1 after stopping what it had
// started); Stop should not throw and must make any thread the component owns finish.
class Component {
public:
    virtual ~Component() = default;
    [[nodiscard]] virtual std::string Name() const = 0;
    virtual void Start() {}
    virtual void Stop() {}
    // Whether the component can serve now; /readyz is 200 only when every component is ready.
    // Called on the HTTP server's thread: keep it cheap and thread-safe (an atomic flag).
    [[nodiscard]] virtual bool Ready() const { return true; }
};

// A one-shot latch: the first request wins; Wait blocks until a request arrives.
class ShutdownLatch {
public:
    void Request(int exit_code, std::string reason);
    // Returns {exit_code, reason} of the first request.
    std::pair<int, std::string> Wait();
    [[nodiscard]] bool Requested() const;

private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::optional<std::pair<int, std::string>> request_;
};

// Blocks SIGTERM and SIGINT in the calling thread, so every thread created afterwards inherits
// the mask, and waits for them on a dedicated thread with signalfd; a self-pipe wakes that
// thread when the waiter is destroyed. Construct it before any other thread exists.
class SignalWaiter {
public:
    explicit SignalWaiter(std::function<void(int signo)> on_signal);
    ~SignalWaiter();
    SignalWaiter(const SignalWaiter&) = delete;
    SignalWaiter& operator=(const SignalWaiter&) = delete;

private:
    std::function<void(int)> on_signal_;
    int signal_fd_ = -1;
    int wake_fds_[2] = {-1, -1};
    std::thread thread_;
};

class Context {
public:
    Context(const config::Config& config, Logger& logger, MetricsRegistry& metrics,
            HttpServer& http, ShutdownLatch& latch)
        : config_(config), logger_(logger), metrics_(metrics), http_(http), latch_(latch) {}

    [[nodiscard]] const config::Config& config() const noexcept { return config_; }
    [[nodiscard]] Logger& logger() noexcept { return logger_; }
    [[nodiscard]] MetricsRegistry& metrics() noexcept { return metrics_; }
    // Register extra routes here (e.g. POST /v1/vouchers); the server starts after wiring.
    [[nodiscard]] HttpServer& http() noexcept { return http_; }

    // Business time: the wall clock unless the wiring set another (a simulated clock that
    // follows bfu.clock in tests and the demo). Components read time from here only, so that
    // every time-dependent rule runs on the simulated clock in tests. Set it before adding the
    // components that use it; the clock lives as long as the context.
    [[nodiscard]] core::Clock& clock() noexcept { return *clock_; }
    [[nodiscard]] std::shared_ptr<core::Clock> shared_clock() const { return clock_; }
    void SetClock(std::shared_ptr<core::Clock> clock) { clock_ = std::move(clock); }

    // Adds a component; it starts after those added before it and stops before them.
    template <typename T>
    T& Add(std::unique_ptr<T> component) {
        T& ref = *component;
        components_.push_back(std::move(component));
        return ref;
    }
    template <typename T, typename... Args>
    T& Emplace(Args&&... args) {
        return Add(std::make_unique<T>(std::forward<Args>(args)...));
    }

    // Asks the service to shut down, e.g. from a consumer thread after a fatal error
    // (exit_code kExitFatal) or when its work is done (kExitOk).
    void RequestShutdown(int exit_code, std::string reason) {
        latch_.Request(exit_code, std::move(reason));
    }

    [[nodiscard]] std::vector<std::unique_ptr<Component>>& components() noexcept {
        return components_;
    }

private:
    const config::Config& config_;
    Logger& logger_;
    MetricsRegistry& metrics_;
    HttpServer& http_;
    ShutdownLatch& latch_;
    std::shared_ptr<core::Clock> clock_ = std::make_shared<core::WallClock>();
    std::vector<std::unique_ptr<Component>> components_;
};

struct AppOptions {
    std::string service;      // "ingest"; names the logs and the usage text
    std::string description;  // one line for --help
    // The service's own fields. Run adds log.level, http.host, http.port and
    // http.max_body_bytes unless the service declared them (to choose other defaults).
    config::Schema schema;
    // Constructs the components in order; may throw config::ConfigError (exit 2) or anything
    // else (exit 1).
    std::function<void(Context&)> wire;
    std::ostream* out = nullptr;  // --help / --print-config; std::cout when null
    std::ostream* err = nullptr;  // errors and logs; std::cerr when null
    // The environment; ProcessEnv() when empty. If it holds BFU_ENV_FILE, that file (the
    // .bfu/stack.env format) is read and layered under it.
    config::EnvLookup env;
};

class App {
public:
    explicit App(AppOptions options);

    int Run(int argc, const char* const* argv);
    int Run(const std::vector<std::string>& args);  // args without the program name

private:
    int RunLoaded(const config::Config& cfg);
    std::string Usage() const;

    AppOptions options_;
    std::ostream* out_;
    std::ostream* err_;
};

// Adds /healthz, /readyz and /metrics to `http`. `not_ready` returns the names of the
// components that are not ready (empty when all are).
void AddOpsRoutes(HttpServer& http, const MetricsRegistry& metrics,
                  std::function<std::vector<std::string>()> not_ready);

}  // namespace bfu::runtime
