import Content
import Testing

@Suite struct ContentPolicyTests {
    @Test(arguments: [
        (1, 500), (2, 1000), (3, 2000), (4, 4000), (5, 8000), (6, 8000), (40, 8000), (0, 500),
    ])
    func delaysDoubleUpToTheCap(failure: Int, milliseconds: Int) {
        let policy = RetryPolicy()
        #expect(policy.delay(afterFailure: failure) == .milliseconds(milliseconds))
    }

    @Test(arguments: [(0.0, 400), (0.5, 500), (1.0, 600), (-3.0, 400), (7.0, 600)])
    func jitterMovesTheDelayByItsFraction(sample: Double, milliseconds: Int) {
        let policy = RetryPolicy(jitter: 0.2)
        #expect(policy.delay(afterFailure: 1, jitterSample: sample) == .milliseconds(milliseconds))
    }

    @Test func attemptsCountFailuresInARow() {
        let policy = RetryPolicy(attempts: 3)
        #expect(policy.allowsAnotherAttempt(after: 2))
        #expect(!policy.allowsAnotherAttempt(after: 3))
    }

    struct SpaceCase: Sendable, CustomStringConvertible {
        var size: Int64, part: Int64, free: Int64, reserve: Int64, quota: Int64?, spool: Int64
        var expected: String
        var description: String { expected }
    }

    @Test(arguments: [
        SpaceCase(size: 100, part: 0, free: 164, reserve: 64, quota: nil, spool: 0, expected: "fits"),
        SpaceCase(size: 100, part: 0, free: 163, reserve: 64, quota: nil, spool: 0, expected: "full"),
        SpaceCase(size: 100, part: 60, free: 104, reserve: 64, quota: nil, spool: 0, expected: "fits"),
        SpaceCase(size: 100, part: 60, free: 103, reserve: 64, quota: nil, spool: 0, expected: "full"),
        SpaceCase(size: 100, part: 200, free: 64, reserve: 64, quota: nil, spool: 0, expected: "fits"),
        SpaceCase(size: .max, part: 0, free: .max, reserve: 64, quota: nil, spool: 0, expected: "full"),
        SpaceCase(size: 100, part: 0, free: 1000, reserve: 0, quota: 300, spool: 200, expected: "fits"),
        SpaceCase(size: 100, part: 0, free: 1000, reserve: 0, quota: 299, spool: 200, expected: "quota"),
        SpaceCase(size: 100, part: 90, free: 1000, reserve: 0, quota: 100, spool: 0, expected: "fits"),
        SpaceCase(size: 100, part: 0, free: 99, reserve: 0, quota: 50, spool: 0, expected: "full"),
    ])
    func spaceAndQuota(space: SpaceCase) {
        let refusal = SpoolSpace.refusal(size: space.size, partBytes: space.part, freeBytes: space.free,
                                         reserveBytes: space.reserve, quotaBytes: space.quota,
                                         spoolBytesOtherThanPart: space.spool)
        switch refusal {
        case nil: #expect(space.expected == "fits")
        case .spoolFull?: #expect(space.expected == "full")
        case .quotaExceeded?: #expect(space.expected == "quota")
        case let other?: Issue.record("unexpected \(other)")
        }
    }

    static let token = "tk_9f8e7d6c5b4a"

    /// Every error a download can end with reads as a sentence and never holds the token it was made with.
    @Test(arguments: [
        ContentError.serverNotTrusted("https://evil.example/a"),
        .plainHTTPNotAllowed("http://files.example/a"),
        .tokenRejected(status: 401),
        .nothingSelected,
        .badSelection("a negative size (-1)"),
        .downloadFailed("https://h/c answered HTTP 404"),
        .integrityFailed("SHA-256 of the download does not match"),
        .spoolFull("1 more bytes are needed"),
        .quotaExceeded("the quota is 1 bytes"),
        .cancelled,
    ])
    func descriptionsAreSentencesWithoutTheToken(error: ContentError) {
        #expect(!error.description.contains(Self.token))
        #expect(!error.description.contains("Bearer"))
        #expect(error.description.count > 20)
        #expect(error.description.first?.isLowercase == true || error.description.first == "h")
    }

    @Test func tokenRejectionSaysSo() {
        #expect(ContentError.tokenRejected(status: 401).description.hasPrefix("the content server refused the token (HTTP 401)"))
    }
}
