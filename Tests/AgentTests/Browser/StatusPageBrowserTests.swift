import ContentServer
import Endpoint
import Foundation
import Testing
import ThreeDPProtocol

/// The status page in a real headless Chromium (Debian's `chromium` and `chromium-driver`): it pairs with the code
/// on the printer's display, follows a print from the virtual printer until its progress and temperatures move,
/// pauses, resumes and stops it, on a desktop window by address and on a phone-sized one by name, with no console
/// error, in under 100 KB. The screenshots are kept in `.build/test-artifacts/` (or `$TEST_ARTIFACTS`).
@Suite(.serialized, .timeLimit(.minutes(3))) struct StatusPageBrowserTests {
    static let artifacts: URL = {
        if let directory = ProcessInfo.processInfo.environment["TEST_ARTIFACTS"] { return URL(fileURLWithPath: directory) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/test-artifacts")
    }()

    static func save(_ png: Data, as name: String) throws {
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let file = artifacts.appendingPathComponent(name)
        try png.write(to: file)
        print("status page screenshot: \(file.path) (\(png.count) bytes)")
    }

    static func requireBrowser() throws {
        guard ChromeDriver.isInstalled else {
            try Test.cancel("chromium and chromedriver are not installed here (apt-get install chromium chromium-driver): this test needs them")
        }
    }

    static func card(_ field: String) -> String { "document.querySelector('.printer [data-field=\"\(field)\"]')" }

    static func text(_ browser: BrowserSession, _ field: String) async throws -> String {
        try await browser.run("return \(card(field)).textContent;").stringValue ?? ""
    }

    /// Pairs the page as a person does: asks for a code, reads it off the printer's display, types it.
    static func pair(_ browser: BrowserSession, agent: AgentUnderTest, wrongCodeFirst: Bool = false) async throws {
        try await browser.wait(until: "!document.getElementById('pairing').hidden")
        try await browser.click("#pair-begin")
        try await browser.wait(until: "/on the display of Virtual Marlin/.test(document.getElementById('pair-message').textContent)",
                               describe: "document.getElementById('pair-message').textContent")
        let display = try #require(agent.printer.displayMessage)
        #expect(display.hasPrefix("Pairing code "))
        let code = String(display.suffix(6))
        if wrongCodeFirst {
            let wrong = code == "000000" ? "111111" : "000000"
            try await browser.type(wrong, into: "#pair-code")
            try await browser.click("#pair-complete")
            try await browser.wait(until: "/Wrong code: 4 more/.test(document.getElementById('pair-message').textContent)",
                                   describe: "document.getElementById('pair-message').textContent")
            _ = try await browser.run("document.getElementById('pair-code').value = '';")
        }
        try await browser.type(code, into: "#pair-code")
        try await browser.click("#pair-complete")
        try await browser.wait(until: "document.body.classList.contains('paired') && document.getElementById('connection').dataset.state === 'online'",
                               describe: "document.getElementById('connection').textContent + ' / ' + document.getElementById('pair-message').textContent")
        #expect(try await browser.run("return localStorage.getItem('3dp-agent.accessToken');").stringValue?.hasPrefix("3dp_") == true)
    }

    static func expectNoConsoleErrors(_ browser: BrowserSession, _ where_: String) async throws {
        let entries = try await browser.consoleLog()
        let errors = entries.filter { $0.level == "SEVERE" || $0.level == "ERROR" }
        #expect(errors.isEmpty, "console errors on the \(where_) page: \(errors.map(\.message))")
    }

    @Test func aBrowserPairsFollowsAPrintAndPausesResumesAndStopsIt() async throws {
        try Self.requireBrowser()
        let gcode = StatusPageFixtures.gcode(moves: 1500)
        try await StatusPageFixtures.withAgentAndContent(["part.gcode": gcode, "second.gcode": StatusPageFixtures.gcode(moves: 50)],
                                                         moveTimeScale: 6) { agent, server in
            try await ChromeDriver.with { driver in
                let browser = try await BrowserSession.open(driver: driver)
                do {
                    try await Self.desktop(browser, agent: agent, server: server)
                } catch {
                    await browser.close()
                    throw error
                }
                await browser.close()
            }
        }
    }

    static func desktop(_ browser: BrowserSession, agent: AgentUnderTest, server: RunningContentServer) async throws {
        try await browser.navigate(to: agent.baseURL + "/")
        // The console check below can fail: an error the page writes is seen (and reading the log clears it).
        _ = try await browser.run("console.error('probe of the console log');")
        #expect(try await browser.consoleLog().contains { $0.level == "SEVERE" && $0.message.contains("probe of the console log") })
        // Unpaired: the printer as service.discover shows it, and the pairing panel; nothing else.
        try await browser.wait(until: "\(card("state")) && \(card("state")).textContent === 'idle'")
        #expect(try await text(browser, "name").isEmpty == false)
        #expect(try await browser.run("return document.querySelector('.printer .paired-only').offsetParent === null;") == true)
        try await save(try await browser.screenshot(), as: "status-page-unpaired.png")

        // Everything the page loaded, as the browser counts it (headers included).
        let transferred = try await browser.run("""
            return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
              .reduce((sum, entry) => sum + entry.transferSize, 0);
            """).intValue ?? 0
        print("status page: \(transferred) bytes transferred for the page and its files")
        #expect(transferred > 0 && transferred < 100_000)

        try await pair(browser, agent: agent, wrongCodeFirst: true)
        // Paired: temperatures and their plot.
        try await browser.wait(until: "/°C/.test(\(card("nozzle")).textContent) && /°C/.test(\(card("bed")).textContent)")

        // The nozzle before the job heats it (the file starts with M104 S210 and waits for nothing).
        let cold = try await text(browser, "nozzle")
        let started = try await PrintStartTests.start(agent, server, contentId: "part.gcode")
        let jobId = try #require(started["job"]?["jobId"]?.stringValue)
        _ = try await PrintStartTests.start(agent, server, contentId: "second.gcode")
        try await browser.wait(until: "\(card("state")).textContent === 'printing' && \(card("job-state")).dataset.state === 'printing'",
                               describe: "\(card("state")).textContent + ' ' + \(card("job-state")).textContent")
        #expect(try await text(browser, "job-name") == "part.gcode")
        // The queue: the job on the printer and the one behind it.
        try await browser.wait(until: "document.querySelectorAll('.printer [data-field=\"queue\"] li').length === 2")

        // Progress and temperature move on the page while the printer heats and prints.
        try await browser.wait(until: "parseFloat(\(card("progress")).textContent) > 0", describe: card("progress") + ".textContent")
        let progress = try await text(browser, "progress")
        try await browser.wait(until: "\(card("progress")).textContent !== \(JSONValue.string(progress).text)",
                               describe: card("progress") + ".textContent")
        try await browser.wait(until: "parseFloat(\(card("nozzle")).textContent) > parseFloat(\(JSONValue.string(cold).text)) + 5",
                               describe: card("nozzle") + ".textContent + ' from ' + \(JSONValue.string(cold).text)")
        try await browser.wait(until: "/ printing$/.test(\(card("elapsed")).textContent) && / left$/.test(\(card("remaining")).textContent)",
                               describe: card("elapsed") + ".textContent + '|' + " + card("remaining") + ".textContent")
        try await browser.wait(until: "/^layer \\d+ \\/ \\d+$/.test(\(card("layer")).textContent)", describe: card("layer") + ".textContent")
        // The slicer's thumbnail, decoded by the browser.
        try await browser.wait(until: "!\(card("thumbnail")).hidden && \(card("thumbnail")).complete && \(card("thumbnail")).naturalWidth === 64")
        // The plot has points, and the nozzle's line is drawn in its colour.
        try await browser.wait(until: "Number(\(card("plot")).dataset.points) >= 3")
        let orange = try await browser.run("""
            const canvas = document.querySelector('.printer canvas');
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let count = 0;
            for (let i = 0; i < data.length; i += 4) {
              if (data[i + 3] > 200 && data[i] > 200 && data[i + 1] > 60 && data[i + 1] < 120 && data[i + 2] < 60) count++;
            }
            return count;
            """).intValue ?? 0
        #expect(orange > 20, "pixels of the nozzle's line on the plot: \(orange)")

        // Pause and resume from the page; the agent's own status follows.
        try await browser.click(".printer [data-action=\"pause\"]")
        try await browser.wait(until: "\(card("state")).textContent === 'paused' && !document.querySelector('.printer [data-action=\"resume\"]').hidden",
                               describe: card("state") + ".textContent")
        let paused = try await agent.result("printer.status", ["serviceId": "vp1"], token: agent.harnessToken)
        #expect(paused["state"] == "paused")
        #expect(paused["job"]?["state"] == "paused")
        try await save(try await browser.screenshot(), as: "status-page-paused.png")
        try await browser.click(".printer [data-action=\"resume\"]")
        try await browser.wait(until: "\(card("state")).textContent === 'printing' && \(card("job-state")).dataset.state === 'printing'",
                               describe: card("state") + ".textContent")
        let resumed = try await agent.result("printer.status", ["serviceId": "vp1"], token: agent.harnessToken)
        #expect(resumed["job"]?["state"] == "printing")
        let before = try await text(browser, "progress")
        try await browser.wait(until: "\(card("progress")).textContent !== \(JSONValue.string(before).text)",
                               describe: card("progress") + ".textContent")
        // For the README's picture (docs/status-page.png), STATUS_PAGE_PLOT_SECONDS=40 lets the plot fill first.
        if let seconds = ProcessInfo.processInfo.environment["STATUS_PAGE_PLOT_SECONDS"].flatMap(Int.init) {
            try await browser.wait(until: "Number(\(card("plot")).dataset.points) >= \(seconds)", timeout: .seconds(seconds + 30))
        }
        try await save(try await browser.screenshot(), as: "status-page.png")

        // Stop asks to be pressed twice; then the job is cancelled and the next one in the queue starts.
        try await browser.click(".printer [data-action=\"stop\"]")
        #expect(try await browser.run("return document.querySelector('.printer [data-action=\"stop\"]').textContent;") == "Stop the print?")
        try await browser.click(".printer [data-action=\"stop\"]")
        try await browser.wait(until: "\(card("job-name")).textContent === 'second.gcode'", describe: card("job-name") + ".textContent")
        let history = try await agent.result("history.list", ["serviceId": "vp1"], token: agent.harnessToken)
        #expect(history["jobs"]?.arrayValue?.first { $0["jobId"]?.stringValue == jobId }?["state"] == "cancelled")
        try await expectNoConsoleErrors(browser, "desktop")
    }
}

extension StatusPageBrowserTests {
    /// A phone-sized window that reaches the agent by its name (as `<hostname>.local` on a LAN): the page's origin
    /// is then a name, which the endpoint's origin check must let through as the board's own.
    @Test func onAPhoneByNameThePageFitsAndStopsAPrint() async throws {
        try Self.requireBrowser()
        try await StatusPageFixtures.withAgentAndContent(["part.gcode": StatusPageFixtures.gcode(moves: 1500)], printers: 2,
                                                         moveTimeScale: 6) { agent, server in
            try await ChromeDriver.with { driver in
                // The board's own name as the agent knows it (its host name), resolved by the browser to loopback.
                let name = ProcessInfo.processInfo.hostName + ".local"
                let browser = try await BrowserSession.open(driver: driver, phone: BrowserSession.Phone(),
                                                            hostRules: "MAP \(name) 127.0.0.1, MAP rebound.example 127.0.0.1")
                do {
                    try await Self.phone(browser, name: name, agent: agent, server: server)
                } catch {
                    await browser.close()
                    throw error
                }
                await browser.close()
            }
        }
    }

    static func phone(_ browser: BrowserSession, name: String, agent: AgentUnderTest, server: RunningContentServer) async throws {
        // A name that is not the board's, rebound to its address (DNS rebinding): the page loads, but the endpoint
        // refuses its calls, and the page says so (the browser logs the 403, which is read here and so cleared).
        try await browser.navigate(to: "http://rebound.example:\(agent.port)/")
        try await browser.wait(until: "/The agent refused: requests from this web origin are not allowed/.test(document.getElementById('notice').textContent)",
                               describe: "document.getElementById('notice').textContent")
        #expect(try await browser.consoleLog().contains { $0.message.contains("403") })

        try await browser.navigate(to: "http://\(name):\(agent.port)/")
        #expect(try await browser.run("return location.host;") == .string("\(name):\(agent.port)"))
        #expect(try await browser.run("return window.innerWidth;") == 390)
        try await pair(browser, agent: agent)
        // Two printers, one card each, one above the other; the second one idle with its temperatures.
        try await browser.wait(until: """
            document.querySelectorAll('.printer').length === 2
              && document.querySelectorAll('.printer')[1].dataset.serviceId === 'vp2'
              && document.querySelectorAll('.printer')[1].querySelector('[data-field="state"]').textContent === 'idle'
              && /°C/.test(document.querySelectorAll('.printer')[1].querySelector('[data-field="nozzle"]').textContent)
            """)
        let started = try await PrintStartTests.start(agent, server, contentId: "part.gcode")
        let jobId = try #require(started["job"]?["jobId"]?.stringValue)
        try await browser.wait(until: "\(card("state")).textContent === 'printing' && parseFloat(\(card("progress")).textContent) > 0",
                               describe: card("state") + ".textContent")
        try await browser.wait(until: "\(card("thumbnail")).complete && \(card("thumbnail")).naturalWidth === 64 && / left$/.test(\(card("remaining")).textContent)")
        try await browser.wait(until: "Number(\(card("plot")).dataset.points) >= 3")
        // Nothing wider than the screen: no sideways scrolling, the buttons and the plot inside the card.
        let layout = try await browser.run("""
            const card = document.querySelector('.printer').getBoundingClientRect();
            const inside = (selector) => { const r = document.querySelector(selector).getBoundingClientRect(); return r.left >= card.left && r.right <= card.right; };
            return { scroll: document.documentElement.scrollWidth, width: window.innerWidth,
                     plot: inside('.printer canvas'), stop: inside('.printer [data-action="stop"]'), pause: inside('.printer [data-action="pause"]') };
            """)
        #expect(layout["scroll"]?.intValue ?? 9999 <= 390, "page width \(layout)")
        #expect(layout["plot"] == true && layout["stop"] == true && layout["pause"] == true, "\(layout)")
        try await save(try await browser.screenshot(), as: "status-page-phone.png")
        try await browser.click(".printer [data-action=\"stop\"]")
        try await browser.click(".printer [data-action=\"stop\"]")
        try await browser.wait(until: "\(card("job")).hidden && \(card("state")).textContent === 'idle'", describe: card("state") + ".textContent")
        let history = try await agent.result("history.list", ["serviceId": "vp1"], token: agent.harnessToken)
        #expect(history["jobs"]?.arrayValue?.first { $0["jobId"]?.stringValue == jobId }?["state"] == "cancelled")
        try await expectNoConsoleErrors(browser, "phone")

        // Revoked on the board (`3dp-agent pair --revoke`): the page drops its token and offers to pair again.
        let clientId = try #require(try await browser.run("return localStorage.getItem('3dp-agent.clientId');").stringValue)
        #expect(try AccessTokenStore(directory: agent.stateDirectory).revoke(id: clientId))
        try await browser.wait(until: "!document.getElementById('pairing').hidden && /revoked/.test(document.getElementById('pair-message').textContent)",
                               describe: "document.getElementById('pair-message').textContent")
        #expect(try await browser.run("return localStorage.getItem('3dp-agent.accessToken');") == .null)
    }
}

extension JSONValue {
    /// The value as JSON text, to write it into a script.
    var text: String {
        var writer = JSONWriter()
        try? writer.write(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
