import Endpoint
import Foundation
import ManagerClient
import Testing
import ThreeDPProtocol

/// What the client keeps of an agent's certificate, and how it checks `pairing.complete` against the connection.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct PinnedCertificateTests {
    @Test func thePinnedCertificateIsKeptBesideTheTokenAndReadBackWhole() throws {
        let certificate = try DeviceCertificate.generate(hostname: "octopi")
        let pinned = PinnedCertificate(der: certificate.certificateDER)
        #expect(pinned.fingerprint == certificate.fingerprint, "client and agent compute the same fingerprint")
        try ClientTokenStoreTests.withTemporaryDirectory { directory in
            let store = ClientTokenStore(path: directory + "/client.json")
            let url = try AgentURL(parsing: "https://octopi.local")
            try store.save(ClientCredential(accessToken: "3dp_abc", clientId: "c1", certificate: pinned), for: url)
            #expect(try store.load(for: url)?.certificate == pinned)
            let text = try String(contentsOfFile: store.path, encoding: .utf8)
            #expect(text.contains(#""certificateFingerprint":"\#(certificate.fingerprint)""#))

            // A fingerprint that does not match the certificate beside it: the file was tampered with or damaged.
            let other = try DeviceCertificate.generate(hostname: "octopi").fingerprint.description
            try text.replacingOccurrences(of: certificate.fingerprint.description, with: other)
                .write(toFile: store.path, atomically: false, encoding: .utf8)
            #expect(throws: ClientTokenStoreError.unreadable(
                path: store.path, reason: "the certificate for https://octopi.local:8631 does not match its fingerprint")) {
                try store.load(for: url)
            }
        }
    }

    @Test func pairingKeepsTheTokenOnlyWhenTheAgentNamesTheCertificateTheConnectionPresented() async throws {
        let presented = PinnedCertificate(der: try DeviceCertificate.generate(hostname: "octopi").certificateDER)
        let other = try DeviceCertificate.generate(hostname: "octopi").fingerprint
        let url = AgentURL(scheme: "https", host: "127.0.0.1", port: 1)
        try await AgentSession.with(url: url, accessToken: nil, certificate: presented) { session in
            func grant(_ fingerprint: JSONValue) -> JSONValue {
                ["accessToken": "3dp_abc", "clientId": "c1", "certificateFingerprint": fingerprint]
            }
            let kept = try ClientCredential.pairing(grant(.string(presented.fingerprint.description)), session: session)
            #expect(kept == ClientCredential(accessToken: "3dp_abc", clientId: "c1", certificate: presented))
            #expect(throws: AgentConnectionError.certificateNotNamed(url, presented: presented.fingerprint, named: other.description)) {
                try ClientCredential.pairing(grant(.string(other.description)), session: session)
            }
            #expect(throws: AgentConnectionError.certificateNotNamed(url, presented: presented.fingerprint, named: nil)) {
                try ClientCredential.pairing(grant(.null), session: session)
            }
        }
        // Over plain HTTP there is nothing to pin.
        let plain = AgentURL(scheme: "http", host: "127.0.0.1", port: 1)
        try await AgentSession.with(url: plain, accessToken: nil) { session in
            let kept = try ClientCredential.pairing(["accessToken": "3dp_abc", "clientId": "c1", "certificateFingerprint": .null],
                                                    session: session)
            #expect(kept?.certificate == nil)
        }
    }
}
