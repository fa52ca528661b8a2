/// What the caller must do so the person at the printer sees the code: the state machine stays pure and leaves
/// the serial line and the log to its caller.
public enum PairingAction: Sendable, Equatable {
    case display(PairingCode)

    /// The console line for the printer's display (Marlin, Prusa and RepRapFirmware all show M117 text).
    public var displayLine: String {
        switch self {
        case .display(let code): "M117 Pairing code \(code.digits)"
        }
    }
}

public struct PairingChallenge: Sendable, Equatable {
    public let code: PairingCode
    public let expiresAt: ContinuousClock.Instant
    public let action: PairingAction
}

/// Proof that the right code arrived in time; the caller answers it with a fresh access token.
public struct PairingGrant: Sendable, Equatable {
    public let completedAt: ContinuousClock.Instant
}

public enum PairingError: Error, Sendable, Equatable {
    /// No code has been shown (or the last one was spent, expired, or discarded by a lock).
    case notStarted
    case expired
    /// The code was wrong; this many more wrong codes are allowed before pairing locks.
    case wrongCode(attemptsLeft: Int)
    /// Too many wrong codes: neither `begin` nor `complete` is accepted before `until`.
    case locked(until: ContinuousClock.Instant)
    case randomnessUnavailable

    /// For the client's "retry after" hint: the whole seconds (rounded up) until a lock lifts, else nil.
    public func retryAfterSeconds(now: ContinuousClock.Instant) -> Int? {
        guard case .locked(let until) = self else { return nil }
        let remaining = now.duration(to: until).components
        return max(0, Int(remaining.seconds) + (remaining.attoseconds > 0 ? 1 : 0))
    }
}

/// Pairing as a pure state machine: time arrives as a monotonic instant (a board without an RTC steps its wall
/// clock by decades when NTP syncs, which must neither expire nor eternalise a code) and randomness is injected.
/// Not thread-safe by itself: the endpoint keeps one behind a lock, since the code shown is per agent.
///
/// Wrong codes are counted per client address: five lock that address (begin and complete) for a minute, while
/// the person at the printer, on another address, can still pair with the code on the display. A looser bound
/// over all addresses keeps guessing from many addresses bounded: twenty wrong codes in all discard the shown
/// code and lock pairing for everyone for a minute.
public struct PairingStateMachine: Sendable {
    public static let codeLifetime: Duration = .seconds(120)
    public static let wrongCodesBeforeLock = 5
    public static let wrongCodesBeforeGlobalLock = 20
    public static let lockDuration: Duration = .seconds(60)

    private let random: any RandomByteSource
    private var pending: PairingChallenge?
    /// Per address. Counts across `begin`s on purpose: were a new code to reset it, asking for codes would buy
    /// unlimited guesses. At most `wrongCodesBeforeGlobalLock` addresses are ever in it (the global lock empties it).
    private var wrongCodes: [String: Int] = [:]
    private var lockedUntil: [String: ContinuousClock.Instant] = [:]
    private var globalWrongCodes = 0
    private var globalLockedUntil: ContinuousClock.Instant?

    public init(random: any RandomByteSource = KernelRandom()) {
        self.random = random
    }

    /// Whether a code is currently shown and still valid.
    public func isPending(now: ContinuousClock.Instant) -> Bool {
        guard let pending else { return false }
        return now < pending.expiresAt
    }

    /// Shows a new code, replacing any earlier one.
    public mutating func begin(now: ContinuousClock.Instant, from address: String = "") -> Result<PairingChallenge, PairingError> {
        if let lock = activeLock(now: now, address: address) { return .failure(lock) }
        let code: PairingCode
        do {
            code = try PairingCode.draw(from: random)
        } catch {
            return .failure(.randomnessUnavailable)
        }
        let challenge = PairingChallenge(code: code, expiresAt: now + Self.codeLifetime, action: .display(code))
        pending = challenge
        return .success(challenge)
    }

    public mutating func complete(code presented: String, now: ContinuousClock.Instant,
                                  from address: String = "") -> Result<PairingGrant, PairingError> {
        if let lock = activeLock(now: now, address: address) { return .failure(lock) }
        guard let challenge = pending else { return .failure(.notStarted) }
        guard now < challenge.expiresAt else {
            pending = nil
            return .failure(.expired)
        }
        if ConstantTime.equal(challenge.code.digits, presented) {
            pending = nil
            wrongCodes[address] = nil
            globalWrongCodes = 0
            return .success(PairingGrant(completedAt: now))
        }
        let count = (wrongCodes[address] ?? 0) + 1
        globalWrongCodes += 1
        let until = now + Self.lockDuration
        if globalWrongCodes >= Self.wrongCodesBeforeGlobalLock {
            // The shown code has been guessed at too often to trust: it goes, and a new one needs a new begin.
            globalLockedUntil = until
            pending = nil
            globalWrongCodes = 0
            wrongCodes = [:]
            return .failure(.locked(until: until))
        }
        guard count >= Self.wrongCodesBeforeLock else {
            wrongCodes[address] = count
            return .failure(.wrongCode(attemptsLeft: Self.wrongCodesBeforeLock - count))
        }
        wrongCodes[address] = nil
        lockedUntil[address] = until
        return .failure(.locked(until: until))
    }

    private mutating func activeLock(now: ContinuousClock.Instant, address: String) -> PairingError? {
        if let until = globalLockedUntil {
            if now < until { return .locked(until: until) }
            globalLockedUntil = nil
        }
        // Expired locks go, so that addresses seen once do not pile up.
        lockedUntil = lockedUntil.filter { now < $0.value }
        if let until = lockedUntil[address] { return .locked(until: until) }
        return nil
    }
}
