import Board
import Digest
import Endpoint

/// The agent's system id for `service.discover`: stable for the board, yet not its machine id, which other
/// software uses as a secret-ish identifier (machine-id(5) asks not to expose it).
enum AgentIdentity {
    static func systemID(machineID: String? = BoardIdentity.read().machineID) -> String {
        guard let machineID, !machineID.isEmpty else { return "" }
        let digest = SHA256Digest.digest(Array("3dp-agent:\(machineID)".utf8))
        return digest.prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
