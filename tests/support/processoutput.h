#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace ipcpg::test {

// What a finished child process left: its exit code (-1 if it crashed, could not start or ran
// past the timeout, and was killed) and everything it wrote.
struct ProcessOutput {
    QString command; // program and arguments, joined by spaces
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    // "<command>: exit N" and the standard error, for failure messages.
    QString describe() const;
};

// What is wrong with `output` as a refused command line: it must exit 2, print nothing on stdout
// and one line on stderr that mentions every text in `mentions`. Empty when all of that holds.
QString usageRefusalProblem(const ProcessOutput& output, const QStringList& mentions);

// Runs `program` to completion with `environment` (the test's own by default), in
// `workingDirectory` if one is given.
ProcessOutput runProcess(const QString& program, const QStringList& arguments,
    const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment(), int timeoutMs = 60000,
    const QString& workingDirectory = {});

} // namespace ipcpg::test
