// The claims panel runs one claim end to end and states a verdict with numbers.
#include <QSignalSpy>
#include <QTest>

#include "testenvironment.h"
#include "views/claimsview.h"

using namespace ipcpg;

Q_DECLARE_METATYPE(ipcpg::ClaimVerdict)

class TestClaims : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

private slots:
    void initTestCase() { qputenv("IPCPG_WORKER", test::workerPath().toLocal8Bit()); }

    void everyClaimHasAStatementAMethodAndAPlan()
    {
        const std::vector<Claim> claims = articleClaims(0.2);
        QVERIFY(claims.size() >= 4);
        for (const Claim& claim : claims) {
            QVERIFY(!claim.statement.empty());
            QVERIFY(!claim.method.empty());
            QVERIFY(claim.judge != nullptr);
        }
    }

    void pipeClaimRunsEndToEnd()
    {
        ClaimsView view;
        int index = -1;
        for (int i = 0; i < view.claimCount(); ++i) {
            if (view.claim(i).id == "pipe-one-way")
                index = i;
        }
        QVERIFY(index >= 0);
        QSignalSpy checked(&view, &ClaimsView::claimChecked);
        view.check(index);
        QVERIFY(view.isChecking());
        QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 120000); // a bound for a hang, not a speed
        const auto verdict = view.verdict(index);
        QVERIFY(verdict.has_value());
        QVERIFY(verdict->outcome == ClaimVerdict::Outcome::Held);
        const QString text = view.verdictText(index);
        QVERIFY2(text.contains(QStringLiteral("EBADF")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("round trips")), qPrintable(text)); // the run's numbers
        QVERIFY(view.verdictsJson().contains("pipe-one-way"));
    }

    void judgesUseTheNumbers()
    {
        // The shared-memory synchronisation claim, judged on made-up results both ways.
        const std::vector<Claim> claims = articleClaims(0.2);
        const auto claim
            = std::find_if(claims.begin(), claims.end(), [](const Claim& c) { return c.id == "shm-needs-sync"; });
        QVERIFY(claim != claims.end());
        if (claim->plan.size() != 2)
            QSKIP("this build has no shm mechanism");
        RunResult none, sync;
        none.messages = 900;
        none.syncErrors = 100;
        sync.messages = 1000;
        ClaimVerdict verdict = claim->judge(claim->plan, { none, sync });
        QVERIFY(verdict.outcome == ClaimVerdict::Outcome::Held);
        QVERIFY(verdict.summary.find("100") != std::string::npos);
        none.syncErrors = 0;
        verdict = claim->judge(claim->plan, { none, sync });
        QVERIFY(verdict.outcome == ClaimVerdict::Outcome::NotHeld);
        verdict = claim->judge(claim->plan, { std::nullopt, sync });
        QVERIFY(verdict.outcome == ClaimVerdict::Outcome::Inconclusive);
    }
};

QTEST_MAIN(TestClaims)
#include "tst_claims.moc"
