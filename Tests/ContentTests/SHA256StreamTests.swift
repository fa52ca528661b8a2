import Content
import Digest
import Testing

@Suite struct SHA256StreamTests {
    /// FIPS 180-2 examples, and a million 'a's fed in uneven pieces: the split must not change the digest.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownDigests(text: String, expected: String) throws {
        var stream = SHA256Stream()
        Array(text.utf8).withUnsafeBytes { stream.update($0) }
        #expect(stream.finalize() == expected)
    }

    @Test func piecesMakeTheSameDigestAsTheWhole() throws {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var stream = SHA256Stream()
        var offset = 0
        var piece = 1
        while offset < million.count {
            let end = min(million.count, offset + piece)
            million[offset..<end].withUnsafeBytes { stream.update($0) }
            offset = end
            piece = piece * 3 + 1
        }
        #expect(stream.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
