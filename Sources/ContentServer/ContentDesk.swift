import Foundation

/// The server's mutable state behind one actor: tokens, the fault plan; plus the catalog and the hashes it asks.
actor ContentDesk {
    let catalog: ContentCatalog
    let hashes = ContentHashes()
    let ledger = RequestLedger()
    let stop = StopSignal()
    let adminKey: String
    private let defaultLifetime: Duration
    private let now: @Sendable () -> Date
    private var tokens = TokenBook()
    private(set) var faults: ContentFaults

    init(settings: ContentServerSettings, catalog: ContentCatalog) {
        self.catalog = catalog
        self.adminKey = settings.adminKey
        self.defaultLifetime = settings.tokenLifetime
        self.now = settings.now
        self.faults = settings.faults
    }

    func issueToken(contentId: String, lifetime: Duration?) throws(ContentServerError) -> IssuedToken {
        guard catalog.entry(for: contentId) != nil else { throw .unknownContent(contentId) }
        return tokens.issue(contentId: contentId, lifetime: lifetime ?? defaultLifetime, now: now())
    }

    func check(token: String) -> TokenBook.Check { tokens.check(token, now: now()) }

    func expireAllTokens() { tokens.expireAll() }

    func setFaults(_ faults: ContentFaults) { self.faults = faults }

    func verdict(for range: ClosedRange<Int64>?) -> ContentFaults.Verdict { faults.next(for: range) }

    /// Constant-time comparison, so the key cannot be guessed byte by byte from response times.
    nonisolated func isAdmin(_ presented: String?) -> Bool {
        guard let presented else { return false }
        let a = Array(presented.utf8), b = Array(adminKey.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
