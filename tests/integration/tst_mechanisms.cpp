// Every mechanism in the registry, in every mode it has, at the sizes that matter (1 B, 64 B,
// 4 KiB, 64 KiB, 1 MiB, its own limit, and 0 B where it takes that), through real worker
// processes: every message must arrive intact (or be counted as lost where the mechanism may
// drop), sizes beyond the limit must be refused naming the limit, and nothing may be left behind.
#include <QTest>
#include <QThread>
#include <set>

#include "ipcpg/error.h"
#include "ipcpg/mechanismregistry.h"
#include "testenvironment.h"

using namespace ipcpg;

Q_DECLARE_METATYPE(ipcpg::Mode)

class TestMechanisms : public QObject {
    Q_OBJECT

    test::PrivateRuntimeDir m_runtime;

    static std::uint64_t messageCountFor(std::uint64_t size)
    {
        // Enough messages to exercise wrap-around of rings and queues, little enough to stay fast.
        const std::uint64_t budget = 128ULL << 20;
        return std::clamp<std::uint64_t>(budget / std::max<std::uint64_t>(size, 1), 8, 300);
    }

    static QString label(const std::string& id, Mode mode, std::uint64_t size, const MechanismOptions& options)
    {
        QString text = QStringLiteral("%1 %2 %3B")
                           .arg(QString::fromStdString(id), QString::fromLatin1(toString(mode).data()))
                           .arg(size);
        for (const auto& [name, value] : options)
            text += QStringLiteral(" %1=%2").arg(QString::fromStdString(name), QString::fromStdString(value));
        return text;
    }

    // Every value of every option once, the others at their defaults: each variant is covered
    // without multiplying the matrix.
    static std::vector<MechanismOptions> variantsOf(const Mechanism& mechanism)
    {
        std::vector<MechanismOptions> variants { {} };
        for (const OptionSpec& option : mechanism.info().options) {
            for (const std::string& value : option.values) {
                if (value != option.defaultValue)
                    variants.push_back({ { option.name, value } });
            }
        }
        return variants;
    }

private slots:
    void deliversEveryMessage_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<quint64>("size");
        QTest::addColumn<QVariantMap>("options");
        const auto& registry = MechanismRegistry::instance();
        for (const Mechanism* mechanism : registry.all()) {
            const MechanismInfo& info = mechanism->info();
            for (const MechanismOptions& variant : variantsOf(*mechanism)) {
                const MechanismOptions resolved = registry.resolveOptions(*mechanism, variant);
                const SizeLimit limit = mechanism->sizeLimit(resolved);
                // The full size matrix for the default variant; the other variants at 64 B and their limit.
                std::set<std::uint64_t> sizes = variant.empty()
                    ? std::set<std::uint64_t> { 1, 64, 4096, 65536, 1 << 20, limit.max }
                    : std::set<std::uint64_t> { 64, limit.max };
                if (limit.min == 0)
                    sizes.insert(0); // bare notification primitives carry nothing: 0 B is their main size
                for (Mode mode : info.modes) {
                    for (std::uint64_t size : sizes) {
                        if (size < limit.min || size > limit.max)
                            continue;
                        RunSpec probe;
                        probe.mechanism = info.id;
                        probe.mode = mode;
                        probe.messageSize = size;
                        probe.options = variant;
                        try {
                            registry.validate(probe);
                        } catch (const UsageError&) {
                            continue; // a combination the mechanism refuses by design
                        }
                        QVariantMap options;
                        for (const auto& [name, value] : variant)
                            options.insert(QString::fromStdString(name), QString::fromStdString(value));
                        QTest::newRow(qPrintable(label(info.id, mode, size, variant)))
                            << QString::fromStdString(info.id) << mode << quint64(size) << options;
                    }
                }
            }
        }
    }

    void deliversEveryMessage()
    {
        QFETCH(QString, mechanism);
        QFETCH(Mode, mode);
        QFETCH(quint64, size);
        QFETCH(QVariantMap, options);

        RunSpec spec;
        spec.mechanism = mechanism.toStdString();
        spec.mode = mode;
        spec.messageSize = size;
        spec.messages = messageCountFor(size);
        spec.warmupS = 0;
        spec.durationS = 60;
        for (auto it = options.cbegin(); it != options.cend(); ++it)
            spec.options[it.key().toStdString()] = it.value().toString().toStdString();
        const Mechanism* m = MechanismRegistry::instance().find(spec.mechanism);
        QVERIFY(m);
        RunSpec resolved = spec;
        MechanismRegistry::instance().validate(resolved);
        const ErrorAccounting accounting = m->accounting(resolved);

        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QVERIFY(outcome.result.has_value());
        const RunResult& result = *outcome.result;
        QVERIFY2(!result.partial, result.error.c_str());
        QCOMPARE(result.sides.size(), std::size_t { 2 });

        if (accounting == ErrorAccounting::SyncRace) {
            // Deliberately unsynchronised: damage is expected and counted as sync errors.
            QCOMPARE(result.integrityErrors, std::uint64_t { 0 });
        } else {
            QVERIFY2(result.integrityErrors == 0,
                qPrintable(
                    QStringLiteral("%1 integrity errors (checksum %2, size %3, gaps %4, duplicates %5, reordered %6)")
                        .arg(result.integrityErrors)
                        .arg(result.integrity.badChecksum)
                        .arg(result.integrity.badSize)
                        .arg(result.integrity.gaps)
                        .arg(result.integrity.duplicates)
                        .arg(result.integrity.reordered)));
            QCOMPARE(result.syncErrors, std::uint64_t { 0 });
            if (accounting == ErrorAccounting::Integrity) {
                QCOMPARE(result.lost, std::uint64_t { 0 });
                QCOMPARE(result.messages, spec.messages);
            } else {
                // Lossy by design: what did not arrive is counted, nothing is unaccounted for.
                QVERIFY(result.messages <= spec.messages);
                QCOMPARE(result.messages + result.lost, spec.messages);
            }
        }
        if (result.latencyKind != "none") {
            QCOMPARE(result.histogram.count(), result.messages);
            QVERIFY(result.latencyNs.p50 > 0);
            QVERIFY(result.latencyNs.p50 <= result.latencyNs.p99);
        }
        QVERIFY(result.cpuUserS + result.cpuSysS > 0);

        QCOMPARE(test::leftoverObjects(result), QStringList {});
        QCOMPARE(m_runtime.leftoverRunDirectories(), QStringList {});
        for (const SideReport& side : result.sides)
            QVERIFY(side.pid > 0);
    }

    void refusesSizesBeyondTheLimit_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addColumn<quint64>("size");
        QTest::addColumn<quint64>("limit");
        const auto& registry = MechanismRegistry::instance();
        for (const Mechanism* mechanism : registry.all()) {
            const SizeLimit limit = mechanism->sizeLimit(registry.resolveOptions(*mechanism, {}));
            const std::uint64_t tooLarge = limit.max < RunSpec::kMaxMessageSize ? limit.max + 1 : (1ULL << 40);
            QTest::newRow(mechanism->info().id.c_str())
                << QString::fromStdString(mechanism->info().id) << quint64(tooLarge) << quint64(limit.max);
        }
    }

    void refusesSizesBeyondTheLimit()
    {
        QFETCH(QString, mechanism);
        QFETCH(quint64, size);
        QFETCH(quint64, limit);
        RunSpec spec;
        spec.mechanism = mechanism.toStdString();
        spec.messageSize = size;
        spec.mode = MechanismRegistry::instance().find(spec.mechanism)->info().modes.front();
        const RunOutcome outcome = test::runWorker(spec);
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY(!outcome.result);
        const QString error = QString::fromStdString(outcome.error);
        QVERIFY2(error.contains(QString::number(limit)) || error.contains(QStringLiteral("16 MiB")), qPrintable(error));
    }

    void placementIsHonoured()
    {
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.messages = 2000;
        spec.warmupS = 0;
        spec.placement = Placement::SameCore;
        const RunOutcome same = test::runWorker(spec);
        QVERIFY2(same.exitCode == 0, same.error.c_str());
        QCOMPARE(same.result->cpus.size(), std::size_t { 2 });
        QCOMPARE(same.result->cpus[0], same.result->cpus[1]);
        for (const SideReport& side : same.result->sides)
            QCOMPARE(side.cpus.size(), std::size_t { 1 });

        if (QThread::idealThreadCount() >= 2) {
            spec.placement = Placement::CrossCore;
            const RunOutcome cross = test::runWorker(spec);
            QVERIFY2(cross.exitCode == 0, cross.error.c_str());
            QVERIFY(cross.result->cpus[0] != cross.result->cpus[1]);
        }
    }

    void severalPairsRunAtOnce()
    {
        RunSpec spec;
        spec.mechanism = "pipe";
        spec.mode = Mode::Stream;
        spec.messageSize = 4096;
        spec.messages = 500;
        spec.warmupS = 0;
        spec.workers = 3;
        const RunOutcome outcome = test::runWorker(spec);
        QVERIFY2(outcome.exitCode == 0, outcome.error.c_str());
        QCOMPARE(outcome.result->sides.size(), std::size_t { 6 });
        QCOMPARE(outcome.result->messages, std::uint64_t { 1500 });
        QCOMPARE(outcome.result->integrityErrors, std::uint64_t { 0 });
    }
};

QTEST_GUILESS_MAIN(TestMechanisms)
#include "tst_mechanisms.moc"
