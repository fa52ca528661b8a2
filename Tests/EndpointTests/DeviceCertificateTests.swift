import Digest
@testable import Endpoint
import Foundation
import Glibc
import Logging
import Testing
import ThreeDPProtocol

/// The agent's TLS identity: made once, kept owner-only, read back the same, and never made again behind the
/// person's back when what is on disk is damaged (every pinned Manager would then refuse the agent).
@Suite("Device certificate")
struct DeviceCertificateTests {
    private static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("3dp-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static func mode(_ path: String) -> mode_t {
        var status = stat()
        guard stat(path, &status) == 0 else { return 0 }
        return status.st_mode & 0o777
    }

    @Test func theFingerprintIsTheSHA256OfTheDERInColonSeparatedUppercaseHex() throws {
        let certificate = try DeviceCertificate.generate(hostname: "octopi")
        let digest = SHA256Digest.digest(certificate.certificateDER)
        let text = certificate.fingerprint.description
        #expect(text.count == 95)
        #expect(text.wholeMatch(of: /[0-9A-F]{2}(:[0-9A-F]{2}){31}/) != nil)
        #expect(text.replacingOccurrences(of: ":", with: "").lowercased() == HexEncoding.lowercase(digest))
        #expect(certificate.fingerprint.displayPrefix == String(text.prefix(11)))
        #expect(CertificateFingerprint(text: text) == certificate.fingerprint)
        #expect(CertificateFingerprint(text: text.lowercased()) == certificate.fingerprint)
        #expect(CertificateFingerprint(text: String(text.dropLast(3))) == nil)
        #expect(CertificateFingerprint(text: text.replacingOccurrences(of: ":", with: "-")) == nil)
    }

    @Test func twoCertificatesHaveTwoKeys() throws {
        let one = try DeviceCertificate.generate(hostname: "octopi")
        let two = try DeviceCertificate.generate(hostname: "octopi")
        #expect(one.fingerprint != two.fingerprint)
        #expect(one.privateKeyPEM != two.privateKeyPEM)
    }

    @Test func itCanBeServedByNIOSSLAndNeverDescribesItsKey() throws {
        let certificate = try DeviceCertificate.generate(hostname: "octopi")
        _ = try EndpointTLS(certificate: certificate)
        #expect(certificate.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect("\(certificate)" == "device certificate \(certificate.fingerprint)")
        #expect(!String(reflecting: EndpointIdentity(fingerprint: certificate.fingerprint)).contains("PRIVATE"))
    }

    @Test func theFirstStartMakesOwnerOnlyFilesAndLaterStartsReadThemBack() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = DeviceCertificateFiles(stateDirectory: directory)
        #expect(try files.load() == nil)
        let made = try files.loadOrCreate(hostname: "octopi", logger: Logger(label: "test"))
        #expect(Self.mode(files.keyPath) == 0o600)
        #expect(Self.mode(files.certificatePath) == 0o600)
        let again = try files.loadOrCreate(hostname: "another-name", logger: Logger(label: "test"))
        #expect(again.fingerprint == made.fingerprint)
        #expect(again.certificateDER == made.certificateDER)
        #expect(try files.load()?.fingerprint == made.fingerprint)
        // What openssl and browsers read: the PEM certificate holds the same DER.
        let pem = try String(contentsOfFile: files.certificatePath, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
    }

    @Test func aKeyWithoutItsCertificateIsLeftOverFromAnInterruptedFirstStart() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = DeviceCertificateFiles(stateDirectory: directory)
        try "left over".write(toFile: files.keyPath, atomically: false, encoding: .utf8)
        let made = try files.loadOrCreate(hostname: "octopi", logger: Logger(label: "test"))
        #expect(try files.load()?.fingerprint == made.fingerprint)
    }

    enum Damage: String, CaseIterable {
        case certificateGarbled, keyGarbled, keyMissing, keyOfAnotherCertificate
    }

    @Test(arguments: Damage.allCases)
    func aDamagedIdentityStopsTheStartWithWhatToDo(damage: Damage) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = DeviceCertificateFiles(stateDirectory: directory)
        let made = try files.loadOrCreate(hostname: "octopi", logger: Logger(label: "test"))
        switch damage {
        case .certificateGarbled:
            try "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".write(toFile: files.certificatePath, atomically: false, encoding: .utf8)
        case .keyGarbled:
            try "not a key".write(toFile: files.keyPath, atomically: false, encoding: .utf8)
        case .keyMissing:
            try FileManager.default.removeItem(atPath: files.keyPath)
        case .keyOfAnotherCertificate:
            try DeviceCertificate.generate(hostname: "octopi").privateKeyPEM.write(toFile: files.keyPath, atomically: false, encoding: .utf8)
        }
        let keyBefore = try? String(contentsOfFile: files.keyPath, encoding: .utf8)
        var refusal: DeviceCertificateError?
        do {
            _ = try files.loadOrCreate(hostname: "octopi", logger: Logger(label: "test"))
        } catch let error as DeviceCertificateError {
            refusal = error
        }
        let text = try #require(refusal).description
        #expect(text.contains(files.certificatePath))
        #expect(text.contains("move both files away"))
        #expect(text.contains("pair every Manager again"))
        // A PEM key's first base64 line never shows up in the message.
        if let keyLine = keyBefore?.split(separator: "\n").dropFirst().first {
            #expect(!text.contains(keyLine))
        }
        // Nothing was replaced: the person decides.
        #expect((try? String(contentsOfFile: files.keyPath, encoding: .utf8)) == keyBefore)
        #expect(!(try String(contentsOfFile: files.certificatePath, encoding: .utf8)).isEmpty)
        _ = made
    }

    @Test func plainHTTPIsToldApartFromATLSHandshakeByItsFirstByte() {
        #expect(PlaintextHTTPRefusal.startsPlainHTTP(UInt8(ascii: "G")))
        #expect(PlaintextHTTPRefusal.startsPlainHTTP(UInt8(ascii: "P")))
        #expect(!PlaintextHTTPRefusal.startsPlainHTTP(0x16), "a TLS handshake record")
        #expect(!PlaintextHTTPRefusal.startsPlainHTTP(0x80), "an SSLv2-style hello")
        let response = PlaintextHTTPRefusal.refusal(host: "192.168.1.20", port: 8631)
        #expect(response.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(response.hasSuffix("this port speaks HTTPS: use https://192.168.1.20:8631/ (and wss:// for the WebSocket)\n"))
        #expect(PlaintextHTTPRefusal.refusal(host: "::1", port: 8631).contains("https://[::1]:8631/"))
    }

    @Test func theDisplayShowsTheCodeFirstAndTheFingerprintsFirstBytesOverTLS() throws {
        let fingerprint = try DeviceCertificate.generate(hostname: "octopi").fingerprint
        #expect(PairingMethods.displayLine("M117 Pairing code 123456", identity: .plain) == "M117 Pairing code 123456")
        #expect(PairingMethods.displayLine("M117 Pairing code 123456", identity: EndpointIdentity(fingerprint: fingerprint))
                == "M117 Pairing code 123456 cert \(fingerprint.displayPrefix)")
    }
}
