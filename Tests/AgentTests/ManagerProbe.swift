import Endpoint
import Foundation
import ThreeDPProtocol

/// A Manager's requests timed under load, on raw sockets from 127.0.0.1 (the flood comes from other loopback
/// addresses): `printer.status` on its authenticated WebSocket, and over HTTP on a fresh connection, which has to
/// get through the agent's accept and admission like everyone else's.
final class ManagerProbe: @unchecked Sendable {
    let port: Int
    let token: String
    private let socket: RawConnection
    private var sequence = 0

    /// Opens and authenticates the WebSocket.
    init(port: Int, token: String) throws {
        self.port = port
        self.token = token
        socket = try RawConnection(port: port)
        guard RawWebSocket.open(socket, port: port).upgraded else { throw AgentTestError("the probe's WebSocket was refused") }
        guard Self.answer(on: socket, id: "auth", method: "session.authenticate", params: ["accessToken": .string(token)],
                          timeout: .seconds(5))?["result"] != nil else {
            throw AgentTestError("the probe's WebSocket did not authenticate")
        }
    }

    private static func answer(on socket: RawConnection, id: String, method: String, params: [String: JSONValue],
                               timeout: Duration) -> JSONValue? {
        guard let request = try? JSONRPCRequest(id: id, method: method, params: params).encoded() else { return nil }
        socket.send(RawWebSocket.frame(opcode: 1, request))
        let (bytes, _) = socket.receive(until: { bytes in
            RawWebSocket.texts(in: bytes).contains { (try? JSONValue.parse(Array($0.utf8)))?["id"]?.stringValue == id }
        }, timeout: timeout)
        return RawWebSocket.texts(in: bytes).lazy.compactMap { try? JSONValue.parse(Array($0.utf8)) }
            .first { $0["id"]?.stringValue == id }
    }

    /// How long `printer.status` took on the WebSocket; nil when no answer came within `timeout`.
    func overWebSocket(timeout: Duration = .seconds(5)) -> Duration? {
        sequence += 1
        let start = ContinuousClock.now
        let answer = Self.answer(on: socket, id: "probe-\(sequence)", method: "printer.status", params: ["serviceId": "vp1"],
                                 timeout: timeout)
        return answer?["result"] == nil ? nil : ContinuousClock.now - start
    }

    /// How long the last `overHTTP` took to connect (the TCP handshake, which the kernel completes from its
    /// listen queue): tells a slow accept from a slow answer.
    private(set) var lastConnect: Duration = .zero

    /// How long `printer.status` took over HTTP on a new connection, connect included; nil without an answer.
    func overHTTP(timeout: Duration = .seconds(5)) -> Duration? {
        let start = ContinuousClock.now
        let connected = try? RawConnection(port: port, timeout: timeout)
        lastConnect = ContinuousClock.now - start
        guard let connection = connected,
              let body = try? JSONRPCRequest(id: "h", method: "printer.status", params: ["serviceId": "vp1"]).encoded() else { return nil }
        connection.send("POST /3dp/v1/rpc HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer \(token)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n\r\n")
        connection.send(body)
        let left = timeout - (ContinuousClock.now - start)
        let (bytes, _) = connection.receive(until: { String(decoding: $0, as: UTF8.self).contains(#""measuredAt""#) }, timeout: left)
        let text = String(decoding: bytes, as: UTF8.self)
        return text.hasPrefix("HTTP/1.1 200") && text.contains(#""measuredAt""#) ? ContinuousClock.now - start : nil
    }
}
