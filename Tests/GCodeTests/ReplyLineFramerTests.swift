import Testing
@testable import GCode

@Suite struct ReplyLineFramerTests {
    /// Feeds `chunks` in order and collects every line the framer gives.
    static func lines(_ chunks: [String]) -> [String] {
        var framer = ReplyLineFramer()
        var lines: [String] = []
        for chunk in chunks {
            var buffer = Array(chunk.utf8)[...]
            while case .line(let line) = framer.parseStep(&buffer) { lines.append(String(decoding: line, as: UTF8.self)) }
            #expect(buffer.isEmpty)
        }
        return lines
    }

    @Test func oneChunkManyLines() {
        #expect(Self.lines(["ok\nok N2 P15 B3\n T:25.45 /50.00 B:25.45 /0.00 @:0 B@:0 W:?\n"])
                == ["ok", "ok N2 P15 B3", " T:25.45 /50.00 B:25.45 /0.00 @:0 B@:0 W:?"])
    }

    @Test(arguments: [1, 2, 3, 5, 7, 64])
    func everyChunkSizeGivesTheSameLines(size: Int) {
        let text = "start\r\necho:busy: processing\r\n\r\nResend: 12\nok\n"
        let bytes = Array(text.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: size).map {
            String(decoding: bytes[$0..<min($0 + size, bytes.count)], as: UTF8.self)
        }
        #expect(Self.lines(chunks) == ["start", "echo:busy: processing", "Resend: 12", "ok"])
    }

    @Test func anUnfinishedLineWaitsForItsNewline() {
        var framer = ReplyLineFramer()
        var first = Array("ok\nResen".utf8)[...]
        #expect(framer.parseStep(&first) == .line(Array("ok".utf8)[...]))
        #expect(framer.parseStep(&first) == .needMoreData)
        var second = Array("d: 7\n".utf8)[...]
        #expect(framer.parseStep(&second) == .line(Array("Resend: 7".utf8)[...]))
        #expect(framer.parseStep(&second) == .needMoreData)
    }

    @Test func emptyLinesAndBareCarriageReturnsAreSkipped() {
        #expect(Self.lines(["\n\r\n\r\r\nok\n\n"]) == ["ok"])
    }

    /// Noise or a wrong baud rate: bytes with no newline come out as one line once past the bound, so memory stays
    /// bounded and the console shows what arrived; the framer goes on after it.
    @Test func aRunWithoutNewlineIsCutAtTheBound() {
        var framer = ReplyLineFramer()
        var garbage = [UInt8](repeating: 0xAA, count: ReplyLineFramer.maxLineBytes + 1)[...]
        guard case .line(let line) = framer.parseStep(&garbage) else {
            Issue.record("no line after \(ReplyLineFramer.maxLineBytes + 1) bytes")
            return
        }
        #expect(line.count == ReplyLineFramer.maxLineBytes + 1)
        var next = Array("ok\n".utf8)[...]
        #expect(framer.parseStep(&next) == .line(Array("ok".utf8)[...]))
    }
}
