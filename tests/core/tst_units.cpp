#include <QTest>

#include "ipcpg/units.h"

using namespace ipcpg;

class TestUnits : public QObject {
    Q_OBJECT

private slots:
    void byteCounts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<quint64>("bytes");
        QTest::newRow("plain") << "64" << true << quint64(64);
        QTest::newRow("K") << "4K" << true << quint64(4096);
        QTest::newRow("KiB") << "4KiB" << true << quint64(4096);
        QTest::newRow("lower m") << "1m" << true << quint64(1 << 20);
        QTest::newRow("16M") << "16M" << true << quint64(16 << 20);
        QTest::newRow("1T") << "1T" << true << (quint64(1) << 40);
        QTest::newRow("bytes suffix") << "512B" << true << quint64(512);
        QTest::newRow("zero") << "0" << true << quint64(0);
        QTest::newRow("empty") << "" << false << quint64(0);
        QTest::newRow("negative") << "-1" << false << quint64(0);
        QTest::newRow("fraction") << "1.5K" << false << quint64(0);
        QTest::newRow("words") << "lots" << false << quint64(0);
        QTest::newRow("unknown suffix") << "4Q" << false << quint64(0);
        QTest::newRow("overflow") << "99999999999999999999" << false << quint64(0);
        QTest::newRow("shift overflow") << "20000000000T" << false << quint64(0);
    }

    void byteCounts()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(quint64, bytes);
        const auto parsed = parseByteCount(text.toStdString());
        QCOMPARE(parsed.has_value(), valid);
        if (valid)
            QCOMPARE(*parsed, bytes);
    }

    void seconds()
    {
        QCOMPARE(parseSeconds("0.5").value(), 0.5);
        QCOMPARE(parseSeconds("2").value(), 2.0);
        QCOMPARE(parseSeconds("1.5s").value(), 1.5);
        QVERIFY(!parseSeconds("-1"));
        QVERIFY(!parseSeconds(""));
        QVERIFY(!parseSeconds("nan"));
        QVERIFY(!parseSeconds("inf"));
        QVERIFY(!parseSeconds("soon"));
    }

    void humanFormats()
    {
        QCOMPARE(QString::fromStdString(formatBytes(4096)), QStringLiteral("4 KiB"));
        QCOMPARE(QString::fromStdString(formatBytes(1536)), QStringLiteral("1.50 KiB"));
        QCOMPARE(QString::fromStdString(formatBytes(64)), QStringLiteral("64 B"));
        QCOMPARE(QString::fromStdString(formatNanoseconds(850)), QStringLiteral("850 ns"));
        QCOMPARE(QString::fromStdString(formatNanoseconds(12400)), QString::fromUtf8("12.4 µs"));
        QCOMPARE(QString::fromStdString(formatNanoseconds(3.2e6)), QStringLiteral("3.20 ms"));
        QCOMPARE(QString::fromStdString(formatBytesPerSecond(1.5 * 1024 * 1024 * 1024)), QStringLiteral("1.50 GiB/s"));
        QCOMPARE(QString::fromStdString(formatRate(123456)), QStringLiteral("123 k/s"));
    }
};

QTEST_APPLESS_MAIN(TestUnits)
#include "tst_units.moc"
