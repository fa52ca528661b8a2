import Endpoint
import Testing

/// One step of a pairing conversation, at a whole second after the scenario's start.
enum PairingStep: Sendable, CustomStringConvertible {
    case begin(at: Int, from: String = "a")
    case complete(String, at: Int, from: String = "a")

    var description: String {
        switch self {
        case .begin(let at, let from): "begin@\(at)s from \(from)"
        case .complete(let code, let at, let from): "complete(\"\(code)\")@\(at)s from \(from)"
        }
    }
}

/// What a step should answer, with instants written as seconds after the start.
enum PairingOutcome: Equatable, Sendable {
    case shows(String)
    case granted
    case notStarted
    case expired
    case wrongCode(attemptsLeft: Int)
    case locked(until: Int)
    case randomnessUnavailable
}

struct PairingScenario: Sendable, CustomTestStringConvertible {
    let name: String
    /// The random draws `begin` will get, in order.
    let draws: [UInt32]
    let steps: [(PairingStep, PairingOutcome)]

    var testDescription: String { name }
}

private let wrong = "999999"

/// Four wrong codes from each of b…e, then four from f: the twentieth locks everyone, the person at the printer too.
private func twentyWrongFromManyAddresses() -> [(PairingStep, PairingOutcome)] {
    var steps: [(PairingStep, PairingOutcome)] = [(.begin(at: 0), .shows("123456"))]
    var second = 1
    for address in ["b", "c", "d", "e"] {
        for attempt in 0..<4 {
            steps.append((.complete(wrong, at: second, from: address), .wrongCode(attemptsLeft: 4 - attempt)))
            second += 1
        }
    }
    steps += [
        (.complete(wrong, at: 17, from: "f"), .wrongCode(attemptsLeft: 4)),
        (.complete(wrong, at: 18, from: "f"), .wrongCode(attemptsLeft: 3)),
        (.complete(wrong, at: 19, from: "f"), .wrongCode(attemptsLeft: 2)),
        (.complete(wrong, at: 20, from: "f"), .locked(until: 80)),
        (.complete("123456", at: 21, from: "printer-side"), .locked(until: 80)),
        (.begin(at: 22, from: "printer-side"), .locked(until: 80)),
        (.begin(at: 80, from: "printer-side"), .shows("000007")),
        (.complete("123456", at: 81, from: "printer-side"), .wrongCode(attemptsLeft: 4)),
    ]
    return steps
}

private func fiveWrong(from second: Int) -> [(PairingStep, PairingOutcome)] {
    [
        (.complete(wrong, at: second), .wrongCode(attemptsLeft: 4)),
        (.complete(wrong, at: second + 1), .wrongCode(attemptsLeft: 3)),
        (.complete(wrong, at: second + 2), .wrongCode(attemptsLeft: 2)),
        (.complete(wrong, at: second + 3), .wrongCode(attemptsLeft: 1)),
        (.complete(wrong, at: second + 4), .locked(until: second + 4 + 60)),
    ]
}

let pairingScenarios: [PairingScenario] = [
    PairingScenario(name: "the right code in time is granted, once", draws: [123_456], steps: [
        (.begin(at: 0), .shows("123456")),
        (.complete("123456", at: 119), .granted),
        (.complete("123456", at: 119), .notStarted),
    ]),
    PairingScenario(name: "a code expires exactly two minutes after it is shown", draws: [123_456], steps: [
        (.complete("123456", at: 120), .notStarted),
        (.begin(at: 0), .shows("123456")),
        (.complete("123456", at: 120), .expired),
        (.complete("123456", at: 121), .notStarted),
    ]),
    PairingScenario(name: "completing with nothing shown", draws: [], steps: [
        (.complete("000000", at: 0), .notStarted),
        (.complete("", at: 1), .notStarted),
    ]),
    PairingScenario(name: "an expired code does not count as a wrong one", draws: [123_456, 654_321], steps: [
        (.begin(at: 0), .shows("123456")),
        (.complete(wrong, at: 130), .expired),
        (.begin(at: 131), .shows("654321")),
        (.complete(wrong, at: 132), .wrongCode(attemptsLeft: 4)),
    ]),
    PairingScenario(name: "a new begin replaces the shown code and restarts its two minutes", draws: [111_111, 222_222], steps: [
        (.begin(at: 0), .shows("111111")),
        (.begin(at: 100), .shows("222222")),
        (.complete("111111", at: 101), .wrongCode(attemptsLeft: 4)),
        (.complete("222222", at: 219), .granted),
    ]),
    PairingScenario(name: "codes are zero-padded and compared as six digits", draws: [7], steps: [
        (.begin(at: 0), .shows("000007")),
        (.complete("7", at: 1), .wrongCode(attemptsLeft: 4)),
        (.complete("000007", at: 2), .granted),
    ]),
    PairingScenario(name: "malformed codes are wrong codes", draws: [123_456], steps: [
        (.begin(at: 0), .shows("123456")),
        (.complete("12345", at: 1), .wrongCode(attemptsLeft: 4)),
        (.complete("1234567", at: 2), .wrongCode(attemptsLeft: 3)),
        (.complete(" 123456", at: 3), .wrongCode(attemptsLeft: 2)),
        (.complete("", at: 4), .wrongCode(attemptsLeft: 1)),
    ]),
    PairingScenario(name: "five wrong codes lock pairing for a minute, begin included", draws: [123_456, 42], steps:
        [(.begin(at: 0), .shows("123456"))] + fiveWrong(from: 1) + [
            (.complete("123456", at: 6), .locked(until: 65)),
            (.begin(at: 64), .locked(until: 65)),
            (.begin(at: 65), .shows("000042")),
            (.complete("123456", at: 66), .wrongCode(attemptsLeft: 4)),
            (.complete("000042", at: 67), .granted),
        ]),
    PairingScenario(name: "a lock of one address keeps the shown code for the person on another", draws: [123_456], steps:
        [(.begin(at: 0), .shows("123456"))] + fiveWrong(from: 1) + [
            (.begin(at: 7), .locked(until: 65)),
            (.complete("123456", at: 8, from: "printer-side"), .granted),
        ]),
    PairingScenario(name: "twenty wrong codes from many addresses lock everyone and discard the code", draws: [123_456, 7],
                    steps: twentyWrongFromManyAddresses()),
    PairingScenario(name: "asking for a new code does not buy more guesses", draws: [123_456, 222_222], steps: [
        (.begin(at: 0), .shows("123456")),
        (.complete(wrong, at: 1), .wrongCode(attemptsLeft: 4)),
        (.complete(wrong, at: 2), .wrongCode(attemptsLeft: 3)),
        (.complete(wrong, at: 3), .wrongCode(attemptsLeft: 2)),
        (.complete(wrong, at: 4), .wrongCode(attemptsLeft: 1)),
        (.begin(at: 10), .shows("222222")),
        (.complete(wrong, at: 11), .locked(until: 71)),
        (.complete("222222", at: 12), .locked(until: 71)),
    ]),
    PairingScenario(name: "success forgives earlier wrong codes", draws: [123_456, 222_222], steps: [
        (.begin(at: 0), .shows("123456")),
        (.complete(wrong, at: 1), .wrongCode(attemptsLeft: 4)),
        (.complete(wrong, at: 2), .wrongCode(attemptsLeft: 3)),
        (.complete(wrong, at: 3), .wrongCode(attemptsLeft: 2)),
        (.complete("123456", at: 4), .granted),
        (.begin(at: 5), .shows("222222")),
        (.complete(wrong, at: 6), .wrongCode(attemptsLeft: 4)),
    ]),
    PairingScenario(name: "a second lock after the first has lifted", draws: [1, 2], steps:
        [(.begin(at: 0), .shows("000001"))] + fiveWrong(from: 1) + [(.begin(at: 65), .shows("000002"))]
            + fiveWrong(from: 66) + [(.begin(at: 100), .locked(until: 130))]),
    PairingScenario(name: "draws at or above 4 294 000 000 are rejected, not folded",
                    draws: [4_294_000_000, 4_294_967_295, 4_293_999_999], steps: [
        (.begin(at: 0), .shows("999999")),
    ]),
    PairingScenario(name: "a failing generator shows no code", draws: [], steps: [
        (.begin(at: 0), .randomnessUnavailable),
        (.complete("000000", at: 1), .notStarted),
    ]),
]

@Suite("Pairing state machine")
struct PairingStateMachineTests {
    private let start = ContinuousClock.now

    private func instant(_ second: Int) -> ContinuousClock.Instant { start + .seconds(second) }

    private func seconds(_ instant: ContinuousClock.Instant) -> Int {
        let offset = start.duration(to: instant).components
        #expect(offset.attoseconds == 0, "instants in these scenarios are whole seconds")
        return Int(offset.seconds)
    }

    @Test(arguments: pairingScenarios)
    func scenario(_ scenario: PairingScenario) {
        var machine = PairingStateMachine(random: ScriptedRandom(words: scenario.draws))
        for (index, (step, expected)) in scenario.steps.enumerated() {
            let outcome: PairingOutcome
            switch step {
            case .begin(let at, let address):
                switch machine.begin(now: instant(at), from: address) {
                case .success(let challenge):
                    #expect(challenge.expiresAt == instant(at + 120))
                    #expect(challenge.action == .display(challenge.code))
                    #expect(challenge.action.displayLine == "M117 Pairing code \(challenge.code.digits)")
                    #expect(machine.isPending(now: instant(at)))
                    outcome = .shows(challenge.code.digits)
                case .failure(let error):
                    outcome = map(error)
                }
            case .complete(let code, let at, let address):
                switch machine.complete(code: code, now: instant(at), from: address) {
                case .success(let grant):
                    #expect(grant.completedAt == instant(at))
                    #expect(!machine.isPending(now: instant(at)), "a granted code is spent")
                    outcome = .granted
                case .failure(let error):
                    outcome = map(error)
                }
            }
            #expect(outcome == expected, "step \(index): \(step)")
        }
    }

    private func map(_ error: PairingError) -> PairingOutcome {
        switch error {
        case .notStarted: .notStarted
        case .expired: .expired
        case .wrongCode(let left): .wrongCode(attemptsLeft: left)
        case .locked(let until): .locked(until: seconds(until))
        case .randomnessUnavailable: .randomnessUnavailable
        }
    }

    @Test func pendingEndsWhenTheCodeExpires() {
        var machine = PairingStateMachine(random: ScriptedRandom(words: [5]))
        #expect(!machine.isPending(now: instant(0)))
        _ = machine.begin(now: instant(0))
        #expect(machine.isPending(now: instant(119)))
        #expect(!machine.isPending(now: instant(120)))
    }

    @Test(arguments: [
        (lockedFor: Duration.seconds(60), now: Duration.milliseconds(500), retryAfter: 60),
        (lockedFor: .seconds(60), now: .seconds(59), retryAfter: 1),
        (lockedFor: .seconds(60), now: .milliseconds(59_001), retryAfter: 1),
        (lockedFor: .seconds(60), now: .seconds(60), retryAfter: 0),
        (lockedFor: .seconds(60), now: .seconds(61), retryAfter: 0),
    ])
    func retryAfterRoundsUp(lockedFor: Duration, now: Duration, retryAfter: Int) {
        let error = PairingError.locked(until: start + lockedFor)
        #expect(error.retryAfterSeconds(now: start + now) == retryAfter)
    }

    @Test(arguments: [PairingError.notStarted, .expired, .wrongCode(attemptsLeft: 3), .randomnessUnavailable])
    func onlyALockHasARetryAfter(_ error: PairingError) {
        #expect(error.retryAfterSeconds(now: start) == nil)
    }

    @Test func codesFromOpenSSLVaryAndHaveSixDigits() throws {
        var machine = PairingStateMachine()
        var seen = Set<String>()
        for second in 0..<200 {
            let challenge = try machine.begin(now: instant(second)).get()
            #expect(challenge.code.digits.utf8.count == 6)
            #expect(challenge.code.digits.utf8.allSatisfy { (0x30...0x39).contains($0) })
            seen.insert(challenge.code.digits)
        }
        // 200 draws from a million codes collide about 0.02 times on average.
        #expect(seen.count >= 195)
    }
}
