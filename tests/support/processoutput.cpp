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

} // namespace ipcpg::test
