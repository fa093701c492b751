#include "bfu/reporting/pdf.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace bfu::reporting {

namespace {

std::string Tail(const std::filesystem::path& log, std::size_t max) {
    std::ifstream in(log, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    if (s.size() > max) s = "…" + s.substr(s.size() - max);
    return s;
}

// A fresh folder for Chromium's profile; removed by the destructor.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "bfu-pdf-XXXXXX").string();
        if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace

std::vector<std::string> PdfCommand(const PdfOptions& options, const std::filesystem::path& html,
                                    const std::filesystem::path& pdf,
                                    const std::filesystem::path& profile) {
    return {options.command,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
            "--disable-dev-shm-usage",
            "--user-data-dir=" + profile.string(),
            "--no-pdf-header-footer",
            "--print-to-pdf=" + pdf.string(),
            "file://" + std::filesystem::absolute(html).string()};
}

core::Status HtmlToPdf(const std::filesystem::path& html, const std::filesystem::path& pdf,
                       const PdfOptions& options) {
    TempDir profile;
    if (profile.path().empty()) {
        return core::Error(core::Errc::kUnavailable, "pdf", "no temporary folder for Chromium");
    }
    const auto tmp = std::filesystem::path(pdf.string() + ".tmp");
    const auto log = profile.path() / "chromium.log";
    auto args =
        PdfCommand(options, html, std::filesystem::absolute(tmp), profile.path() / "profil");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group, so a deadline ends Chromium's helper processes too.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        return core::Error(core::Errc::kUnavailable, "pdf",
                           "cannot start " + options.command + ": " + std::strerror(rc) +
                               " (install Debian's chromium, or set reporting.pdf_command)");
    }
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    int status = 0;
    while (true) {
        const pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) {
            return core::Error(core::Errc::kUnavailable, "pdf", "lost the converter's process");
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            return core::Error(core::Errc::kUnavailable, "pdf",
                               options.command + " did not finish within " +
                                   std::to_string(options.timeout.count()) + " ms");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Helpers left behind by the browser go with its group.
    ::kill(-pid, SIGKILL);
    std::error_code ec;
    const bool exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!exited_ok || !std::filesystem::exists(tmp, ec) ||
        std::filesystem::file_size(tmp, ec) == 0) {
        std::filesystem::remove(tmp, ec);
        return core::Error(
            core::Errc::kUnavailable, "pdf",
            options.command + " made no PDF of " + html.string() + ": " + Tail(log, 400));
    }
    std::filesystem::rename(tmp, pdf, ec);
    if (ec) return core::Error(core::Errc::kUnavailable, pdf.string(), ec.message());
    return core::Ok();
}

}  // namespace bfu::reporting
