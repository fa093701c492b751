#include "bfu/runtime/app.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <sstream>
#include <system_error>

namespace bfu::runtime {

// ---------------------------------------------------------------------------------------------
// ShutdownLatch

void ShutdownLatch::Request(int exit_code, std::string reason) {
    {
        std::lock_guard lock(mu_);
        if (request_) return;
        request_.emplace(exit_code, std::move(reason));
    }
    cv_.notify_all();
}

std::pair<int, std::string> ShutdownLatch::Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return request_.has_value(); });
    return *request_;
}

bool ShutdownLatch::Requested() const {
    std::lock_guard lock(mu_);
    return request_.has_value();
}

// ---------------------------------------------------------------------------------------------
// SignalWaiter

SignalWaiter::SignalWaiter(std::function<void(int)> on_signal) : on_signal_(std::move(on_signal)) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (const int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr); rc != 0) {
        throw std::system_error(rc, std::generic_category(), "pthread_sigmask");
    }
    signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC);
    if (signal_fd_ < 0) throw std::system_error(errno, std::generic_category(), "signalfd");
    if (::pipe2(wake_fds_, O_CLOEXEC) != 0) {
        const int err = errno;
        ::close(signal_fd_);
        throw std::system_error(err, std::generic_category(), "pipe2");
    }
    thread_ = std::thread([this] {
        pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
        while (true) {
            if (::poll(fds, 2, -1) < 0) {
                if (errno == EINTR) continue;
                return;
            }
            if (fds[1].revents != 0) return;
            if (fds[0].revents & POLLIN) {
                signalfd_siginfo info{};
                if (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
                    on_signal_(static_cast<int>(info.ssi_signo));
                }
            }
        }
    });
}

SignalWaiter::~SignalWaiter() {
    const char b = 'x';
    [[maybe_unused]] auto n = ::write(wake_fds_[1], &b, 1);
    if (thread_.joinable()) thread_.join();
    ::close(signal_fd_);
    ::close(wake_fds_[0]);
    ::close(wake_fds_[1]);
    // The signals stay blocked: a second SIGTERM during the last moments of exit must not kill
    // the process with a half-written report; the process is about to end anyway.
}

// ---------------------------------------------------------------------------------------------
// Ops routes

void AddOpsRoutes(HttpServer& http, const MetricsRegistry& metrics,
                  std::function<std::vector<std::string>()> not_ready) {
    http.Handle("GET", "/healthz",
                [](const HttpRequest&) { return HttpResponse::Text(200, "ok\n"); });
    http.Handle("GET", "/readyz", [not_ready = std::move(not_ready)](const HttpRequest&) {
        const auto missing = not_ready();
        if (missing.empty()) return HttpResponse::Text(200, "ready\n");
        std::string body = "not ready:";
        for (const auto& name : missing) body += " " + name;
        body += "\n";
        return HttpResponse::Text(503, body);
    });
    http.Handle("GET", "/metrics", [&metrics](const HttpRequest&) {
        HttpResponse r;
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body = metrics.Render();
        return r;
    });
}

// ---------------------------------------------------------------------------------------------
// App

namespace {

void AddRuntimeFields(config::Schema& schema) {
    if (!schema.Contains("log.level")) {
        schema.String("log.level", "info", "log level: debug, info, warn or error");
    }
    if (!schema.Contains("http.host")) {
        schema.String("http.host", "127.0.0.1",
                      "address of the /healthz, /readyz, /metrics server");
    }
    if (!schema.Contains("http.port")) {
        schema.Int("http.port", 0, "port of the HTTP server; 0 picks a free one (logged)");
    }
    if (!schema.Contains("http.max_body_bytes")) {
        schema.Int("http.max_body_bytes", 1 << 20, "largest request body accepted (413 beyond)");
    }
}

// Readiness of the started components, shared with the /readyz handler.
struct ReadyState {
    std::mutex mu;
    std::vector<Component*> all;
    std::size_t started = 0;
    bool stopping = false;

    std::vector<std::string> NotReady() {
        std::lock_guard lock(mu);
        std::vector<std::string> out;
        if (stopping) {
            out.emplace_back("(shutting down)");
            return out;
        }
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (i >= started || !all[i]->Ready()) out.push_back(all[i]->Name());
        }
        return out;
    }
};

}  // namespace

App::App(AppOptions options)
    : options_(std::move(options)),
      out_(options_.out != nullptr ? options_.out : &std::cout),
      err_(options_.err != nullptr ? options_.err : &std::cerr) {
    AddRuntimeFields(options_.schema);
    if (!options_.env) options_.env = config::ProcessEnv();
}

std::string App::Usage() const {
    std::ostringstream s;
    s << "usage: " << options_.service << " [--config FILE] [--print-config] [--help]\n";
    if (!options_.description.empty()) s << options_.description << "\n";
    s << "\nConfiguration (JSON file keys; each may be overridden by its environment "
         "variable):\n"
      << options_.schema.Describe();
    return s.str();
}

int App::Run(int argc, const char* const* argv) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    return Run(args);
}

int App::Run(const std::vector<std::string>& args) {
    std::optional<std::string> config_path;
    bool print_config = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--help" || a == "-h") {
            *out_ << Usage();
            return kExitOk;
        }
        if (a == "--print-config") {
            print_config = true;
        } else if (a == "--config") {
            if (i + 1 >= args.size()) {
                *err_ << options_.service << ": --config needs a file name\n" << Usage();
                return kExitConfig;
            }
            config_path = args[++i];
        } else if (a.rfind("--config=", 0) == 0) {
            config_path = a.substr(9);
        } else {
            *err_ << options_.service << ": unknown argument '" << a << "'\n" << Usage();
            return kExitConfig;
        }
    }

    std::optional<config::Config> cfg;
    try {
        config::EnvLookup env = options_.env;
        if (auto env_file = env("BFU_ENV_FILE"); env_file && !env_file->empty()) {
            env = config::LayeredEnv({env, config::MapEnv(config::LoadEnvFile(*env_file))});
        }
        std::optional<std::filesystem::path> file;
        if (config_path) file = *config_path;
        cfg.emplace(config::Load(options_.schema, file, env));
        if (!ParseLogLevel(cfg->GetString("log.level"))) {
            throw config::ConfigError(
                "log.level",
                "must be debug, info, warn or error, not '" + cfg->GetString("log.level") + "'",
                config_path.value_or(""));
        }
        const auto port = cfg->GetInt("http.port");
        if (port < 0 || port > 65535) {
            throw config::ConfigError("http.port", "must be 0..65535", config_path.value_or(""));
        }
        if (cfg->GetInt("http.max_body_bytes") <= 0) {
            throw config::ConfigError("http.max_body_bytes", "must be positive",
                                      config_path.value_or(""));
        }
    } catch (const config::ConfigError& e) {
        *err_ << options_.service << ": " << e.what() << "\n";
        return kExitConfig;
    }
    if (print_config) {
        *out_ << cfg->Dump();
        return kExitOk;
    }
    return RunLoaded(*cfg);
}

int App::RunLoaded(const config::Config& cfg) {
    Logger logger(options_.service, *ParseLogLevel(cfg.GetString("log.level")), err_);
    MetricsRegistry metrics;
    HttpServerOptions http_options;
    http_options.host = cfg.GetString("http.host");
    http_options.port = static_cast<std::uint16_t>(cfg.GetInt("http.port"));
    http_options.max_body_bytes = static_cast<std::size_t>(cfg.GetInt("http.max_body_bytes"));
    HttpServer http(http_options);
    ShutdownLatch latch;
    auto ready = std::make_shared<ReadyState>();
    AddOpsRoutes(http, metrics, [ready] { return ready->NotReady(); });

    // Before any component thread exists, so all of them inherit the blocked signals.
    SignalWaiter signals(
        [&latch](int signo) { latch.Request(kExitOk, signo == SIGINT ? "SIGINT" : "SIGTERM"); });

    // The effective configuration, secrets masked, so a log shows what the service ran with.
    logger.Info("config", {{"effective", cfg.DumpJson()}});

    Context ctx(cfg, logger, metrics, http, latch);
    int exit_code = kExitOk;
    // Stop actions of what has started, unwound in reverse.
    std::vector<std::pair<std::string, std::function<void()>>> stack;
    auto unwind = [&] {
        {
            std::lock_guard lock(ready->mu);
            ready->stopping = true;
        }
        while (!stack.empty()) {
            auto [name, stop] = std::move(stack.back());
            stack.pop_back();
            try {
                stop();
                logger.Debug("stopped", {{"component", name}});
            } catch (const std::exception& e) {
                logger.Error("stop failed", {{"component", name}, {"error", e.what()}});
                exit_code = kExitFatal;
            }
        }
    };
    // Components are destroyed in reverse order of construction, after the stack is unwound.
    auto destroy = [&] {
        auto& comps = ctx.components();
        while (!comps.empty()) comps.pop_back();
    };

    try {
        options_.wire(ctx);
    } catch (const config::ConfigError& e) {
        *err_ << options_.service << ": " << e.what() << "\n";
        destroy();
        return kExitConfig;
    } catch (const std::exception& e) {
        logger.Error("start-up failed", {{"error", e.what()}});
        destroy();
        return kExitFatal;
    }
    {
        std::lock_guard lock(ready->mu);
        for (auto& c : ctx.components()) ready->all.push_back(c.get());
    }

    try {
        http.Start();
        stack.emplace_back("http", [&http] { http.Stop(); });
        logger.Info("http listening", {{"host", http_options.host}, {"port", http.port()}});
        for (auto& c : ctx.components()) {
            // A shutdown request during start-up stops the remaining starts.
            if (latch.Requested()) break;
            c->Start();
            Component* raw = c.get();
            stack.emplace_back(raw->Name(), [raw] { raw->Stop(); });
            std::lock_guard lock(ready->mu);
            ++ready->started;
        }
    } catch (const std::exception& e) {
        logger.Error("start-up failed", {{"error", e.what()}});
        unwind();
        destroy();
        return kExitFatal;
    }

    logger.Info("started", {{"components", ctx.components().size()}});
    auto [code, reason] = latch.Wait();
    logger.Info("shutting down", {{"reason", reason}});
    exit_code = code;
    unwind();
    destroy();
    logger.Info("stopped", {{"exit_code", exit_code}});
    return exit_code;
}

}  // namespace bfu::runtime
