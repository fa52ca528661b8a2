@testable import AgentConfig
import Testing
@testable import Board

struct ConfigurationStateDirectoryTests {
    struct Case: Sendable, CustomStringConvertible {
        var environment: [String: String]
        var isRoot: Bool
        var path: String
        var description: String { "\(isRoot ? "root" : "user") \(environment)" }
    }

    @Test(arguments: [
        Case(environment: ["HOME": "/root", "XDG_STATE_HOME": "/root/.state"], isRoot: true, path: "/var/lib/3dp-agent"),
        Case(environment: [:], isRoot: true, path: "/var/lib/3dp-agent"),
        Case(environment: ["HOME": "/home/pi", "XDG_STATE_HOME": "/home/pi/state"], isRoot: false,
             path: "/home/pi/state/3dp-agent"),
        Case(environment: ["XDG_STATE_HOME": "/home/pi/state/"], isRoot: false, path: "/home/pi/state/3dp-agent"),
        Case(environment: ["HOME": "/home/pi"], isRoot: false, path: "/home/pi/.local/state/3dp-agent"),
        Case(environment: ["HOME": "/home/pi/"], isRoot: false, path: "/home/pi/.local/state/3dp-agent"),
        // XDG says to ignore a relative or empty XDG_STATE_HOME.
        Case(environment: ["HOME": "/home/pi", "XDG_STATE_HOME": ""], isRoot: false, path: "/home/pi/.local/state/3dp-agent"),
        Case(environment: ["HOME": "/home/pi", "XDG_STATE_HOME": "state"], isRoot: false,
             path: "/home/pi/.local/state/3dp-agent"),
        Case(environment: ["HOME": "/"], isRoot: false, path: "/.local/state/3dp-agent"),
        Case(environment: [:], isRoot: false, path: "/var/lib/3dp-agent"),
    ])
    func followsTheXDGRules(_ example: Case) {
        #expect(StateDirectory.defaultPath(environment: example.environment, isRoot: example.isRoot) == example.path)
    }
}
