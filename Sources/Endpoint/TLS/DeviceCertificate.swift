import Crypto
import Foundation
import SwiftASN1
import ThreeDPProtocol
import X509

/// The agent's TLS identity: a P-256 ECDSA key and a self-signed certificate for it. P-256 with ECDSA-SHA256 is
/// what every TLS stack takes (BoringSSL in NIOSSL, browsers, Android and iOS), where Ed25519 certificates are
/// still refused by browsers and RSA costs a Raspberry Pi seconds to generate.
///
/// Nobody is expected to trust it through a CA: a Manager pins its fingerprint at pairing. So it never expires
/// (RFC 5280's 99991231235959Z), and a board whose clock is wrong at first boot still makes a usable one.
public struct DeviceCertificate: Sendable {
    /// The certificate, DER-encoded: what the fingerprint is taken of.
    public let certificateDER: [UInt8]
    /// PKCS#8 PEM. Only the TLS server context reads it; it is never logged, described or returned.
    let privateKeyPEM: String
    public let fingerprint: CertificateFingerprint

    init(certificateDER: [UInt8], privateKeyPEM: String) {
        self.certificateDER = certificateDER
        self.privateKeyPEM = privateKeyPEM
        fingerprint = Self.fingerprint(ofDER: certificateDER)
    }

    public static func fingerprint(ofDER der: some Collection<UInt8>) -> CertificateFingerprint {
        // SHA-256 always has 32 bytes.
        CertificateFingerprint(sha256: Array(SHA256.hash(data: Array(der))))!
    }

    /// The certificate as PEM text, for the file beside the key (and for `openssl x509 -in`).
    public var certificatePEM: String {
        PEMDocument(type: "CERTIFICATE", derBytes: certificateDER).pemString
    }

    /// A new key and a certificate naming the board: its host name (and `.local`, for mDNS), `localhost`, and
    /// the loopback addresses. Addresses given by DHCP change, so none is named; a pinned Manager does not look
    /// at names anyway, and a browser warns about a self-signed certificate whatever it names.
    public static func generate(hostname: String, now: Date = Date()) throws -> DeviceCertificate {
        let key = P256.Signing.PrivateKey()
        let commonName = hostname.isEmpty ? "3dp-agent" : hostname
        let name = try DistinguishedName {
            OrganizationName("3dp-agent")
            CommonName(commonName)
        }
        var names: [GeneralName] = []
        if !hostname.isEmpty, hostname != "localhost" {
            names.append(.dnsName(hostname))
            if !hostname.hasSuffix(".local") { names.append(.dnsName(hostname + ".local")) }
        }
        names += [
            .dnsName("localhost"),
            .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
            .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))),
        ]
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            // A day back: a client whose clock runs a little behind the board's still accepts it.
            notValidBefore: now.addingTimeInterval(-86_400),
            notValidAfter: noWellDefinedExpiration,
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            // No KeyUsage extension: with one that lacks keyCertSign, BoringSSL does not count the certificate as
            // self-signed and cannot make it the trust root a pinned client needs; with keyCertSign on a non-CA,
            // Firefox refuses it. Absent, it is accepted by both (RFC 5280 allows leaving it out).
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return DeviceCertificate(certificateDER: serializer.serializedBytes, privateKeyPEM: key.pemRepresentation)
    }

    /// 9999-12-31T23:59:59Z: "no well-defined expiration date" (RFC 5280 4.1.2.5).
    static let noWellDefinedExpiration = Date(timeIntervalSince1970: 253_402_300_799)

    /// Reads a key and a certificate back and checks that they belong together.
    static func parse(certificatePEM: String, privateKeyPEM: String) throws(DeviceCertificateError) -> DeviceCertificate {
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw .damaged(what: "certificate", reason: "not a PEM certificate (\(error))")
        }
        let key: P256.Signing.PrivateKey
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            // The parser's error is not shown: it could quote bytes of the key.
            throw .damaged(what: "private key", reason: "not a PEM P-256 private key")
        }
        guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw .damaged(what: "certificate", reason: "it is not the certificate of the private key beside it")
        }
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(certificate)
        } catch {
            throw .damaged(what: "certificate", reason: "it cannot be encoded again (\(error))")
        }
        return DeviceCertificate(certificateDER: serializer.serializedBytes, privateKeyPEM: privateKeyPEM)
    }
}

extension DeviceCertificate: CustomStringConvertible {
    /// Never the key: this is what a log line or a debugger shows.
    public var description: String { "device certificate \(fingerprint)" }
}
