#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "ipcpg/histogram.h"

using ipcpg::HistogramLayout;
using ipcpg::LatencyHistogram;

class TestHistogram : public QObject {
    Q_OBJECT

private:
    // The exact percentile by the same definition the histogram uses: the smallest sample with at
    // least p% of the samples at or below it.
    static std::uint64_t exactPercentile(std::vector<std::uint64_t> sorted, double p)
    {
        const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(p / 100.0 * sorted.size())));
        return sorted[rank - 1];
    }

private slots:
    void bucketsCoverTheRangeContiguously()
    {
        for (int b = 1; b < HistogramLayout::kBucketCount; ++b) {
            QCOMPARE(
                HistogramLayout::lowerBound(b), HistogramLayout::lowerBound(b - 1) + HistogramLayout::width(b - 1));
            QCOMPARE(HistogramLayout::bucketOf(HistogramLayout::lowerBound(b)), b);
            QCOMPARE(HistogramLayout::bucketOf(HistogramLayout::lowerBound(b) - 1), b - 1);
        }
        // 100 s must still be below the last bucket's upper end.
        QVERIFY(HistogramLayout::lowerBound(HistogramLayout::kBucketCount - 1) > 100'000'000'000ULL);
    }

    void representativeWithinOnePercentFrom10nsTo100s()
    {
        // Every value from 10 ns to 100 s, sampled geometrically, is represented within 1%.
        for (double v = 10.0; v <= 1e11; v *= 1.0037) {
            const auto value = static_cast<std::uint64_t>(v);
            const auto estimate = HistogramLayout::representative(HistogramLayout::bucketOf(value));
            const double error
                = std::fabs(static_cast<double>(estimate) - static_cast<double>(value)) / static_cast<double>(value);
            QVERIFY2(error <= 0.01,
                qPrintable(QStringLiteral("value %1 -> %2 (error %3)").arg(value).arg(estimate).arg(error)));
        }
    }

    void percentilesMatchExactPercentiles_data()
    {
        QTest::addColumn<int>("distribution");
        QTest::addColumn<int>("samples");
        QTest::newRow("log-uniform 10ns..100s") << 0 << 200000;
        QTest::newRow("normal around 5us") << 1 << 100000;
        QTest::newRow("bimodal 4us / 45us") << 2 << 100000;
        QTest::newRow("few samples") << 0 << 7;
    }

    void percentilesMatchExactPercentiles()
    {
        QFETCH(int, distribution);
        QFETCH(int, samples);
        std::mt19937_64 random(1234 + distribution);
        std::uniform_real_distribution<double> exponent(1.0, 11.0);
        std::normal_distribution<double> normal(5000.0, 800.0);
        std::bernoulli_distribution fast(0.7);
        std::vector<std::uint64_t> values;
        LatencyHistogram histogram;
        for (int i = 0; i < samples; ++i) {
            double v = 0;
            if (distribution == 0)
                v = std::pow(10.0, exponent(random));
            else if (distribution == 1)
                v = std::max(10.0, normal(random));
            else
                v = fast(random) ? 4000.0 + normal(random) / 10 : 45000.0 + normal(random);
            const auto value = static_cast<std::uint64_t>(v);
            values.push_back(value);
            histogram.record(value);
        }
        std::sort(values.begin(), values.end());
        QCOMPARE(histogram.count(), static_cast<std::uint64_t>(samples));
        QCOMPARE(histogram.min(), values.front());
        QCOMPARE(histogram.max(), values.back());
        for (double p : { 1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99 }) {
            const double exact = static_cast<double>(exactPercentile(values, p));
            const double estimate = static_cast<double>(histogram.percentile(p));
            QVERIFY2(std::fabs(estimate - exact) <= 0.01 * exact,
                qPrintable(QStringLiteral("p%1: exact %2, histogram %3").arg(p).arg(exact).arg(estimate)));
        }
    }

    void mergeEqualsRecordingEverything()
    {
        LatencyHistogram a, b, all;
        for (std::uint64_t v = 10; v < 1'000'000; v = v * 3 / 2 + 7) {
            (v % 2 ? a : b).record(v);
            all.record(v);
        }
        a.merge(b);
        QCOMPARE(a.count(), all.count());
        QCOMPARE(a.min(), all.min());
        QCOMPARE(a.max(), all.max());
        QCOMPARE(a.sum(), all.sum());
        for (double p : { 50.0, 99.0, 99.9 })
            QCOMPARE(a.percentile(p), all.percentile(p));
    }

    void compactFormRoundTrips()
    {
        LatencyHistogram original;
        for (std::uint64_t v : { 15ULL, 4700ULL, 4710ULL, 52000ULL, 3'000'000ULL })
            original.recordMany(v, v % 7 + 1);
        LatencyHistogram copy;
        QCOMPARE(copy.addBuckets(original.nonEmptyBuckets()), std::size_t { 0 });
        copy.setExtremes(original.min(), original.max(), original.sum());
        QCOMPARE(copy.count(), original.count());
        QCOMPARE(copy.percentile(50), original.percentile(50));
        QCOMPARE(copy.percentile(99), original.percentile(99));
        QCOMPARE(copy.mean(), original.mean());
    }

    void malformedBucketsAreRejectedNotWritten()
    {
        LatencyHistogram histogram;
        const std::size_t rejected = histogram.addBuckets({ { 5000, 3 }, { 0xFFFFFFFFU, 1 }, { 10, 2 } });
        QCOMPARE(rejected, std::size_t { 2 });
        QCOMPARE(histogram.count(), std::uint64_t { 2 });
    }

    void emptyHistogramAnswersZero()
    {
        LatencyHistogram histogram;
        QCOMPARE(histogram.percentile(50), std::uint64_t { 0 });
        QCOMPARE(histogram.min(), std::uint64_t { 0 });
        QCOMPARE(histogram.mean(), 0.0);
    }
};

QTEST_APPLESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
