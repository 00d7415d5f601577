#include "processoutput.h"

#include <QProcess>

namespace ipcpg::test {

QString ProcessOutput::describe() const
{
    return command + QStringLiteral(": exit ") + QString::number(exitCode) + QLatin1Char('\n')
        + QString::fromLocal8Bit(err);
}

ProcessOutput runProcess(const QString& program, const QStringList& arguments, const QProcessEnvironment& environment,
    int timeoutMs, const QString& workingDirectory)
{
    ProcessOutput output;
    output.command = (QStringList { program } + arguments).join(QLatin1Char(' '));
    QProcess process;
    process.setProcessEnvironment(environment);
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    process.start(program, arguments);
    if (!process.waitForStarted()) {
        output.err = process.errorString().toLocal8Bit();
        return output;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        output.err = "timed out after " + QByteArray::number(timeoutMs) + " ms\n" + process.readAllStandardError();
        return output;
    }
    output.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    output.out = process.readAllStandardOutput();
    output.err = process.readAllStandardError();
    return output;
}

QString usageRefusalProblem(const ProcessOutput& output, const QStringList& mentions)
{
    if (output.exitCode != 2)
        return QStringLiteral("expected exit status 2: ") + output.describe();
    if (!output.out.isEmpty())
        return QStringLiteral("a refusal printed on stdout: ") + QString::fromLocal8Bit(output.out);
    const QString error = QString::fromLocal8Bit(output.err).trimmed();
    if (error.contains(QLatin1Char('\n')))
        return QStringLiteral("the refusal is more than one line: ") + error;
    for (const QString& mention : mentions) {
        if (!error.contains(mention))
            return QStringLiteral("the refusal does not mention \"%1\": %2").arg(mention, error);
    }
    return {};
}

} // namespace ipcpg::test
