// The run set-up panel's topology, member counts and offered rate: the spec it builds from its
// widgets, and what it refuses before anything starts, with the reason.
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTest>

#include "ipcpg/mechanismregistry.h"
#include "views/runsetuppanel.h"

using namespace ipcpg;

namespace {

void chooseTopology(RunSetupPanel& panel, const char* name)
{
    const int index = panel.topologyBox()->findData(QString::fromLatin1(name));
    QVERIFY2(index >= 0, name);
    panel.topologyBox()->setCurrentIndex(index);
}

void chooseMechanism(RunSetupPanel& panel, const std::string& id)
{
    const int index = panel.mechanismBox()->findData(QString::fromStdString(id));
    QVERIFY2(index >= 0, id.c_str());
    panel.mechanismBox()->setCurrentIndex(index);
}

// The topology's name: QCOMPARE prints it when they differ.
QString nameOf(Topology topology) { return QString::fromLatin1(toString(topology).data()); }

QStandardItem* topologyItem(RunSetupPanel& panel, Topology topology)
{
    auto* model = qobject_cast<QStandardItemModel*>(panel.topologyBox()->model());
    const int index = panel.topologyBox()->findData(QString::fromLatin1(toString(topology).data()));
    return model && index >= 0 ? model->item(index) : nullptr;
}

} // namespace

class TestRunSetupPanel : public QObject {
    Q_OBJECT

private slots:
    void specCarriesTopologyMembersAndRate()
    {
        RunSetupPanel panel;
        chooseMechanism(panel, "pipe");
        panel.workersBox()->setValue(3);
        QCOMPARE(nameOf(panel.spec().topology), nameOf(Topology::Pair));
        QCOMPARE(panel.spec().workers, 3U);
        QVERIFY(panel.workersBox()->isEnabled());
        QVERIFY(!panel.subscribersBox()->isVisibleTo(&panel));
        QVERIFY(!panel.publishersBox()->isVisibleTo(&panel));

        chooseTopology(panel, "fanout");
        panel.subscribersBox()->setValue(8);
        panel.rateBox()->setEditText(QStringLiteral("25k"));
        RunSpec spec = panel.spec();
        QCOMPARE(nameOf(spec.topology), nameOf(Topology::FanOut));
        QCOMPARE(spec.subscribers, 8U);
        QCOMPARE(spec.publishers, 1U);
        QCOMPARE(spec.workers, 1U); // a hub has one worker, whatever the pairs field says
        QCOMPARE(spec.rate, 25000.0);
        QVERIFY(panel.subscribersBox()->isVisibleTo(&panel));
        QVERIFY(!panel.publishersBox()->isVisibleTo(&panel));
        QVERIFY(!panel.workersBox()->isEnabled());
        QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
        QVERIFY(panel.startButton()->isEnabled());

        chooseTopology(panel, "fanin");
        panel.publishersBox()->setValue(5);
        spec = panel.spec();
        QCOMPARE(nameOf(spec.topology), nameOf(Topology::FanIn));
        QCOMPARE(spec.publishers, 5U);
        QCOMPARE(spec.subscribers, 1U);
        QVERIFY(panel.publishersBox()->isVisibleTo(&panel));
        QVERIFY(!panel.subscribersBox()->isVisibleTo(&panel));

        // Back to pairs: the pairs field counts again, and the fan-out's count was kept meanwhile.
        chooseTopology(panel, "pair");
        QCOMPARE(panel.spec().workers, 3U);
        QCOMPARE(panel.spec().subscribers, 1U);
        QVERIFY(panel.workersBox()->isEnabled());
        chooseTopology(panel, "fanout");
        QCOMPARE(panel.spec().subscribers, 8U);

        // While a run goes nothing can be changed; afterwards the pairs field stays off for a hub.
        panel.setRunning(true);
        QVERIFY(!panel.topologyBox()->isEnabled());
        QVERIFY(!panel.subscribersBox()->isEnabled());
        QVERIFY(!panel.rateBox()->isEnabled());
        panel.setRunning(false);
        QVERIFY(panel.subscribersBox()->isEnabled());
        QVERIFY(!panel.workersBox()->isEnabled());
    }

    void rateField_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<double>("rate"); // -1: refused
        QTest::newRow("off") << QStringLiteral("off") << 0.0;
        QTest::newRow("Off") << QStringLiteral("Off") << 0.0;
        QTest::newRow("empty") << QString() << 0.0;
        QTest::newRow("preset 1M") << QStringLiteral("1M") << 1e6;
        QTest::newRow("plain") << QStringLiteral("500") << 500.0;
        QTest::newRow("k") << QStringLiteral("12.5k") << 12500.0;
        QTest::newRow("M") << QStringLiteral("2.5M") << 2.5e6;
        QTest::newRow("per second") << QStringLiteral("20k/s") << 20000.0;
        QTest::newRow("words") << QStringLiteral("fast") << -1.0;
        QTest::newRow("zero") << QStringLiteral("0") << -1.0;
        QTest::newRow("negative") << QStringLiteral("-5k") << -1.0;
        QTest::newRow("above the ceiling") << QStringLiteral("200M") << -1.0;
    }

    void rateField()
    {
        QFETCH(QString, typed);
        QFETCH(double, rate);
        RunSetupPanel panel;
        chooseMechanism(panel, "pipe");
        chooseTopology(panel, "fanout");
        panel.rateBox()->setEditText(typed);
        if (rate >= 0) {
            QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
            QCOMPARE(panel.spec().rate, rate);
            QVERIFY(panel.startButton()->isEnabled());
            QVERIFY(!panel.problemLabel()->isVisibleTo(&panel));
            return;
        }
        // The field's name, the text, the allowed range and the way to say "none".
        const QString problem = panel.problem();
        for (const QString& mention : { QStringLiteral("Rate"), QLatin1Char('"') + typed + QLatin1Char('"'),
                 QStringLiteral("100M"), QStringLiteral("off") })
            QVERIFY2(problem.contains(mention), qPrintable(problem));
        QVERIFY(!panel.startButton()->isEnabled());
        QVERIFY(panel.problemLabel()->isVisibleTo(&panel));
        QCOMPARE(panel.problemLabel()->text(), problem);
        // Fixing the text clears the refusal.
        panel.rateBox()->setEditText(QStringLiteral("10k"));
        QVERIFY(panel.problem().isEmpty());
        QVERIFY(panel.startButton()->isEnabled());
    }

    // A fan-in on a mechanism that cannot do one (the first in the registry's order).
    void refusedFanInIsShownBeforeStart()
    {
        const Mechanism* refusing = nullptr;
        for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
            if (!refusing && !mechanism->info().fanin.supported)
                refusing = mechanism;
        }
        if (!refusing)
            QSKIP("every mechanism supports fan-in");
        const std::string id = refusing->info().id;
        RunSetupPanel panel;
        chooseMechanism(panel, id);
        chooseTopology(panel, "fanin");
        const QString problem = panel.problem();
        QVERIFY2(problem.contains(QString::fromStdString(id)) && problem.contains(QStringLiteral("fanin")),
            qPrintable(problem));
        // The registry's reason, word for word, as every front end gives it.
        RunSpec spec = panel.spec();
        QCOMPARE(problem, QString::fromStdString(refusal(spec).value_or("")));
        QVERIFY(panel.problemLabel()->isVisibleTo(&panel));
        QCOMPARE(panel.problemLabel()->text(), problem);
        QVERIFY(!panel.startButton()->isEnabled());
        // The choice is greyed out, saying why, like a size the mechanism cannot take.
        QStandardItem* fanIn = topologyItem(panel, Topology::FanIn);
        QVERIFY(fanIn);
        QVERIFY(!fanIn->isEnabled());
        QVERIFY(fanIn->toolTip().contains(QString::fromStdString(refusing->info().fanin.how)));
        QCOMPARE(panel.topologyBox()->toolTip(), fanIn->toolTip());

        // A mechanism that can do it takes the same set-up.
        chooseMechanism(panel, "pipe");
        QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
        QVERIFY(panel.startButton()->isEnabled());
        QVERIFY(!panel.problemLabel()->isVisibleTo(&panel));
    }

    // For every mechanism, each hub topology's tooltip is its MechanismInfo text, and the panel
    // refuses exactly the ones the registry refuses.
    void topologyTooltipsFollowTheMechanism()
    {
        RunSetupPanel panel;
        for (const Mechanism* mechanism : MechanismRegistry::instance().all()) {
            const MechanismInfo& info = mechanism->info();
            chooseMechanism(panel, info.id);
            for (Topology topology : { Topology::FanOut, Topology::FanIn }) {
                const TopologySupport& support = *info.support(topology);
                QStandardItem* item = topologyItem(panel, topology);
                QVERIFY(item);
                const QString context = QString::fromStdString(info.id + " " + std::string(toString(topology)));
                QVERIFY2(item->toolTip().contains(QString::fromStdString(support.how)), qPrintable(context));
                QCOMPARE(item->isEnabled(), support.supported);
                panel.topologyBox()->setCurrentIndex(
                    panel.topologyBox()->findData(QString::fromLatin1(toString(topology).data())));
                QCOMPARE(panel.topologyBox()->toolTip(), item->toolTip());
                QCOMPARE(panel.problem().isEmpty(), !refusal(panel.spec()).has_value());
                if (!support.supported)
                    QVERIFY2(!panel.problem().isEmpty(), qPrintable(context));
            }
            chooseTopology(panel, "pair");
        }
    }

    // Members times size has a ceiling; changing the count alone asks the registry again.
    void tooManyMemberBytesAreRefused()
    {
        RunSetupPanel panel;
        chooseMechanism(panel, "pipe");
        chooseTopology(panel, "fanout");
        panel.sizeBox()->setEditText(QStringLiteral("4M"));
        panel.subscribersBox()->setValue(8);
        QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
        panel.subscribersBox()->setValue(32);
        QVERIFY2(panel.problem().contains(QStringLiteral("32 subscribers")), qPrintable(panel.problem()));
        QVERIFY(!panel.startButton()->isEnabled());
        panel.subscribersBox()->setValue(8);
        QVERIFY(panel.problem().isEmpty());
    }

    void setSpecShowsWhatSpecGives_data()
    {
        QTest::addColumn<int>("topology");
        QTest::addColumn<unsigned>("members");
        QTest::addColumn<double>("rate");
        QTest::newRow("fanout 16 at 12345/s") << static_cast<int>(Topology::FanOut) << 16U << 12345.0;
        QTest::newRow("fanout 64 as fast as possible") << static_cast<int>(Topology::FanOut) << 64U << 0.0;
        QTest::newRow("fanin 3 at 20k") << static_cast<int>(Topology::FanIn) << 3U << 20000.0;
        QTest::newRow("fanin 1 at 1.5M") << static_cast<int>(Topology::FanIn) << 1U << 1.5e6;
        QTest::newRow("pair at the 1k preset") << static_cast<int>(Topology::Pair) << 1U << 1000.0;
    }

    void setSpecShowsWhatSpecGives()
    {
        QFETCH(int, topology);
        QFETCH(unsigned, members);
        QFETCH(double, rate);
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.mode = Mode::Stream;
        spec.topology = static_cast<Topology>(topology);
        (spec.topology == Topology::FanIn ? spec.publishers : spec.subscribers)
            = spec.topology == Topology::Pair ? 1 : members;
        spec.rate = rate;
        RunSetupPanel panel;
        panel.setSpec(spec);
        const RunSpec shown = panel.spec();
        QCOMPARE(nameOf(shown.topology), nameOf(spec.topology));
        QCOMPARE(shown.subscribers, spec.subscribers);
        QCOMPARE(shown.publishers, spec.publishers);
        QCOMPARE(shown.rate, spec.rate);
        QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
    }
};

QTEST_MAIN(TestRunSetupPanel)
#include "tst_runsetuppanel.moc"
