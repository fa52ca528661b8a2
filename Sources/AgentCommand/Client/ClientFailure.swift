import ArgumentParser
import ManagerClient

/// Why a verb could not do its work, decided on this side before or after talking to the agent.
enum ClientFailure: Error, CustomStringConvertible {
    /// No stored token for the agent: nothing but discovery and pairing can be asked.
    case notPaired(AgentURL)
    /// The request cannot be made as given (an unreadable URL, no printer or several to choose from, …).
    case usage(String)
    /// The agent said something this client cannot use (a result member missing).
    case unexpectedAnswer(AgentURL, String)
    /// The agent ended a stream (`watch`) that only the user should end.
    case streamEnded(AgentURL)

    var description: String {
        switch self {
        case .notPaired(let url):
            "not paired with \(url); run `3dp-agent client pair --url \(url)`"
        case .usage(let text):
            text
        case .unexpectedAnswer(let url, let text):
            "the agent at \(url) answered unexpectedly: \(text)"
        case .streamEnded(let url):
            "the agent at \(url) closed the connection"
        }
    }
}

/// The exit status for each kind of failure: 1 when the agent refused (or could not be asked for lack of a
/// token), 2 when it could not be reached or the request could not be made.
enum ClientExit {
    static let refused = ExitCode(1)
    static let unreachable = ExitCode(2)

    static func code(for error: any Error) -> ExitCode {
        switch error {
        case is AgentError: refused
        case ClientFailure.notPaired: refused
        case is ClientTokenStoreError: refused
        default: unreachable
        }
    }

    /// The one line for standard error.
    static func message(for error: any Error) -> String {
        switch error {
        case let error as AgentError: error.description
        case let error as AgentConnectionError: error.description
        case let error as ClientFailure: error.description
        case let error as ClientTokenStoreError: error.description
        case let error as AgentURLError: error.description
        default: String(describing: error)
        }
    }
}
