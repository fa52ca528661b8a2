import Testing
@testable import PrinterLink

/// The resend sub-machine alone: what it decides for each request, without a window or a wire.
@Suite struct ResendRecoveryTests {
    let start = ContinuousClock.now
    let settle = Duration.milliseconds(30)

    func request(_ recovery: inout ResendRecovery, _ line: Int, at offset: Duration = .zero, highest: Int = 20,
                 canResend: Bool = true, behind: Int = 0, linesSent: Int = 100) -> ResendRecovery.Decision {
        recovery.request(line, now: start + offset, highest: highest, canResend: canResend, behind: behind,
                         linesSent: linesSent, settleTime: settle)
    }

    @Test func aRequestSendsTheLineAgainAndCountsTheRepetitionsBehindIt() {
        var recovery = ResendRecovery(settings: LinkSettings())
        #expect(request(&recovery, 10, behind: 3) == .resend(from: 10, fallBack: false))
        #expect(recovery.phase == .countingRepetitions(line: 10, remaining: 3, until: start + settle))
        // The three lines that were on the wire behind line 10 are rejected in turn: no line goes out for them.
        for _ in 0..<3 { #expect(request(&recovery, 10) == .repetition) }
        #expect(recovery.phase == .steady)
        // A fourth request for it is new: the line sent again failed too.
        #expect(request(&recovery, 10) == .resend(from: 10, fallBack: false))
    }

    @Test func aDamagedLineIsANewFailureNotARepetition() {
        var recovery = ResendRecovery(settings: LinkSettings())
        _ = request(&recovery, 10, behind: 3)
        recovery.errorArrived(lastLine: 9, damaged: true)
        #expect(request(&recovery, 10, behind: 2) == .resend(from: 10, fallBack: false))
        recovery.errorArrived(lastLine: 9, damaged: false)
        #expect(request(&recovery, 10) == .repetition)
    }

    @Test func repetitionsAreOnlyExpectedWithinTheWireTimeOfTheBuffer() {
        var recovery = ResendRecovery(settings: LinkSettings())
        _ = request(&recovery, 10, behind: 3)
        #expect(request(&recovery, 10, at: .milliseconds(31)) == .resend(from: 10, fallBack: false))
    }

    @Test func theOkOfTheLineAskedForEndsTheCounting() {
        var recovery = ResendRecovery(settings: LinkSettings())
        _ = request(&recovery, 10, behind: 3)
        recovery.confirmed(9)
        #expect(recovery.isRecovering)
        recovery.confirmed(10)
        #expect(!recovery.isRecovering)
        #expect(request(&recovery, 10) == .resend(from: 10, fallBack: false))
    }

    @Test func onlyTheOkRightAfterARequestIsNotAnAcknowledgement() {
        var recovery = ResendRecovery(settings: LinkSettings())
        _ = request(&recovery, 10)
        do { let result = recovery.takeOkFollowingRequest(); #expect(result) }
        do { let result = recovery.takeOkFollowingRequest(); #expect(!result) }
        _ = request(&recovery, 11)
        recovery.otherReplyArrived()
        do { let result = recovery.takeOkFollowingRequest(); #expect(!result) }
        var silent = LinkSettings()
        silent.resendWithoutOk = true
        var withoutOk = ResendRecovery(settings: silent)
        _ = request(&withoutOk, 10)
        do { let result = withoutOk.takeOkFollowingRequest(); #expect(!result) }
    }

    @Test func theNextLineIsNothingToSendAgain() {
        var recovery = ResendRecovery(settings: LinkSettings())
        #expect(request(&recovery, 21, highest: 20) == .nextLine(21))
    }

    @Test func aLineTheHostCannotSendIsBelievedOutOfStepWhenRepeated() {
        var recovery = ResendRecovery(settings: LinkSettings())
        #expect(request(&recovery, 500, canResend: false) == .outOfStep(announce: false))
        #expect(!recovery.isOutOfStep)
        #expect(request(&recovery, 500, canResend: false) == .outOfStep(announce: true))
        #expect(recovery.isOutOfStep)
        #expect(request(&recovery, 500, canResend: false) == .outOfStep(announce: false))
        // Three requests, three rejected lines: with three in flight, those are the rejected ones.
        #expect(recovery.inFlightAreRejected(count: 3))
        #expect(!recovery.inFlightAreRejected(count: 4))
    }

    @Test func aLastLineThatAgreesMakesTheFirstUnmatchedRequestCredible() {
        var recovery = ResendRecovery(settings: LinkSettings())
        recovery.errorArrived(lastLine: 499, damaged: false)
        #expect(request(&recovery, 500, canResend: false) == .outOfStep(announce: true))
    }

    @Test func renumberingWaitsForTheRejectionsToSettle() {
        var recovery = ResendRecovery(settings: LinkSettings())
        _ = request(&recovery, 500, canResend: false)
        _ = request(&recovery, 500, canResend: false)
        do { let result = recovery.renumberingIsDue(now: start + .milliseconds(10), inFlight: 2); #expect(!result) }
        do { let result = recovery.renumberingIsDue(now: start + .milliseconds(40), inFlight: 3); #expect(!result) }
        do { let result = recovery.renumberingIsDue(now: start + .milliseconds(40), inFlight: 2); #expect(result) }
        #expect(recovery.desyncRecoveries == 1)
        #expect(!recovery.isOutOfStep)
        recovery.jobProgressed()
        #expect(recovery.desyncRecoveries == 0)
    }

    @Test func theSameLineAgainAndAgainIsAStorm() {
        var settings = LinkSettings()
        settings.resendStormLimit = 3
        var recovery = ResendRecovery(settings: settings)
        for _ in 0..<3 { #expect(request(&recovery, 10) == .resend(from: 10, fallBack: false)) }
        #expect(request(&recovery, 10) == .storm(line: 10, count: 4))
    }

    @Test func manyRequestsWithinFewLinesFallBackToOneLine() {
        var settings = LinkSettings()
        settings.misbehaviourResends = 3
        settings.misbehaviourWindowLines = 10
        var recovery = ResendRecovery(settings: settings)
        #expect(request(&recovery, 1, linesSent: 100) == .resend(from: 1, fallBack: false))
        #expect(request(&recovery, 2, linesSent: 104) == .resend(from: 2, fallBack: false))
        #expect(request(&recovery, 3, linesSent: 108) == .resend(from: 3, fallBack: true))
        #expect(request(&recovery, 4, linesSent: 200) == .resend(from: 4, fallBack: false))
    }
}
