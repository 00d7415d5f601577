// Replays every input the fuzzers ever crashed on (tests/fuzz/regressions/) and the seed corpora
// through the same code the fuzzers run. A broken invariant aborts, which fails this test.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTest>

#include "fuzzentries.h"

namespace {

std::span<const std::uint8_t> bytesOf(const QByteArray& data)
{
    return { reinterpret_cast<const std::uint8_t*>(data.constData()), static_cast<std::size_t>(data.size()) };
}

QStringList filesUnder(const QString& directory)
{
    QStringList files;
    QDirIterator it(directory, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

} // namespace

class TestFuzzRegressions : public QObject {
    Q_OBJECT

private slots:
    void everyKeptInputPasses_data()
    {
        QTest::addColumn<QString>("path");
        const QString root = QStringLiteral(IPCPG_FUZZ_DIR);
        const QStringList regressions = filesUnder(root + QStringLiteral("/regressions"));
        const QStringList corpus = filesUnder(root + QStringLiteral("/corpus"));
        // Both directories are kept in the repository: an empty list means a wrong path.
        QVERIFY(!regressions.isEmpty());
        QVERIFY(!corpus.isEmpty());
        for (const QString& path : regressions + corpus)
            QTest::newRow(qPrintable(QDir(root).relativeFilePath(path))) << path;
    }

    void everyKeptInputPasses()
    {
        QFETCH(QString, path);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray data = file.readAll();
        // Each input goes to both parsers: a crash found by one fuzzer is bad input for the other.
        ipcpg::fuzz::controlProtocol(bytesOf(data));
        ipcpg::fuzz::runSpec(bytesOf(data));
    }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
