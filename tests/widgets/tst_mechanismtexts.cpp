// Every registered mechanism has the text the app shows beside its charts
// (resources/mechanisms/<id>.md, compiled in): a new mechanism cannot ship without one.
#include <QTest>

#include "ipcpg/mechanismregistry.h"
#include "support/mechanismtexts.h"

class TestMechanismTexts : public QObject {
    Q_OBJECT

private slots:
    void everyMechanismHasItsText_data()
    {
        QTest::addColumn<QString>("id");
        for (const std::string& id : ipcpg::MechanismRegistry::instance().ids())
            QTest::newRow(id.c_str()) << QString::fromStdString(id);
    }

    void everyMechanismHasItsText()
    {
        QFETCH(QString, id);
        const QString text = ipcpg::mechanismText(id);
        QVERIFY2(!text.isEmpty(), qPrintable(QStringLiteral("no resources/mechanisms/%1.md in the resources").arg(id)));
        QVERIFY2(text.startsWith(QStringLiteral("### ")), qPrintable(text.left(80)));
        QVERIFY2(text.contains(QStringLiteral("**What to look for:**")), qPrintable(id));
    }
};

QTEST_GUILESS_MAIN(TestMechanismTexts)
#include "tst_mechanismtexts.moc"
