// Answer links (links.hpp): a signed, expiring token naming the recipient and the deviation.
#include "bfu/notifier/links.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <stdexcept>
#include <string>

#include "services/test_master.hpp"

namespace bfu::notifier {
namespace {

constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

LinkClaims Claims(LinkAction action = LinkAction::kAcknowledge) {
    LinkClaims c;
    c.action = action;
    c.deviation_id = "budget:2026:ENH1";
    c.email = "maja@ex.se";
    c.name = "Maja Öberg";
    c.expires = core::ToUnixMillis(test::TestNow()) / 1000 + 3600;
    c.alert_id = "budget:2026:ENH1:1:email:maja-ex.se";
    return c;
}

const LinkSigner& Signer() {
    static const LinkSigner signer("nyckel-med-minst-sexton-byte");
    return signer;
}

// A different character of the base64url alphabet than `c`.
char Other(char c) { return c == 'A' ? 'B' : 'A'; }

TEST(LinkSigner, VerifiesWhatItSignedForEveryAction) {
    for (auto action : {LinkAction::kAcknowledge, LinkAction::kComment, LinkAction::kMeasure}) {
        const LinkClaims c = Claims(action);
        const std::string token = Signer().Sign(c);
        // URL-safe as it stands: it goes into ?t= unescaped.
        for (char ch : token) {
            EXPECT_TRUE(ch == '.' || kBase64UrlAlphabet.find(ch) != std::string_view::npos)
                << token;
        }
        auto back = Signer().Verify(token, test::TestNow());
        ASSERT_TRUE(back.ok()) << back.error().ToString();
        EXPECT_EQ(*back, c);
    }
}

TEST(LinkSigner, SigningIsDeterministic) {
    EXPECT_EQ(Signer().Sign(Claims()), Signer().Sign(Claims()));
    EXPECT_NE(Signer().Sign(Claims()), Signer().Sign(Claims(LinkAction::kComment)));
}

TEST(LinkSigner, RefusesAnAlteredPayloadAsPermissionDenied) {
    const std::string token = Signer().Sign(Claims());
    const auto dot = token.find('.');
    ASSERT_NE(dot, std::string::npos);
    for (std::size_t i = 0; i < dot; ++i) {
        std::string bad = token;
        bad[i] = Other(bad[i]);
        auto v = Signer().Verify(bad, test::TestNow());
        ASSERT_FALSE(v.ok()) << "payload position " << i;
        EXPECT_EQ(v.error().code, core::Errc::kPermissionDenied) << i;
        EXPECT_EQ(v.error().field, "token");
    }
    // Claims of someone else with the original signature.
    LinkClaims other = Claims();
    other.email = "olof@ex.se";
    const std::string forged =
        Signer().Sign(other).substr(0, Signer().Sign(other).find('.')) + token.substr(dot);
    auto v = Signer().Verify(forged, test::TestNow());
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code, core::Errc::kPermissionDenied);
}

TEST(LinkSigner, RefusesAnAlteredSignatureAtEveryPosition) {
    const std::string token = Signer().Sign(Claims());
    const auto dot = token.find('.');
    ASSERT_NE(dot, std::string::npos);
    for (std::size_t i = dot + 1; i < token.size(); ++i) {
        for (char ch : kBase64UrlAlphabet) {
            if (ch == token[i]) continue;
            std::string bad = token;
            bad[i] = ch;
            auto v = Signer().Verify(bad, test::TestNow());
            ASSERT_FALSE(v.ok()) << "signature position " << i - dot - 1 << " of "
                                 << token.size() - dot - 1 << ": '" << token[i] << "' -> '" << ch
                                 << "' still verifies";
            EXPECT_EQ(v.error().code, core::Errc::kPermissionDenied);
        }
    }
    // Shortened and lengthened.
    for (const std::string& bad : {token.substr(0, token.size() - 1), token + "A", token + "="}) {
        auto v = Signer().Verify(bad, test::TestNow());
        ASSERT_FALSE(v.ok()) << bad;
        EXPECT_EQ(v.error().code, core::Errc::kPermissionDenied);
    }
}

TEST(LinkSigner, RefusesATokenSignedWithAnotherKey) {
    const LinkSigner other("en-helt-annan-nyckel-till-bfu");
    auto v = Signer().Verify(other.Sign(Claims()), test::TestNow());
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code, core::Errc::kPermissionDenied);
    EXPECT_EQ(v.error().field, "token");
}

TEST(LinkSigner, RefusesGarbageAndAnEmptyToken) {
    const std::string long_token(5000, 'a');
    for (const std::string& bad :
         {std::string(), std::string("."), std::string(".."), std::string("abc"),
          std::string("abc.def"), std::string("!!!.???"), std::string("e30.e30"),
          std::string("\xff\xfe.\x00\x01", 6), long_token, long_token + "." + long_token}) {
        auto v = Signer().Verify(bad, test::TestNow());
        ASSERT_FALSE(v.ok()) << bad;
        EXPECT_EQ(v.error().code, core::Errc::kPermissionDenied) << bad;
    }
}

TEST(LinkSigner, AnExpiredTokenIsAFailedPreconditionNotADenial) {
    const LinkClaims c = Claims();
    const std::string token = Signer().Sign(c);
    const core::TimePoint expiry = core::FromUnixMillis(c.expires * 1000);
    // Valid up to and including its expiry second.
    EXPECT_TRUE(Signer().Verify(token, expiry).ok());
    auto late = Signer().Verify(token, expiry + std::chrono::seconds(1));
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, core::Errc::kFailedPrecondition);
    EXPECT_EQ(late.error().field, "expired");
    auto much_later = Signer().Verify(token, expiry + std::chrono::hours(24 * 30));
    ASSERT_FALSE(much_later.ok());
    EXPECT_EQ(much_later.error().code, core::Errc::kFailedPrecondition);
    // An expired token that is also altered is a denial: the signature is checked first.
    std::string bad = token;
    bad[1] = Other(bad[1]);
    auto both = Signer().Verify(bad, expiry + std::chrono::seconds(1));
    ASSERT_FALSE(both.ok());
    EXPECT_EQ(both.error().code, core::Errc::kPermissionDenied);
}

TEST(LinkSigner, RefusesAShortKey) {
    EXPECT_THROW(LinkSigner("kort"), std::invalid_argument);
    EXPECT_THROW(LinkSigner(std::string(15, 'k')), std::invalid_argument);
    EXPECT_NO_THROW(LinkSigner(std::string(16, 'k')));
}

TEST(LinkClaims, CommandIdIsStableAndDistinctPerAction) {
    std::set<std::string> ids;
    for (auto action : {LinkAction::kAcknowledge, LinkAction::kComment, LinkAction::kMeasure}) {
        const LinkClaims c = Claims(action);
        EXPECT_EQ(c.CommandId(), Claims(action).CommandId());
        EXPECT_EQ(c.CommandId().rfind("link:" + c.alert_id + ":", 0), 0U) << c.CommandId();
        ids.insert(c.CommandId());
        // The expiry and the recipient's name do not change the command: a link re-sent with
        // a later expiry still acts once.
        LinkClaims later = c;
        later.expires += 86400;
        later.name = "M. Öberg";
        EXPECT_EQ(later.CommandId(), c.CommandId());
    }
    EXPECT_EQ(ids.size(), 3U);
    LinkClaims other_alert = Claims();
    other_alert.alert_id = "budget:2026:ENH1:2:email:maja-ex.se";
    EXPECT_NE(other_alert.CommandId(), Claims().CommandId());
    // The contract's command id pattern: ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$.
    for (const auto& id : ids) {
        EXPECT_LE(id.size(), 128U);
        for (char ch : id) {
            EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' ||
                        ch == '.' || ch == ':' || ch == '-')
                << id;
        }
    }
}

TEST(LinkAction, HasSwedishNames) {
    EXPECT_EQ(ToString(LinkAction::kAcknowledge), "kvittera");
    EXPECT_EQ(ToString(LinkAction::kComment), "kommentera");
    EXPECT_EQ(ToString(LinkAction::kMeasure), "atgard");
}

}  // namespace
}  // namespace bfu::notifier
