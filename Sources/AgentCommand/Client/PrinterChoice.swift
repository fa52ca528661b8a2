import Endpoint
import ManagerClient
import ThreeDPProtocol

/// The printer a verb acts on when none was named: the agent's only one, else a refusal that lists the choices.
enum PrinterChoice {
    static func only(in discovery: JSONValue, at url: AgentURL) throws(ClientFailure) -> String {
        let ids = (discovery["services"]?.arrayValue ?? []).compactMap { $0["serviceId"]?.stringValue }
        switch ids.count {
        case 1:
            return ids[0]
        case 0:
            throw .usage("the agent at \(url) serves no printer")
        default:
            throw .usage("the agent at \(url) serves \(ids.count) printers (\(ids.joined(separator: ", "))); choose one with --printer ID")
        }
    }
}
