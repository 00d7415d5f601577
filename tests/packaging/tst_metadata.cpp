// The files that describe the program to a desktop, a software centre and `man`, as the build
// made them (packaging/): they pass their validators, agree with each other and with the
// executables, and the man pages document every command and option the executables accept.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTest>
#include <QXmlStreamReader>

#include "processoutput.h"
#include "testenvironment.h"

using ipcpg::test::requiredEnvironment;
using ipcpg::test::runProcess;

namespace {

QString readText(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

struct Screenshot {
    QString url;
    int width = 0;
    int height = 0;
};

struct Metainfo {
    QString id;
    QString launchable;
    QStringList releases; // versions, in file order (newest first)
    QList<Screenshot> screenshots;
    QString error;
};

Metainfo readMetainfo(const QString& path)
{
    Metainfo info;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        info.error = QStringLiteral("cannot open ") + path;
        return info;
    }
    QXmlStreamReader xml(&file);
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        const auto name = xml.name();
        if (name == QLatin1String("id") && info.id.isEmpty()) {
            info.id = xml.readElementText();
        } else if (name == QLatin1String("launchable")) {
            info.launchable = xml.readElementText();
        } else if (name == QLatin1String("release")) {
            info.releases.append(xml.attributes().value(QLatin1String("version")).toString());
        } else if (name == QLatin1String("image")) {
            Screenshot shot;
            shot.width = xml.attributes().value(QLatin1String("width")).toInt();
            shot.height = xml.attributes().value(QLatin1String("height")).toInt();
            shot.url = xml.readElementText().trimmed();
            info.screenshots.append(shot);
        }
    }
    if (xml.hasError())
        info.error = path + QStringLiteral(": ") + xml.errorString();
    return info;
}

// The [Desktop Entry] keys of a .desktop file.
QHash<QString, QString> readDesktopEntry(const QString& path)
{
    QHash<QString, QString> keys;
    bool inEntry = false;
    for (const QString& line : readText(path).split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1Char('[')))
            inEntry = line == QStringLiteral("[Desktop Entry]");
        const auto equals = line.indexOf(QLatin1Char('='));
        if (inEntry && equals > 0 && !line.startsWith(QLatin1Char('#')))
            keys.insert(line.left(equals).trimmed(), line.mid(equals + 1).trimmed());
    }
    return keys;
}

// The options a --help text lists ("-m,--mechanism TEXT", "-h, --help", "--start").
QStringList optionsInHelp(const QString& help)
{
    static const QRegularExpression optionLine(QStringLiteral("^\\s+(-[-\\w]+(?:,\\s?-[-\\w]+)*)"));
    QStringList options;
    for (const QString& line : help.split(QLatin1Char('\n'))) {
        const QRegularExpressionMatch match = optionLine.match(line);
        if (!match.hasMatch())
            continue;
        for (const QString& option : match.captured(1).split(QLatin1Char(',')))
            options.append(option.trimmed());
    }
    return options;
}

// The subcommands a CLI11 --help lists, under "Subcommands:".
QStringList subcommandsInHelp(const QString& help)
{
    static const QRegularExpression commandLine(QStringLiteral("^  ([a-z][-a-z]*)\\s{2,}\\S"));
    QStringList commands;
    bool inList = false;
    for (const QString& line : help.split(QLatin1Char('\n'))) {
        if (!line.startsWith(QLatin1Char(' ')))
            inList = line.startsWith(QStringLiteral("Subcommands:"));
        else if (inList)
            commands.append(commandLine.match(line).captured(1));
    }
    commands.removeAll(QString());
    return commands;
}

// Whether troff source mentions an option as such: "--out" written \-\-out, and not merely as
// the start of a longer one (\-\-output) or the tail of one (-m inside \-\-mode).
bool documents(const QString& page, const QString& option)
{
    QString troff = option;
    troff.replace(QLatin1Char('-'), QStringLiteral("\\-"));
    const QRegularExpression mention(
        QStringLiteral("(?<![-\\w])") + QRegularExpression::escape(troff) + QStringLiteral("(?![\\w]|\\\\-)"));
    return mention.match(page).hasMatch();
}

} // namespace

class TestMetadata : public QObject {
    Q_OBJECT

    bool m_gui = qEnvironmentVariableIsSet("IPCPG_GUI");

    // Runs a validator on a file: it must exit 0 and report no error or warning.
    static void validate(const QString& tool, const QStringList& arguments, const QRegularExpression& complaint)
    {
        const QString program = QStandardPaths::findExecutable(tool);
        if (program.isEmpty())
            QSKIP(qPrintable(tool + QStringLiteral(" is not installed (see scripts/setup.sh)")));
        const auto output = runProcess(program, arguments);
        const QString text = QString::fromUtf8(output.out + output.err);
        QVERIFY2(output.exitCode == 0, qPrintable(output.describe() + text));
        QVERIFY2(!complaint.match(text).hasMatch(), qPrintable(text));
    }

private slots:
    void initTestCase()
    {
        if (!m_gui)
            return;
        const Metainfo info = readMetainfo(requiredEnvironment("IPCPG_METAINFO_FILE"));
        QVERIFY2(info.error.isEmpty(), qPrintable(info.error));
    }

    void desktopFileValidates()
    {
        if (!m_gui)
            QSKIP("built without the GUI: no .desktop file");
        validate(QStringLiteral("desktop-file-validate"), { requiredEnvironment("IPCPG_DESKTOP_FILE") },
            QRegularExpression(QStringLiteral("error:|warning:")));
    }

    void metainfoValidates()
    {
        if (!m_gui)
            QSKIP("built without the GUI: no metainfo file");
        // Lines "E: ..." are errors and "W: ..." warnings; info and pedantic notes are allowed.
        validate(QStringLiteral("appstreamcli"),
            { QStringLiteral("validate"), QStringLiteral("--no-net"), requiredEnvironment("IPCPG_METAINFO_FILE") },
            QRegularExpression(QStringLiteral("^\\s*[EW]: "), QRegularExpression::MultilineOption));
    }

    void desktopFileMetainfoAndAppAgree()
    {
        if (!m_gui)
            QSKIP("built without the GUI");
        const QString desktopPath = requiredEnvironment("IPCPG_DESKTOP_FILE");
        const QHash<QString, QString> entry = readDesktopEntry(desktopPath);
        const Metainfo info = readMetainfo(requiredEnvironment("IPCPG_METAINFO_FILE"));
        QCOMPARE(info.launchable, QFileInfo(desktopPath).fileName());
        QCOMPARE(entry.value(QStringLiteral("Icon")), info.id);
        QCOMPARE(QFileInfo(desktopPath).completeBaseName(), info.id);
        // Exec names the program that is installed, by its file name (it is found in PATH).
        QCOMPARE(entry.value(QStringLiteral("Exec")).section(QLatin1Char(' '), 0, 0),
            QFileInfo(requiredEnvironment("IPCPG_GUI")).fileName());
    }

    void newestReleaseIsTheProjectVersion()
    {
        if (!m_gui)
            QSKIP("built without the GUI: no metainfo file");
        const Metainfo info = readMetainfo(requiredEnvironment("IPCPG_METAINFO_FILE"));
        QVERIFY(!info.releases.isEmpty());
        // A new project(VERSION) needs its release notes in packaging/ipc-playground.metainfo.xml.in.
        QCOMPARE(info.releases.first(), requiredEnvironment("IPCPG_EXPECTED_VERSION"));
    }

    void screenshotsAreTheRepositorysPngs()
    {
        if (!m_gui)
            QSKIP("built without the GUI: no metainfo file");
        const Metainfo info = readMetainfo(requiredEnvironment("IPCPG_METAINFO_FILE"));
        const QString base = requiredEnvironment("IPCPG_SCREENSHOT_URL") + QLatin1Char('/');
        const QDir directory(requiredEnvironment("IPCPG_SCREENSHOT_DIR"));
        QSet<QString> referenced;
        for (const Screenshot& shot : info.screenshots) {
            QVERIFY2(shot.url.startsWith(base), qPrintable(shot.url));
            const QString name = shot.url.mid(base.size());
            referenced.insert(name);
            QImageReader image(directory.filePath(name));
            QVERIFY2(
                image.canRead(), qPrintable(directory.filePath(name) + QStringLiteral(" is not a readable image")));
            QCOMPARE(image.format(), QByteArray("png"));
            QCOMPARE(image.size(), QSize(shot.width, shot.height));
        }
        // Every screenshot of the repository is offered to software centres too.
        const QStringList pngs = directory.entryList({ QStringLiteral("*.png") }, QDir::Files);
        QVERIFY(!pngs.isEmpty());
        for (const QString& png : pngs)
            QVERIFY2(
                referenced.contains(png), qPrintable(png + QStringLiteral(" is not in the metainfo's <screenshots>")));
    }

    void manPagesDocumentEveryCommandAndOption_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QString>("page");
        QTest::newRow("ipcpg") << requiredEnvironment("IPCPG_CLI") << QStringLiteral("ipcpg.1");
        if (m_gui)
            QTest::newRow("ipc-playground") << requiredEnvironment("IPCPG_GUI") << QStringLiteral("ipc-playground.1");
    }

    void manPagesDocumentEveryCommandAndOption()
    {
        QFETCH(QString, program);
        QFETCH(QString, page);
        const QString text = readText(QDir(requiredEnvironment("IPCPG_MAN_DIR")).filePath(page));
        QVERIFY2(!text.isEmpty(), qPrintable(page));
        QProcessEnvironment offscreen = QProcessEnvironment::systemEnvironment();
        offscreen.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));

        const auto top = runProcess(program, { QStringLiteral("--help") }, offscreen);
        QVERIFY2(top.exitCode == 0, qPrintable(top.describe()));
        QStringList options = optionsInHelp(QString::fromUtf8(top.out));
        const QStringList commands = subcommandsInHelp(QString::fromUtf8(top.out));
        for (const QString& command : commands) {
            QVERIFY2(text.contains(QStringLiteral("\n.SS ") + command + QLatin1Char('\n')),
                qPrintable(page + QStringLiteral(" has no \".SS ") + command + QStringLiteral("\" section")));
            const auto help = runProcess(program, { command, QStringLiteral("--help") }, offscreen);
            QVERIFY2(help.exitCode == 0, qPrintable(help.describe()));
            options += optionsInHelp(QString::fromUtf8(help.out));
        }
        QVERIFY2(options.size() >= 3, qPrintable(options.join(QLatin1Char(' '))));
        for (const QString& option : options)
            QVERIFY2(documents(text, option), qPrintable(page + QStringLiteral(" does not document ") + option));
    }

    void manPagesRenderWithoutWarnings_data() { manPagesDocumentEveryCommandAndOption_data(); }

    void manPagesRenderWithoutWarnings()
    {
        QFETCH(QString, page);
        const QString groff = QStandardPaths::findExecutable(QStringLiteral("groff"));
        if (groff.isEmpty())
            QSKIP("groff is not installed");
        // -ww: every warning; -z: format but print nothing.
        const auto output = runProcess(groff,
            { QStringLiteral("-man"), QStringLiteral("-ww"), QStringLiteral("-z"), QStringLiteral("-Tutf8"),
                QDir(requiredEnvironment("IPCPG_MAN_DIR")).filePath(page) });
        QVERIFY2(output.exitCode == 0 && output.err.isEmpty(), qPrintable(output.describe()));
    }
};

QTEST_GUILESS_MAIN(TestMetadata)
#include "tst_metadata.moc"
