// The About dialog names the version the build was made from (IPCPG_EXPECTED_VERSION, passed by
// CMake from project(VERSION)), the licence, and shows the app icon from the resources.
#include <QLabel>
#include <QTest>

#include "views/aboutdialog.h"

class TestAboutDialog : public QObject {
    Q_OBJECT

private slots:
    void showsVersionLicenceAndIcon()
    {
        const QString version = qEnvironmentVariable("IPCPG_EXPECTED_VERSION");
        QVERIFY2(!version.isEmpty(), "IPCPG_EXPECTED_VERSION is not set; run through ctest");
        ipcpg::AboutDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QString text;
        bool iconShown = false;
        for (const QLabel* label : dialog.findChildren<QLabel*>()) {
            text += label->text();
            const QPixmap pixmap = label->pixmap();
            // The icon is an SVG: a null pixmap would mean the SVG icon engine is missing.
            iconShown = iconShown || (!pixmap.isNull() && pixmap.width() >= 64);
        }
        QVERIFY2(text.contains(QStringLiteral("IPC Playground ") + version), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("MIT licence")), qPrintable(text));
        QVERIFY(iconShown);
    }
};

QTEST_MAIN(TestAboutDialog)
#include "tst_aboutdialog.moc"
