import CommandSupport
import Endpoint
import Foundation
import ManagerClient
import ThreeDPProtocol

/// What a verb prints: readable lines, or with `--json` the agent's JSON, one compact object per line.
struct ClientOutput {
    var json: Bool

    /// The result as one JSON line, or the readable lines `text` makes of it.
    func show(_ result: JSONValue, _ text: (JSONValue) -> [String]) {
        if json {
            Console.line(TerminalText.compactJSON(result))
        } else {
            for line in text(result) { Console.line(line) }
        }
    }

    /// A line for the person, not for the machine: on standard error with `--json`, so standard output stays JSON.
    func note(_ text: String) {
        if json { Self.error(text) } else { Console.line(text) }
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
