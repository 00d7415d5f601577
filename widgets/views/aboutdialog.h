#pragma once

#include <QDialog>

namespace ipcpg {

// Version, licence and what the program is, in one small window.
class AboutDialog : public QDialog {
    Q_OBJECT

public:
    explicit AboutDialog(QWidget* parent = nullptr);
};

} // namespace ipcpg
