// AlertFold: the notifier's delivery log folded per alert id, by the rules of alert_log.hpp.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "bfu/notifier/alert_log.hpp"
#include "services/test_master.hpp"

namespace bfu::notifier {
namespace {

using contracts::Alert;
using contracts::AlertChannel;
using contracts::AlertStatus;

core::TimePoint At(int minutes) { return test::TestNow() + std::chrono::minutes(minutes); }

Alert Planned(const std::string& id, const std::string& email,
              AlertStatus status = AlertStatus::kPending,
              AlertChannel channel = AlertChannel::kEmail,
              const std::string& deviation = "budget:2026:ENH1") {
    Alert a;
    a.alert_id = id;
    if (!deviation.empty()) a.deviation_id = core::DeviationId(deviation);
    a.unit = core::UnitId("ENH1");
    a.recipient = {"Mottagare", "enhetschef", email};
    a.channel = channel;
    a.subject = "Ny budgetavvikelse";
    a.sent_at = core::ToRfc3339(At(0));
    a.status = status;
    a.attempt = 0;
    a.about = contracts::AlertAbout::kOpened;
    a.content = contracts::AlertContent{"Ny budgetavvikelse", "Hej!", std::nullopt, std::nullopt};
    return a;
}

Alert Next(const Alert& planned, AlertStatus status, std::int64_t attempt, int at_minutes) {
    Alert a = planned;
    a.status = status;
    a.attempt = attempt;
    a.sent_at = core::ToRfc3339(At(at_minutes));
    a.content.reset();
    return a;
}

Alert Failed(const Alert& planned, std::int64_t attempt, int at_minutes, int retry_minutes,
             const std::string& error = "smtp: 451 try again later") {
    Alert a = Next(planned, AlertStatus::kFailed, attempt, at_minutes);
    a.error = error;
    a.next_attempt_at = core::ToRfc3339(At(retry_minutes));
    return a;
}

std::vector<std::string> Ids(const std::vector<AlertState>& states) {
    std::vector<std::string> out;
    for (const auto& s : states) out.push_back(s.planned.alert_id);
    return out;
}

TEST(AlertFold, TheFirstRecordMakesTheAlert) {
    AlertFold fold;
    const Alert a = Planned("a1", "maja@ex.se");
    EXPECT_TRUE(fold.Apply(a));
    const AlertState* s = fold.Find("a1");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->planned, a);
    EXPECT_EQ(s->status, AlertStatus::kPending);
    EXPECT_EQ(s->attempts, 0);
    EXPECT_FALSE(s->next_attempt);
    EXPECT_FALSE(s->error);
    EXPECT_EQ(s->updated_at, a.sent_at);
    EXPECT_FALSE(s->Final());
    EXPECT_TRUE(fold.Contains("a1"));
    EXPECT_FALSE(fold.Contains("a2"));
    EXPECT_EQ(fold.Find("a2"), nullptr);
    EXPECT_EQ(fold.size(), 1U);
}

TEST(AlertFold, AFailedFirstRecordKeepsItsAttemptAndRetry) {
    // A log whose pending record aged out: the failure is what is known.
    AlertFold fold;
    const Alert planned = Planned("a1", "maja@ex.se");
    EXPECT_TRUE(fold.Apply(Failed(planned, 2, 5, 15)));
    const AlertState* s = fold.Find("a1");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->status, AlertStatus::kFailed);
    EXPECT_EQ(s->attempts, 2);
    EXPECT_EQ(s->next_attempt, At(15));
    EXPECT_EQ(s->error, "smtp: 451 try again later");
}

TEST(AlertFold, FailedRaisesAttemptsAndSetsTheNextAttempt) {
    AlertFold fold;
    const Alert a = Planned("a1", "maja@ex.se");
    ASSERT_TRUE(fold.Apply(a));
    EXPECT_TRUE(fold.Apply(Failed(a, 1, 1, 2, "smtp: anslutningen bröts")));
    const AlertState* s = fold.Find("a1");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->status, AlertStatus::kFailed);
    EXPECT_EQ(s->attempts, 1);
    EXPECT_EQ(s->next_attempt, At(2));
    EXPECT_EQ(s->error, "smtp: anslutningen bröts");
    EXPECT_EQ(s->updated_at, core::ToRfc3339(At(1)));
    EXPECT_EQ(s->planned, a) << "the plan stays as first recorded";

    EXPECT_TRUE(fold.Apply(Failed(a, 2, 3, 7)));
    EXPECT_EQ(fold.Find("a1")->attempts, 2);
    EXPECT_EQ(fold.Find("a1")->next_attempt, At(7));
    EXPECT_EQ(fold.Find("a1")->error, "smtp: 451 try again later");

    // An older failure read late changes nothing: the highest attempt stands.
    EXPECT_FALSE(fold.Apply(Failed(a, 1, 1, 2, "smtp: anslutningen bröts")));
    EXPECT_EQ(fold.Find("a1")->attempts, 2);
    EXPECT_EQ(fold.Find("a1")->next_attempt, At(7));
}

TEST(AlertFold, FinalStatusesStick) {
    for (auto final_status :
         {AlertStatus::kSent, AlertStatus::kDelivered, AlertStatus::kDigested}) {
        SCOPED_TRACE(std::string(contracts::ToString(final_status)));
        AlertFold fold;
        const Alert a = Planned("a1", "maja@ex.se");
        ASSERT_TRUE(fold.Apply(a));
        ASSERT_TRUE(fold.Apply(Failed(a, 1, 1, 2)));
        Alert done = Next(a, final_status, 2, 3);
        if (final_status == AlertStatus::kDigested) done.digest_id = "digest.2026-03-31:maja-ex.se";
        EXPECT_TRUE(fold.Apply(done));
        const AlertState* s = fold.Find("a1");
        ASSERT_NE(s, nullptr);
        EXPECT_EQ(s->status, final_status);
        EXPECT_TRUE(s->Final());
        EXPECT_EQ(s->attempts, 2);
        EXPECT_FALSE(s->next_attempt);
        EXPECT_FALSE(s->error);
        if (final_status == AlertStatus::kDigested) {
            EXPECT_EQ(s->digest_id, "digest.2026-03-31:maja-ex.se");
        }
        const AlertState before = *s;
        // Nothing after a final record changes it: a late failure, a re-plan, another final.
        EXPECT_FALSE(fold.Apply(Failed(a, 3, 4, 5)));
        EXPECT_FALSE(fold.Apply(a));
        EXPECT_FALSE(fold.Apply(Next(a, AlertStatus::kQueued, 0, 6)));
        EXPECT_FALSE(fold.Apply(Next(a, AlertStatus::kSent, 4, 7)));
        EXPECT_EQ(*fold.Find("a1"), before);
        EXPECT_TRUE(fold.Due(AlertChannel::kEmail, At(100)).empty());
        EXPECT_TRUE(fold.Failed().empty());
    }
}

TEST(AlertFold, APlanForAnExistingAlertChangesNothing) {
    AlertFold fold;
    const Alert a = Planned("a1", "maja@ex.se");
    ASSERT_TRUE(fold.Apply(a));
    ASSERT_TRUE(fold.Apply(Failed(a, 1, 1, 2)));
    const AlertState before = *fold.Find("a1");
    Alert replanned = a;
    replanned.subject = "Något annat";
    replanned.sent_at = core::ToRfc3339(At(9));
    EXPECT_FALSE(fold.Apply(replanned));
    EXPECT_FALSE(fold.Apply(Next(a, AlertStatus::kQueued, 0, 9)));
    EXPECT_EQ(*fold.Find("a1"), before);
    EXPECT_EQ(fold.size(), 1U);
}

TEST(AlertFold, EveryRecordAppliedTwiceChangesNothingTheSecondTime) {
    AlertFold fold;
    const Alert a = Planned("a1", "maja@ex.se");
    const std::vector<Alert> records = {a, Failed(a, 1, 1, 2), Failed(a, 2, 3, 8),
                                        Next(a, AlertStatus::kSent, 3, 9)};
    for (const auto& r : records) {
        EXPECT_TRUE(fold.Apply(r));
        const AlertState after = *fold.Find("a1");
        EXPECT_FALSE(fold.Apply(r)) << contracts::ToString(r.status) << " " << r.attempt;
        EXPECT_EQ(*fold.Find("a1"), after);
    }
    // The whole log read again from the start (a restart) gives the same state.
    AlertFold again;
    for (const auto& r : records) (void)again.Apply(r);
    for (const auto& r : records) (void)again.Apply(r);
    EXPECT_EQ(*again.Find("a1"), *fold.Find("a1"));
}

TEST(AlertFold, DueIsPendingOrFailedWithItsRetryDueOnTheChannelInRecordOrder) {
    AlertFold fold;
    const Alert mail_b = Planned("b", "olof@ex.se");
    const Alert mail_a = Planned("a", "maja@ex.se");
    const Alert mail_c = Planned("c", "sara@ex.se");
    Alert hook = Planned("h", "", AlertStatus::kPending, AlertChannel::kWebhook);
    hook.recipient = {"Sektor omsorg", "webhook", std::nullopt};
    hook.webhook = contracts::Webhook{"https://hooks.ex.se/omsorg", {}, {}};
    const Alert queued = Planned("q", "per@ex.se", AlertStatus::kQueued);
    const Alert sent = Planned("s", "maria@ex.se");
    // Recorded in the order b, a, c, h, q, s (not alphabetical).
    for (const auto& r : {mail_b, mail_a, mail_c, hook, queued, sent}) ASSERT_TRUE(fold.Apply(r));
    ASSERT_TRUE(fold.Apply(Failed(mail_a, 1, 1, 10)));
    ASSERT_TRUE(fold.Apply(Next(sent, AlertStatus::kSent, 1, 1)));

    EXPECT_EQ(Ids(fold.Due(AlertChannel::kEmail, At(5))), (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(Ids(fold.Due(AlertChannel::kEmail, At(10))),
              (std::vector<std::string>{"b", "a", "c"}));
    EXPECT_EQ(Ids(fold.Due(AlertChannel::kWebhook, At(5))), (std::vector<std::string>{"h"}));
    EXPECT_TRUE(fold.Due(AlertChannel::kZmq, At(5)).empty());

    EXPECT_EQ(fold.NextRetry(AlertChannel::kEmail), At(10));
    EXPECT_FALSE(fold.NextRetry(AlertChannel::kWebhook));
    ASSERT_TRUE(fold.Apply(Failed(hook, 1, 2, 4)));
    ASSERT_TRUE(fold.Apply(Failed(mail_c, 1, 2, 6)));
    EXPECT_EQ(fold.NextRetry(AlertChannel::kWebhook), At(4));
    EXPECT_EQ(fold.NextRetry(AlertChannel::kEmail), At(6));
    EXPECT_EQ(Ids(fold.Due(AlertChannel::kEmail, At(5))), (std::vector<std::string>{"b"}));
    EXPECT_EQ(Ids(fold.Due(AlertChannel::kWebhook, At(3))), (std::vector<std::string>{}));

    // Once sent, an alert is neither due nor waiting for a retry.
    ASSERT_TRUE(fold.Apply(Next(mail_c, AlertStatus::kSent, 2, 7)));
    ASSERT_TRUE(fold.Apply(Next(mail_a, AlertStatus::kSent, 2, 11)));
    EXPECT_FALSE(fold.NextRetry(AlertChannel::kEmail));
    EXPECT_EQ(Ids(fold.Due(AlertChannel::kEmail, At(60))), (std::vector<std::string>{"b"}));
}

TEST(AlertFold, QueuedGroupsUndigestedItemsByRecipient) {
    AlertFold fold;
    const Alert q1 = Planned("q1", "maja@ex.se", AlertStatus::kQueued);
    const Alert q2 = Planned("q2", "olof@ex.se", AlertStatus::kQueued);
    const Alert q3 =
        Planned("q3", "maja@ex.se", AlertStatus::kQueued, AlertChannel::kEmail, "budget:2026:ENH2");
    const Alert pending = Planned("p", "maja@ex.se");
    for (const auto& r : {q1, q2, pending, q3}) ASSERT_TRUE(fold.Apply(r));
    auto queued = fold.Queued();
    ASSERT_EQ(queued.size(), 2U);
    EXPECT_EQ(Ids(queued["maja@ex.se"]), (std::vector<std::string>{"q1", "q3"}));
    EXPECT_EQ(Ids(queued["olof@ex.se"]), (std::vector<std::string>{"q2"}));
    // Queued alerts wait for the digest: they are not due on their own.
    EXPECT_EQ(Ids(fold.Due(AlertChannel::kEmail, At(60))), (std::vector<std::string>{"p"}));

    Alert digested = Next(q1, AlertStatus::kDigested, 0, 60);
    digested.digest_id = "digest.2026-03-31:maja-ex.se";
    ASSERT_TRUE(fold.Apply(digested));
    queued = fold.Queued();
    EXPECT_EQ(Ids(queued["maja@ex.se"]), (std::vector<std::string>{"q3"}));
    EXPECT_EQ(fold.Find("q1")->digest_id, "digest.2026-03-31:maja-ex.se");
}

TEST(AlertFold, ForDeviationFailedRecentAndCounts) {
    AlertFold fold;
    const Alert a = Planned("a", "maja@ex.se");
    const Alert b =
        Planned("b", "olof@ex.se", AlertStatus::kPending, AlertChannel::kEmail, "budget:2026:ENH2");
    const Alert c = Planned("c", "sara@ex.se");
    Alert reminder = Planned("reminder.prognos-1.2026:maja-ex.se", "maja@ex.se",
                             AlertStatus::kPending, AlertChannel::kEmail, "");
    reminder.about = contracts::AlertAbout::kForecastRound;
    const Alert d = Planned("d", "per@ex.se", AlertStatus::kQueued);
    for (const auto& r : {a, b, c, reminder, d}) ASSERT_TRUE(fold.Apply(r));
    ASSERT_TRUE(fold.Apply(Failed(a, 1, 1, 5)));
    ASSERT_TRUE(fold.Apply(Next(c, AlertStatus::kSent, 1, 1)));
    ASSERT_TRUE(fold.Apply(Failed(b, 1, 1, 5)));
    ASSERT_TRUE(fold.Apply(Next(b, AlertStatus::kDelivered, 2, 6)));

    const auto enh1 = fold.ForDeviation("budget:2026:ENH1");
    EXPECT_EQ(Ids(enh1), (std::vector<std::string>{"a", "c", "d"}));
    EXPECT_EQ(enh1[0].status, AlertStatus::kFailed) << "the current state, not the plan";
    EXPECT_EQ(Ids(fold.ForDeviation("budget:2026:ENH2")), (std::vector<std::string>{"b"}));
    EXPECT_TRUE(fold.ForDeviation("budget:2026:NOPE").empty());
    EXPECT_TRUE(fold.ForDeviation("").empty());

    EXPECT_EQ(Ids(fold.Failed()), (std::vector<std::string>{"a"}));

    EXPECT_EQ(Ids(fold.Recent(2)),
              (std::vector<std::string>{"reminder.prognos-1.2026:maja-ex.se", "d"}));
    EXPECT_EQ(Ids(fold.Recent(10)),
              (std::vector<std::string>{"a", "b", "c", "reminder.prognos-1.2026:maja-ex.se", "d"}));
    EXPECT_TRUE(fold.Recent(0).empty());

    const auto counts = fold.CountByStatus();
    EXPECT_EQ(counts,
              (std::map<std::string, std::int64_t>{
                  {"failed", 1}, {"sent", 1}, {"delivered", 1}, {"pending", 1}, {"queued", 1}}));
}

}  // namespace
}  // namespace bfu::notifier
