#pragma once
// Answers by link (S7): every e-mail and webhook carries links to pages the notifier serves
// (Kvittera, Kommentera, Lägg till åtgärd). A link holds a signed, expiring token naming the
// recipient and the deviation, so the command it leads to acts under the recipient's identity,
// which nobody types in.
//
// Token: base64url(claims as JSON) "." base64url(HMAC-SHA256(key, first part)). Claims:
// {"a": action, "d": deviation id, "e": recipient e-mail, "n": recipient name, "x": expiry
// (Unix seconds), "i": the alert it was sent in}. Verify checks the signature in constant time
// before it reads anything, then the expiry against the business clock. The command a token
// leads to carries the command id "link:<alert>:<action>", so a token used twice acts once
// (the owner of the deviation recognises the id; see analysis's deviation commands).
//
// Thread-safety: immutable after construction; Sign and Verify may run on any thread.
#include <cstdint>
#include <string>
#include <string_view>

#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"

namespace bfu::notifier {

enum class LinkAction { kAcknowledge, kComment, kMeasure };
[[nodiscard]] std::string_view ToString(LinkAction a) noexcept;  // "kvittera", ...

struct LinkClaims {
    LinkAction action = LinkAction::kAcknowledge;
    std::string deviation_id;
    std::string email;
    std::string name;
    std::int64_t expires = 0;  // Unix seconds
    std::string alert_id;

    [[nodiscard]] std::string CommandId() const;
    bool operator==(const LinkClaims&) const = default;
};

class LinkSigner {
public:
    // `key`: the secret (BFU_NOTIFIER_LINK_KEY); at least 16 bytes, else std::invalid_argument.
    explicit LinkSigner(std::string key);

    [[nodiscard]] std::string Sign(const LinkClaims& claims) const;
    // kPermissionDenied "token": malformed or altered (the signature does not match);
    // kFailedPrecondition "expired": signed by us but past its expiry at `now`.
    [[nodiscard]] core::Result<LinkClaims> Verify(std::string_view token,
                                                  core::TimePoint now) const;

private:
    std::string key_;
};

}  // namespace bfu::notifier
