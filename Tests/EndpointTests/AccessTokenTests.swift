import Digest
import Endpoint
import Foundation
import Testing

@Suite("Access token, SHA-256 and constant-time comparison")
struct AccessTokenTests {
    // FIPS 180-2 appendix B and the empty message; (text, repeated) keeps the million "a" out of the test names.
    @Test(arguments: [
        (text: "", repeated: 1, hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("a", 1_000_000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ])
    func sha256KnownVectors(text: String, repeated: Int, hex: String) throws {
        let message = String(repeating: text, count: repeated)
        #expect(SHA256Digest.hex(message.utf8) == hex)
        #expect(SHA256Digest.digest(message.utf8).count == 32)
    }

    @Test(arguments: [
        (expected: "", presented: "", equal: true),
        ("123456", "123456", true),
        ("123456", "123457", false),
        ("123456", "023456", false),
        ("123456", "12345", false),
        ("12345", "123456", false),
        ("123456", "", false),
        ("", "1", false),
        ("é", "e\u{301}", false),
    ])
    func constantTimeEquality(expected: String, presented: String, equal: Bool) {
        #expect(ConstantTime.equal(expected, presented) == equal)
        #expect(ConstantTime.equal(Array(expected.utf8), Array(presented.utf8)) == equal)
        #expect(ConstantTime.equal(presented, expected) == equal, "symmetric")
    }

    /// Exactly the bytes asked for, whatever the count against the generator's 8-byte words, and not the same twice.
    @Test(arguments: [0, 1, 4, 7, 8, 9, 32, 33, 1000])
    func kernelRandomGivesTheCountAskedFor(count: Int) {
        let first = KernelRandom().randomBytes(count: count)
        let second = KernelRandom().randomBytes(count: count)
        #expect(first.count == count && second.count == count)
        if count >= 8 { #expect(first != second) }
        if count >= 1000 { #expect(Set(first).count > 200, "a thousand random bytes take most of the 256 values") }
    }

    @Test func constantTimeEqualityOverSlices() {
        let bytes: [UInt8] = [1, 2, 3, 1, 2, 3]
        #expect(ConstantTime.equal(bytes[0..<3], bytes[3..<6]))
        #expect(!ConstantTime.equal(bytes[0..<3], bytes[2..<5]))
    }

    @Test func generatedTokensHaveTheDocumentedShape() throws {
        let first = try AccessToken.generate()
        let second = try AccessToken.generate()
        for token in [first, second] {
            #expect(token.value.hasPrefix("3dp_"))
            #expect(token.value.utf8.count == 4 + 43)
            #expect(token.isWellFormed)
            #expect(!token.value.contains("="))
        }
        #expect(first != second)
    }

    @Test(arguments: [
        (bytes: [UInt8](repeating: 0, count: 32), value: "3dp_" + String(repeating: "A", count: 43)),
        (bytes: [UInt8](repeating: 0xFF, count: 32), value: "3dp_" + String(repeating: "_", count: 42) + "8"),
        (bytes: [UInt8](repeating: 0xFB, count: 32), value: "3dp_" + String(repeating: "-_v7", count: 10) + "-_s"),
    ])
    func tokensFromKnownBytes(bytes: [UInt8], value: String) throws {
        #expect(try AccessToken.generate(random: ScriptedRandom(bytes: bytes)).value == value)
    }

    /// Base64url without padding is Foundation's base64 with two letters swapped and the padding dropped.
    @Test func base64URLAgreesWithFoundation() throws {
        let source = KernelRandom()
        for _ in 0..<50 {
            let bytes = source.randomBytes(count: 32)
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(try AccessToken.generate(random: ScriptedRandom(bytes: bytes)).value == "3dp_" + foundation)
        }
    }

    @Test func aShortRandomDrawIsAFailure() {
        #expect(throws: RandomnessUnavailable.self) {
            try AccessToken.generate(random: ScriptedRandom(bytes: [UInt8](repeating: 1, count: 31)))
        }
    }

    @Test(arguments: [
        "",
        "3dp_",
        "3dp_" + String(repeating: "A", count: 42),
        "3dp_" + String(repeating: "A", count: 44),
        "3dp_" + String(repeating: "A", count: 42) + "=",
        "3dp_" + String(repeating: "A", count: 42) + "+",
        "3DP_" + String(repeating: "A", count: 43),
        "tok_" + String(repeating: "A", count: 43),
        "3dp_" + String(repeating: "A", count: 42) + "é",
    ])
    func malformedTokensAreRecognised(value: String) {
        #expect(!AccessToken(value: value).isWellFormed)
    }

    @Test func verificationHashesThePresentedToken() throws {
        let token = try AccessToken.generate()
        let stored = token.sha256Hex()
        #expect(stored == SHA256Digest.hex(token.value.utf8))
        #expect(token.matches(sha256Hex: stored))
        #expect(!token.matches(sha256Hex: stored.uppercased()))
        #expect(!token.matches(sha256Hex: String(stored.dropLast())))
        #expect(!token.matches(sha256Hex: token.value), "the token itself is not its hash")
        #expect(!(try AccessToken.generate()).matches(sha256Hex: stored))
    }

    @Test func interpolationDoesNotRevealTheToken() throws {
        let token = try AccessToken.generate()
        let secret = String(token.value.dropFirst(4))
        #expect(!"\(token)".contains(secret))
        #expect(!String(describing: token).contains(secret))
    }
}

extension AccessTokenTests {
    @Test func reflectionDoesNotRevealTheToken() throws {
        let token = try AccessToken.generate()
        var dumped = ""
        dump(token, to: &dumped)
        #expect(!dumped.contains(String(token.value.dropFirst(4))))
        #expect(!String(reflecting: token).contains(String(token.value.dropFirst(4))))
    }
}
