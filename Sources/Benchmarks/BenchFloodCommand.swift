import ArgumentParser
import CommandSupport
import Foundation
import Glibc

/// `3dp-agent bench flood` (hidden): floods an agent's endpoint on loopback from a process of its own, so that the
/// agent's file-descriptor limit is the agent's alone (the availability test and the soak test of issue 14 run
/// it). Standard output: `flooding` once every planned connection was attempted, then one JSON line of counts.
struct BenchFloodCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flood",
        abstract: "Flood an agent's endpoint on loopback with idle, slowloris and slow-body connections.",
        shouldDisplay: false
    )

    static let floodingLine = "flooding"

    @Option(help: "The agent's port on 127.0.0.1.")
    var port: Int

    @Option(help: "Connections that send nothing.")
    var idle = 1000

    @Option(help: "Connections that send a request head one header line at a time, never ending it.")
    var slowloris = 100

    @Option(name: .customLong("slow-bodies"), help: "POSTs that send their body one byte at a time.")
    var slowBodies = 100

    @Option(help: "Seconds between two header lines or two body bytes.")
    var interval = 3.0

    @Option(name: .customLong("reopen-delay"), help: "Seconds before a connection the agent closed is opened again.")
    var reopenDelay = 1.0

    @Option(help: "How long to flood, in seconds.")
    var seconds = 20.0

    @Option(help: "Source addresses 127.0.0.N for N in FIRST-LAST.")
    var sources = "2-60"

    @Flag(name: .customLong("until-end-of-input"), help: "Also stop when standard input ends.")
    var untilEndOfInput = false

    func validate() throws {
        guard [idle, slowloris, slowBodies].allSatisfy({ $0 >= 0 }) else { throw ValidationError("counts must not be negative") }
        guard seconds > 0, interval > 0, reopenDelay >= 0 else {
            throw ValidationError("--seconds and --interval must be positive, --reopen-delay not negative")
        }
        guard sourceRange != nil else { throw ValidationError("--sources must be FIRST-LAST within 1-254") }
    }

    private var sourceRange: ClosedRange<Int>? {
        let parts = sources.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 1, parts[1] <= 254, parts[0] <= parts[1] else { return nil }
        return parts[0]...parts[1]
    }

    func run() throws {
        // More sockets than the usual soft limit of 1024.
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let flood = LoopbackFlood(port: port, plan: [.idle: idle, .slowloris: slowloris, .slowBody: slowBodies],
                                  sources: sourceRange!, dribbleInterval: .milliseconds(Int64(interval * 1000)),
                                  reopenDelay: .milliseconds(Int64(reopenDelay * 1000)))
        let counts = flood.run(until: .now + .milliseconds(Int64(seconds * 1000)), stopOnEndOfInput: untilEndOfInput) {
            Console.line(Self.floodingLine)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        Console.line(String(decoding: try encoder.encode(counts), as: UTF8.self))
    }
}
