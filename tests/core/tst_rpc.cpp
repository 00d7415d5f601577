// The rpc layer on its own: the wire format (every type round trips; truncated, corrupted and
// random input is refused without reading outside the message) and the call path through a real
// socket pair (results come back, every kind of remote error comes back as an error reply).
#include <QTest>
#include <random>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>

#include "rpc/client.h"
#include "rpc/connection.h"
#include "rpc/dispatcher.h"
#include "rpc/wire.h"
#include "sys/uniquefd.h"

using namespace ipcpg;
using namespace ipcpg::rpc;

Q_DECLARE_METATYPE(ipcpg::rpc::Value)

namespace {

const std::string kText = "grüße, rpc";
const std::vector<std::byte> kBlob = [] {
    std::vector<std::byte> bytes(1000);
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::byte>(i * 7 + 3);
    return bytes;
}();

std::vector<std::byte> encoded(Kind kind, std::uint64_t callId, std::string_view name, std::span<const Value> values)
{
    std::vector<std::byte> out;
    encode(out, kind, callId, name, values);
    return out;
}

std::span<const std::byte> bodyOf(const std::vector<std::byte>& message)
{
    return std::span(message).subspan(kPrefixBytes);
}

bool sameValue(const Value& a, const Value& b)
{
    if (a.index() != b.index())
        return false;
    return std::visit(
        [&](const auto& left) {
            using T = std::decay_t<decltype(left)>;
            const T& right = std::get<T>(b);
            if constexpr (std::is_same_v<T, Bytes>)
                return std::equal(left.begin(), left.end(), right.begin(), right.end());
            else
                return left == right;
        },
        a);
}

// Every view a decoded message holds must lie inside the bytes it was decoded from.
bool viewsInside(const Message& message, std::span<const std::byte> body)
{
    const auto* begin = reinterpret_cast<const char*>(body.data());
    const auto* end = begin + body.size();
    const auto inside = [&](const char* p, std::size_t n) { return n == 0 || (p >= begin && p + n <= end); };
    if (!inside(message.procedure.data(), message.procedure.size()))
        return false;
    for (const Value& value : message.values.span()) {
        if (const auto* text = std::get_if<std::string_view>(&value); text && !inside(text->data(), text->size()))
            return false;
        if (const auto* bytes = std::get_if<Bytes>(&value);
            bytes && !inside(reinterpret_cast<const char*>(bytes->data()), bytes->size()))
            return false;
    }
    return true;
}

// A dispatcher serving one end of a socket pair on its own thread, as a server process would.
class Server {
public:
    explicit Server(int fd)
        : m_fd(fd)
        , m_connection(fd, 4 << 20)
    {
        m_dispatcher.add("echo", { Type::Bytes }, [](const Message& call, ValueList& results) {
            results.push(call.values[0]);
            return Dispatcher::Answer::Now;
        });
        m_dispatcher.add("add", { Type::Int64, Type::Int64 }, [](const Message& call, ValueList& results) {
            results.push(std::get<std::int64_t>(call.values[0]) + std::get<std::int64_t>(call.values[1]));
            return Dispatcher::Answer::Now;
        });
        m_dispatcher.add(
            "describe", { Type::String, Type::Float64, Type::Bool }, [](const Message& call, ValueList& results) {
                results.push(std::get<std::string_view>(call.values[0]));
                results.push(std::get<double>(call.values[1]) * 2);
                results.push(!std::get<bool>(call.values[2]));
                return Dispatcher::Answer::Now;
            });
        m_dispatcher.add("fail", {},
            [](const Message&, ValueList&) -> Dispatcher::Answer { throw std::runtime_error("the disk is on fire"); });
        m_thread = std::thread([this] {
            try {
                while (m_dispatcher.serveOne(m_connection) != Dispatcher::Outcome::Closed) { }
            } catch (const std::exception& error) {
                m_failure = error.what();
            }
        });
    }
    // Ends the serving thread by shutting its socket down, as a client closing would.
    ~Server()
    {
        shutdown(m_fd, SHUT_RDWR);
        join();
    }
    void join()
    {
        if (m_thread.joinable())
            m_thread.join();
    }
    const std::string& failure() const { return m_failure; }

private:
    int m_fd;
    Connection m_connection;
    Dispatcher m_dispatcher;
    std::thread m_thread;
    std::string m_failure;
};

struct SocketPair {
    SocketPair()
    {
        int fds[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
            throw std::runtime_error("socketpair failed");
        client.reset(fds[0]);
        server.reset(fds[1]);
    }
    UniqueFd client;
    UniqueFd server;
};

} // namespace

class TestRpc : public QObject {
    Q_OBJECT

private slots:
    void everyTypeRoundTrips_data()
    {
        QTest::addColumn<Value>("value");
        QTest::newRow("int64 min") << Value(std::numeric_limits<std::int64_t>::min());
        QTest::newRow("int64 -1") << Value(std::int64_t { -1 });
        QTest::newRow("int64 max") << Value(std::numeric_limits<std::int64_t>::max());
        QTest::newRow("float64") << Value(-1234.5e-67);
        QTest::newRow("float64 infinity") << Value(std::numeric_limits<double>::infinity());
        QTest::newRow("bool true") << Value(true);
        QTest::newRow("bool false") << Value(false);
        QTest::newRow("string") << Value(std::string_view(kText));
        QTest::newRow("empty string") << Value(std::string_view());
        QTest::newRow("bytes") << Value(Bytes(kBlob));
        QTest::newRow("empty bytes") << Value(Bytes());
    }

    void everyTypeRoundTrips()
    {
        QFETCH(Value, value);
        for (const Kind kind : { Kind::Call, Kind::Reply }) {
            const std::string_view name = kind == Kind::Call ? "procedure" : "";
            const Value values[] = { value, std::int64_t { 42 }, value };
            const auto message = encoded(kind, 0xFEEDFACECAFEBEEFULL, name, values);
            Message decoded;
            QCOMPARE(decode(bodyOf(message), decoded), std::string_view());
            QCOMPARE(decoded.kind, kind);
            QCOMPARE(decoded.callId, 0xFEEDFACECAFEBEEFULL);
            QCOMPARE(decoded.procedure, name);
            QCOMPARE(decoded.values.size(), std::size_t { 3 });
            for (std::size_t i = 0; i < 3; ++i)
                QVERIFY2(sameValue(decoded.values[i], values[i]), qPrintable(QString::number(i)));
            QVERIFY(viewsInside(decoded, bodyOf(message)));
        }
    }

    void allTypesInOneCallAndTheLengthPrefix()
    {
        const Value values[] = { std::int64_t { 7 }, 2.5, true, std::string_view(kText), Bytes(kBlob) };
        const auto message = encoded(Kind::Call, 1, "all", values);
        std::uint32_t length = 0;
        std::memcpy(&length, message.data(), sizeof length);
        QCOMPARE(std::size_t { length }, message.size() - kPrefixBytes);
        QCOMPARE(
            std::size_t { length }, kHeaderBytes + 3 + 5 * kDescriptorBytes + 8 + 8 + 1 + kText.size() + kBlob.size());
        Message decoded;
        QCOMPARE(decode(bodyOf(message), decoded), std::string_view());
        for (std::size_t i = 0; i < std::size(values); ++i)
            QVERIFY(sameValue(decoded.values[i], values[i]));
    }

    void detachedBytesFollowTheEncodedPart()
    {
        const Value values[] = { std::int64_t { 5 }, Bytes(kBlob) };
        std::vector<std::byte> head;
        encode(head, Kind::Call, 9, "echo", values, true);
        QCOMPARE(head.size(), kPrefixBytes + kHeaderBytes + 4 + 2 * kDescriptorBytes + 8);
        std::vector<std::byte> whole = head;
        whole.insert(whole.end(), kBlob.begin(), kBlob.end());
        QCOMPARE(whole, encoded(Kind::Call, 9, "echo", values));
        QVERIFY_THROWS_EXCEPTION(Error, encode(head, Kind::Call, 9, "echo", std::span(values, 1), true));
    }

    void encodingRefusesWhatTheFormatCannotCarry()
    {
        std::vector<std::byte> out;
        const std::vector<Value> nine(9, Value(true));
        QVERIFY_THROWS_EXCEPTION(Error, encode(out, Kind::Call, 1, "x", nine));
        QVERIFY_THROWS_EXCEPTION(Error, encode(out, Kind::Call, 1, std::string(256, 'n'), {}));
    }

    void everyTruncationIsRefused()
    {
        const Value values[] = { std::int64_t { 7 }, 2.5, true, std::string_view(kText), Bytes(kBlob) };
        const auto message = encoded(Kind::Call, 3, "truncated", values);
        const auto body = bodyOf(message);
        for (std::size_t length = 0; length < body.size(); ++length) {
            // A copy of exactly `length` bytes, so a read past it would be a heap overflow (ASan).
            const std::vector<std::byte> cut(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(length));
            Message decoded;
            QVERIFY2(!decode(cut, decoded).empty(),
                qPrintable(QStringLiteral("accepted %1 of %2 bytes").arg(length).arg(body.size())));
        }
    }

    void corruptedFieldsAreNamed_data()
    {
        QTest::addColumn<int>("offset");
        QTest::addColumn<int>("value");
        QTest::addColumn<QString>("mentions");
        // Offsets into the body of: call "add" (int64 2, bool true).
        const int signature = static_cast<int>(kHeaderBytes) + 3;
        const int data = signature + 2 * static_cast<int>(kDescriptorBytes);
        QTest::newRow("kind") << 0 << 9 << "kind";
        QTest::newRow("value count") << 1 << 200 << "more values";
        QTest::newRow("reserved") << 5 << 1 << "reserved";
        QTest::newRow("name length") << 2 << 0 << "names no procedure";
        QTest::newRow("reply with a name") << 0 << int(Kind::Reply) << "names a procedure";
        QTest::newRow("type") << signature << 77 << "unknown value type";
        QTest::newRow("padding") << signature + 1 << 1 << "padding";
        QTest::newRow("int64 length") << signature + 4 << 7 << "int64";
        QTest::newRow("value length") << signature + 7 << 0x7f << "past the end";
        QTest::newRow("bool value") << data + 8 << 2 << "neither 0 nor 1";
        QTest::newRow("error reply with a name") << 0 << int(Kind::Error) << "names a procedure";
    }

    void corruptedFieldsAreNamed()
    {
        QFETCH(int, offset);
        QFETCH(int, value);
        QFETCH(QString, mentions);
        const Value values[] = { std::int64_t { 2 }, true };
        auto message = encoded(Kind::Call, 1, "add", values);
        message[kPrefixBytes + static_cast<std::size_t>(offset)] = static_cast<std::byte>(value);
        Message decoded;
        const std::string_view error = decode(bodyOf(message), decoded);
        QVERIFY2(QString::fromUtf8(error.data(), static_cast<int>(error.size())).contains(mentions),
            std::string(error).c_str());
    }

    void leftoverBytesAndBadErrorRepliesAreRefused()
    {
        auto message = encoded(Kind::Reply, 1, "", std::vector<Value> { std::int64_t { 1 } });
        message.push_back(std::byte { 0 });
        Message decoded;
        QVERIFY(decode(bodyOf(message), decoded).find("left over") != std::string_view::npos);
        const auto error = encoded(Kind::Error, 1, "", std::vector<Value> { std::string_view("no code") });
        QVERIFY(decode(bodyOf(error), decoded).find("error reply") != std::string_view::npos);
    }

    void randomAndBitFlippedInputNeverEscapesTheMessage()
    {
        std::mt19937_64 random(20240611);
        Message decoded;
        int accepted = 0;
        for (int round = 0; round < 20000; ++round) {
            std::vector<std::byte> garbage(random() % 200);
            for (std::byte& b : garbage)
                b = static_cast<std::byte>(random());
            if (decode(garbage, decoded).empty()) {
                ++accepted;
                QVERIFY(viewsInside(decoded, garbage));
            }
        }
        QVERIFY(accepted < 20); // garbage almost never looks like a message
        const Value values[] = { std::int64_t { 7 }, std::string_view(kText), Bytes(kBlob) };
        const auto message = encoded(Kind::Call, 3, "flip", values);
        for (int round = 0; round < 5000; ++round) {
            std::vector<std::byte> flipped(message.begin() + kPrefixBytes, message.end());
            flipped[random() % flipped.size()] ^= static_cast<std::byte>(1U << (random() % 8));
            if (decode(flipped, decoded).empty())
                QVERIFY(viewsInside(decoded, flipped));
        }
    }

    void callsReturnTheirResults()
    {
        SocketPair sockets;
        Server server(sockets.server.get());
        Connection connection(sockets.client.get(), 4 << 20);
        Client client(connection);
        QCOMPARE(client.add(40, 2), std::int64_t { 42 });
        QCOMPARE(client.add(-5, 3), std::int64_t { -2 });
        const std::vector<std::byte> big(1 << 20, std::byte { 0x5A });
        const Bytes echoed = client.echo(big);
        QVERIFY(std::equal(echoed.begin(), echoed.end(), big.begin(), big.end()));
        const Value arguments[] = { std::string_view("typed"), 1.25, false };
        const Message& reply = client.call("describe", arguments);
        QCOMPARE(reply.values.size(), std::size_t { 3 });
        QCOMPARE(std::get<std::string_view>(reply.values[0]), std::string_view("typed"));
        QCOMPARE(std::get<double>(reply.values[1]), 2.5);
        QCOMPARE(std::get<bool>(reply.values[2]), true);
        sockets.client.reset();
        server.join();
        QCOMPARE(server.failure(), std::string());
    }

    void pipelinedRepliesComeBackInCallOrder()
    {
        SocketPair sockets;
        Server server(sockets.server.get());
        Connection connection(sockets.client.get(), 4 << 20);
        Client client(connection);
        std::vector<std::uint64_t> ids;
        for (std::int64_t i = 0; i < 100; ++i) {
            const Value arguments[] = { i, i };
            ids.push_back(client.post("add", arguments));
        }
        for (std::int64_t i = 0; i < 100; ++i) {
            const Message* reply = client.nextReply();
            QVERIFY(reply);
            QCOMPARE(reply->callId, ids[static_cast<std::size_t>(i)]);
            QCOMPARE(std::get<std::int64_t>(reply->values[0]), 2 * i);
        }
    }

    void remoteErrorsComeBackAsErrorReplies_data()
    {
        QTest::addColumn<QString>("procedure");
        QTest::addColumn<int>("arguments");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown procedure")
            << "launch" << 0 << int(ErrorCode::UnknownProcedure) << "no procedure named \"launch\"";
        QTest::newRow("wrong argument types")
            << "add" << 1 << int(ErrorCode::BadArguments) << "add takes (int64, int64), not (bytes)";
        QTest::newRow("missing argument")
            << "echo" << 0 << int(ErrorCode::BadArguments) << "echo takes (bytes), not ()";
        QTest::newRow("procedure throws") << "fail" << 0 << int(ErrorCode::ProcedureFailed) << "the disk is on fire";
    }

    void remoteErrorsComeBackAsErrorReplies()
    {
        QFETCH(QString, procedure);
        QFETCH(int, arguments);
        QFETCH(int, code);
        QFETCH(QString, mentions);
        SocketPair sockets;
        Server server(sockets.server.get());
        Connection connection(sockets.client.get(), 4 << 20);
        Client client(connection);
        const Value blob = Bytes(kBlob);
        try {
            client.call(procedure.toStdString(), std::span(&blob, static_cast<std::size_t>(arguments)));
            QFAIL("the call succeeded");
        } catch (const RemoteError& error) {
            QCOMPARE(int(error.code()), code);
            QVERIFY2(QString::fromUtf8(error.what()).contains(mentions), error.what());
        }
        // The connection is still usable after an error reply.
        QCOMPARE(client.add(1, 1), std::int64_t { 2 });
    }

    void malformedCallsGetAnErrorReplyAndOversizedOnesCloseTheStream()
    {
        SocketPair sockets;
        Server server(sockets.server.get());
        Connection connection(sockets.client.get(), 4 << 20);
        Client client(connection);
        // Well framed, garbage inside: the server answers MalformedCall and carries on.
        std::vector<std::byte> garbage(4 + 40, std::byte { 0xEE });
        const std::uint32_t length = 40;
        std::memcpy(garbage.data(), &length, sizeof length);
        QVERIFY(connection.send(garbage));
        const Message* reply = client.nextReply();
        QVERIFY(reply);
        QCOMPARE(reply->kind, Kind::Error);
        QCOMPARE(std::get<std::int64_t>(reply->values[0]), std::int64_t(ErrorCode::MalformedCall));
        QCOMPARE(client.add(2, 2), std::int64_t { 4 });
        // A length beyond the server's limit: the stream cannot be resynchronised, the server
        // stops with an error and closes instead of trying to read 4 GiB.
        const std::uint32_t huge = 0xFFFFFFF0;
        std::vector<std::byte> announce(4);
        std::memcpy(announce.data(), &huge, sizeof huge);
        QVERIFY(connection.send(announce));
        server.join();
        QVERIFY2(
            QString::fromStdString(server.failure()).contains(QStringLiteral("at most")), server.failure().c_str());
    }

    void aServerThatGoesAwayEndsTheCallWithAnError()
    {
        SocketPair sockets;
        Connection connection(sockets.client.get(), 1 << 16);
        Client client(connection);
        sockets.server.reset();
        QVERIFY_THROWS_EXCEPTION(Error, client.add(1, 2));
    }
};

QTEST_GUILESS_MAIN(TestRpc)
#include "tst_rpc.moc"
