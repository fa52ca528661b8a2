import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ThreeDPProtocol

/// A headless Chromium driven over the W3C WebDriver protocol (what Selenium speaks), straight from the test:
/// JSON over HTTP to chromedriver on loopback, so the test needs no Python and keeps its own async flow.
final class BrowserSession: @unchecked Sendable {
    /// A phone-sized window: the CSS viewport of a common 6-inch phone, at its pixel ratio, with a touch screen.
    struct Phone {
        var width = 390
        var height = 844
        var pixelRatio = 3.0
    }

    private let base: String
    let id: String

    private init(base: String, id: String) {
        self.base = base
        self.id = id
    }

    /// - Parameters:
    ///   - hostRules: Chromium's `--host-resolver-rules`, e.g. `MAP test-board.local 127.0.0.1`, so that the page
    ///     can be opened by a name as on a LAN.
    static func open(driver: ChromeDriver, phone: Phone? = nil, width: Int = 1280, height: Int = 900,
                     hostRules: String? = nil) async throws -> BrowserSession {
        var arguments: [JSONValue] = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                      "--no-first-run", "--disable-extensions", .string("--window-size=\(width),\(height)")]
        if let hostRules { arguments.append(.string("--host-resolver-rules=\(hostRules)")) }
        var options: [String: JSONValue] = ["binary": .string(ChromeDriver.browserPath), "args": .array(arguments)]
        if let phone {
            options["mobileEmulation"] = .object(["deviceMetrics": .object([
                "width": .integer(Int64(phone.width)), "height": .integer(Int64(phone.height)),
                "pixelRatio": .number(phone.pixelRatio), "touch": true, "mobile": true,
            ])])
        }
        let capabilities: JSONValue = .object(["capabilities": .object(["alwaysMatch": .object([
            "browserName": "chrome",
            "goog:chromeOptions": .object(options),
            "goog:loggingPrefs": .object(["browser": "ALL"]),
        ])])])
        let base = "http://127.0.0.1:\(driver.port)"
        let created = try await send(.POST, base + "/session", capabilities, timeout: .seconds(60))
        guard let id = created["sessionId"]?.stringValue else { throw AgentTestError("no WebDriver session: \(created)") }
        let session = BrowserSession(base: base, id: id)
        _ = try await session.command(.POST, "/timeouts", .object(["script": .integer(60_000)]))
        return session
    }

    func close() async {
        _ = try? await command(.DELETE, "", nil)
    }

    func navigate(to url: String) async throws {
        _ = try await command(.POST, "/url", .object(["url": .string(url)]))
    }

    /// The element's WebDriver reference.
    func element(_ selector: String) async throws -> String {
        let found = try await command(.POST, "/element", .object(["using": "css selector", "value": .string(selector)]))
        guard let reference = found["element-6066-11e4-a52e-4f735466cecf"]?.stringValue else {
            throw AgentTestError("no element \(selector): \(found)")
        }
        return reference
    }

    /// A click as a person makes it: WebDriver refuses one on an element that is hidden or covered.
    func click(_ selector: String) async throws {
        _ = try await command(.POST, "/element/\(try await element(selector))/click", .object([:]))
    }

    func type(_ text: String, into selector: String) async throws {
        _ = try await command(.POST, "/element/\(try await element(selector))/value", .object(["text": .string(text)]))
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page and returns what it returns.
    func run(_ script: String, _ args: [JSONValue] = []) async throws -> JSONValue {
        try await command(.POST, "/execute/sync", .object(["script": .string(script), "args": .array(args)]))
    }

    /// Waits in the page until `condition` (an expression) is truthy, re-checking on every change of the page and
    /// at each animation frame; fails after `timeout` with `describe` (an expression) evaluated at that moment.
    func wait(until condition: String, describe: String = "document.body.innerText", timeout: Duration = .seconds(30)) async throws {
        let milliseconds = Int(timeout.components.seconds * 1000)
        let script = """
            const done = arguments[arguments.length - 1];
            const check = () => { try { return Boolean(\(condition)); } catch (error) { return false; } };
            if (check()) return done({ ok: true });
            const observer = new MutationObserver(() => { if (check()) finish(true); });
            const timer = setTimeout(() => finish(false), \(milliseconds));
            let frame = requestAnimationFrame(function tick() { if (check()) finish(true); else frame = requestAnimationFrame(tick); });
            function finish(ok) {
              observer.disconnect(); clearTimeout(timer); cancelAnimationFrame(frame);
              let detail = null;
              if (!ok) { try { detail = String(\(describe)); } catch (error) { detail = String(error); } }
              done({ ok, detail });
            }
            observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
            """
        let result = try await command(.POST, "/execute/async", .object(["script": .string(script), "args": []]))
        guard result["ok"] == true else {
            throw AgentTestError("the page did not reach \(condition) within \(timeout): \(result["detail"]?.stringValue ?? "")")
        }
    }

    /// The page as a PNG.
    func screenshot() async throws -> Data {
        let value = try await command(.GET, "/screenshot", nil)
        guard let text = value.stringValue, let data = Data(base64Encoded: text) else { throw AgentTestError("no screenshot") }
        return data
    }

    /// What the page wrote to the console (and what Chromium logged about it: CSP violations, failed loads) since
    /// the last call: level and message of each entry.
    func consoleLog() async throws -> [(level: String, message: String)] {
        let entries = try await command(.POST, "/se/log", .object(["type": "browser"]))
        return (entries.arrayValue ?? []).map { ($0["level"]?.stringValue ?? "", $0["message"]?.stringValue ?? "") }
    }

    private func command(_ method: HTTPMethod, _ path: String, _ body: JSONValue?) async throws -> JSONValue {
        try await Self.send(method, base + "/session/\(id)" + path, body, timeout: .seconds(90))
    }

    private static func send(_ method: HTTPMethod, _ url: String, _ body: JSONValue?, timeout: TimeAmount) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            var writer = JSONWriter()
            try writer.write(body)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: writer.bytes))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let collected = try await response.body.collect(upTo: 64 << 20)
        let answer = try JSONValue.parse(collected.readableBytesView)
        guard response.status == .ok else {
            throw AgentTestError("WebDriver \(method) \(url): \(answer["value"]?["message"]?.stringValue ?? "HTTP \(response.status.code)")")
        }
        return answer["value"] ?? .null
    }
}
