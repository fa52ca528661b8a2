import ArgumentParser
import CommandSupport
import Endpoint
import Foundation

/// `3dp-agent pair --list` / `--revoke ID`: the Managers paired with this agent. Pairing itself happens over
/// 3DP-1 (`3dp-agent client pair`); this is the owner's view of the token store.
struct PairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair",
        abstract: "List or revoke the Managers paired with this agent.",
        discussion: "A revoked token fails at once, also in a running agent, which closes that Manager's open WebSockets and long polls within moments. Tokens themselves are never shown: only their SHA-256 is stored."
    )

    @OptionGroup var options: ConfigurationOptions

    @Flag(name: .long, help: "List the paired Managers.")
    var list = false

    @Option(name: .long, help: "Revoke the access token with this id.")
    var revoke: String?

    func validate() throws {
        if list == (revoke != nil) { throw ValidationError("give exactly one of --list and --revoke ID") }
    }

    func run() throws {
        let configuration = try options.load()
        let store = try AccessTokenStore(directory: URL(fileURLWithPath: configuration.stateDirectory, isDirectory: true))
        if let revoke {
            guard try store.revoke(id: revoke) else {
                throw ValidationError("no paired Manager has the id \(revoke) (see --list)")
            }
            Console.line("revoked \(revoke)")
            return
        }
        Console.line(Self.certificateLine(stateDirectory: configuration.stateDirectory,
                                          servesTLS: configuration.servesTLS))
        let records = try store.list()
        if records.isEmpty {
            Console.line("no Manager is paired (state directory \(configuration.stateDirectory))")
            return
        }
        let formatter = ISO8601DateFormatter()
        Console.line("ID                LABEL                             PAIRED                LAST USED")
        for record in records {
            let label = record.label.count > 32 ? String(record.label.prefix(31)) + "…" : record.label
            Console.line([
                record.id.padding(toLength: 17, withPad: " ", startingAt: 0),
                label.padding(toLength: 33, withPad: " ", startingAt: 0),
                formatter.string(from: record.createdAt).padding(toLength: 21, withPad: " ", startingAt: 0),
                record.lastUsedAt.map { formatter.string(from: $0) } ?? "never",
            ].joined(separator: " "))
        }
    }

    /// The fingerprint Managers pinned at pairing, for the owner to compare with what a Manager shows.
    static func certificateLine(stateDirectory: String, servesTLS: Bool) -> String {
        let files = DeviceCertificateFiles(stateDirectory: stateDirectory)
        let state = servesTLS ? "on" : "off in the configuration"
        do {
            guard let certificate = try files.load() else {
                return "TLS \(state); no certificate yet (the agent makes one at its first start with TLS on)"
            }
            return "TLS \(state); certificate SHA-256 \(certificate.fingerprint)"
        } catch {
            return "TLS \(state); \(error)"
        }
    }
}
