import GCode
import Testing
@testable import PrinterLink

@Suite struct OutgoingLinesTests {
    func text(_ next: OutgoingLines.Next) -> String {
        switch next {
        case .again(let number, let line): return "again \(number): " + String(decoding: line.command, as: UTF8.self)
        case .jobLine(let command, _): return "job: " + String(decoding: command, as: UTF8.self)
        case .queued(let line): return "queued: " + String(decoding: line.command, as: UTF8.self)
        }
    }

    func drain(_ outgoing: inout OutgoingLines) -> [String] {
        var taken: [String] = []
        while let (next, _) = outgoing.peek() {
            outgoing.take(next)
            taken.append(text(next))
            if case .jobLine(let command, let ref) = next { _ = outgoing.number(command, purpose: .job(ref)) }
            if case .queued(let line) = next { _ = outgoing.number(line.command, purpose: line.purpose) }
        }
        return taken
    }

    @Test func linesToSendAgainGoFirstThenTheJobLineThenTheQueue() {
        var outgoing = OutgoingLines(historyCapacity: 16)
        _ = outgoing.restartNumbering()
        for command in ["G1 X1", "G1 X2", "G1 X3"] { _ = outgoing.number(Array(command.utf8), purpose: .script) }
        outgoing.enqueue(PendingLine(command: Array("M105".utf8), purpose: .poll))
        outgoing.hold(Array("G1 X4".utf8), ref: JobLineRef(commandIndex: 0, fileLine: 1, endOffset: 5))
        outgoing.rewind(to: 2)
        #expect(drain(&outgoing) == ["again 2: G1 X2", "again 3: G1 X3", "job: G1 X4", "queued: M105"])
        #expect(outgoing.nextNumber == 6)
        #expect(outgoing.isEmpty)
    }

    @Test func anM110SaysTheNumberTheHostIsAt() {
        var outgoing = OutgoingLines(historyCapacity: 16)
        _ = outgoing.restartNumbering()
        let (number, line) = outgoing.number(Array("M110 N100".utf8), purpose: .console(1))
        #expect(number == 1)
        #expect(line.isBarrier)
        #expect(String(decoding: line.bytes, as: UTF8.self) == String(decoding: HostLine.format(number: 1, command: Array("M110 N1".utf8)), as: UTF8.self))
    }

    @Test func onlyHeldLinesAndTheNextCanBeAskedFor() {
        var outgoing = OutgoingLines(historyCapacity: 8)
        _ = outgoing.restartNumbering()
        for _ in 0..<20 { _ = outgoing.number(Array("G1 X1".utf8), purpose: .script) }
        // Lines 0...20 were numbered; the history holds the last 8.
        #expect(outgoing.canResend(21))
        #expect(outgoing.canResend(13))
        #expect(!outgoing.canResend(12))
        #expect(!outgoing.canResend(22))
    }

    @Test func aStoppedJobLeavesOnlyItsOwnLinesBehind() {
        var outgoing = OutgoingLines(historyCapacity: 8)
        outgoing.enqueue(PendingLine(command: Array("G1 X1".utf8), purpose: .job(JobLineRef(commandIndex: 0, fileLine: 1, endOffset: 1))))
        outgoing.enqueue(PendingLine(command: Array("M114".utf8), purpose: .console(3)))
        outgoing.hold(Array("G1 X2".utf8), ref: JobLineRef(commandIndex: 1, fileLine: 2, endOffset: 2))
        outgoing.dropJobLines()
        #expect(outgoing.heldJobLine == nil)
        #expect(outgoing.consoleIDs == [3])
        #expect(outgoing.queued.count == 1)
    }
}
