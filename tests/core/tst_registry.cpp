#include <QTest>
#include <set>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"

using namespace ipcpg;

class TestRegistry : public QObject {
    Q_OBJECT

private slots:
    void everyMechanismIsWellFormed()
    {
        const auto& registry = MechanismRegistry::instance();
        std::set<std::string> ids;
        for (const Mechanism* mechanism : registry.all()) {
            const MechanismInfo& info = mechanism->info();
            QVERIFY2(ids.insert(info.id).second, info.id.c_str());
            QVERIFY(!info.title.empty());
            QVERIFY(!info.summary.empty());
            QVERIFY(!info.modes.empty());
            for (const OptionSpec& option : info.options) {
                QVERIFY(!option.values.empty());
                QVERIFY2(
                    std::find(option.values.begin(), option.values.end(), option.defaultValue) != option.values.end(),
                    (info.id + "." + option.name).c_str());
                QVERIFY(!option.help.empty());
            }
            const SizeLimit limit = mechanism->sizeLimit(registry.resolveOptions(*mechanism, {}));
            QVERIFY(limit.max >= limit.min);
            QVERIFY(limit.max <= RunSpec::kMaxMessageSize);
            QVERIFY(!limit.reason.empty());
            QCOMPARE(registry.find(info.id), mechanism);
        }
        QVERIFY(!registry.find("carrier-pigeon"));
    }

    void validationNamesTheProblem_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<QString>("mode");
        QTest::addColumn<quint64>("size");
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown mechanism") << "carrier-pigeon"
                                           << "pingpong" << quint64(64) << ""
                                           << "known mechanisms";
        QTest::newRow("above 16 MiB") << "pipe"
                                      << "pingpong" << (quint64(16) << 20) + 1 << ""
                                      << "16 MiB";
        QTest::newRow("zero bytes") << "pipe"
                                    << "pingpong" << quint64(0) << ""
                                    << "smallest size";
        QTest::newRow("unknown option") << "pipe"
                                        << "pingpong" << quint64(64) << "colour=blue"
                                        << "colour";
    }

    void validationNamesTheProblem()
    {
        QFETCH(QString, mechanism);
        QFETCH(QString, mode);
        QFETCH(quint64, size);
        QFETCH(QString, option);
        QFETCH(QString, mentions);
        RunSpec spec;
        spec.mechanism = mechanism.toStdString();
        spec.mode = parseMode(mode.toStdString()).value();
        spec.messageSize = size;
        if (!option.isEmpty()) {
            const auto parts = option.split(QLatin1Char('='));
            spec.options[parts[0].toStdString()] = parts[1].toStdString();
        }
        try {
            MechanismRegistry::instance().validate(spec);
            QFAIL("accepted an invalid spec");
        } catch (const UsageError& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(mentions), error.what());
        }
    }

    void validationFillsDefaults()
    {
        const auto& registry = MechanismRegistry::instance();
        for (const Mechanism* mechanism : registry.all()) {
            RunSpec spec;
            spec.mechanism = mechanism->info().id;
            spec.mode = mechanism->info().modes.front();
            spec.messageSize = mechanism->sizeLimit(registry.resolveOptions(*mechanism, {})).min;
            registry.validate(spec);
            QCOMPARE(spec.options.size(), mechanism->info().options.size());
        }
    }
};

QTEST_APPLESS_MAIN(TestRegistry)
#include "tst_registry.moc"
