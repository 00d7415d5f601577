#pragma once

#include <QList>
#include <QWidget>
#include <optional>
#include <vector>

#include "ipcpg/claims.h"
#include "views/exportableview.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace ipcpg {

class SweepController;

// "What the article says": each claim of the article the project grew from, next to a button that
// runs the measurement testing it on this machine and states, with the numbers, whether it held.
class ClaimsView : public QWidget, public ExportableView {
    Q_OBJECT

public:
    explicit ClaimsView(QWidget* parent = nullptr);

    QWidget* exportedChart() override;
    bool exportData(DataFormat format, const QString& path, QString* error) const override;

    int claimCount() const { return static_cast<int>(m_claims.size()); }
    const Claim& claim(int index) const { return m_claims.at(static_cast<std::size_t>(index)); }
    // Runs the measurement of one claim; the verdict arrives with claimChecked().
    void check(int index);
    // Checks the given claims one after the other (all of them when `ids` is empty); emits
    // allChecked() at the end. Unknown ids are ignored and returned.
    QStringList checkSeveral(const QStringList& ids);
    void cancel();
    bool isChecking() const { return m_current >= 0; }
    QString verdictText(int index) const;
    std::optional<ClaimVerdict> verdict(int index) const { return m_cards.at(index).verdict; }
    // A JSON array of the claims checked so far: id, statement, outcome, summary.
    QByteArray verdictsJson() const;

signals:
    void claimChecked(int index, const ipcpg::ClaimVerdict& verdict);
    void allChecked();

private:
    struct Card {
        QPushButton* button = nullptr;
        QProgressBar* progress = nullptr;
        QLabel* verdictLabel = nullptr;
        std::optional<ClaimVerdict> verdict;
    };
    QWidget* buildIntroduction();
    QWidget* buildCard(int index);
    void finishCheck(bool cancelled);
    void showVerdict(int index, const ClaimVerdict& verdict);

    std::vector<Claim> m_claims;
    QList<Card> m_cards;
    SweepController* m_sweep = nullptr;
    int m_current = -1;
    QList<int> m_queue; // claims waiting to be checked by checkSeveral()
    std::vector<std::optional<RunResult>> m_results;
};

} // namespace ipcpg
