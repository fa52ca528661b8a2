import AsyncHTTPClient
import ContentContract
import Foundation
import NIOCore

extension ContentClient {
    /// How often progress is reported while bytes flow (and once when a response ends).
    static let progressStep: Int64 = 1 << 20
    /// The longest wait between two progress reports while bytes flow.
    static let progressInterval: Duration = .milliseconds(250)

    /// Streams the selected content into `partPath`, resuming from what is already there, checks its size and
    /// SHA-256, fsyncs it and renames it to `finalPath`. The part file is kept when the download is cancelled or
    /// gives up on a network failure (a later call resumes it) and removed when the spool is full or the bytes
    /// twice fail their check. It ends, whatever the server does, within `settings.bounds`: so many failed
    /// attempts, and a deadline from the bytes still missing.
    public func download(_ selection: ContentSelection, server: String, token: String, partPath: String,
                         finalPath: String,
                         progress: @escaping @Sendable (DownloadProgress) -> Void) async throws(ContentError) -> DownloadedContent {
        let missing = selection.size - (PartFile.existingLength(at: partPath) ?? 0)
        let deadline = settings.bounds.deadline(missingBytes: missing)
        let outcome = await Self.within(deadline) { () async throws(ContentError) -> DownloadedContent in
            try await self.transfer(selection, server: server, token: token, partPath: partPath, finalPath: finalPath,
                                    progress: progress)
        }
        guard let outcome else {
            let arrived = PartFile.existingLength(at: partPath) ?? 0
            let reason = "it took longer than the \(Self.seconds(deadline)) allowed (\(Self.seconds(settings.bounds.allowance)) "
                + "plus \(max(missing, 0)) bytes at \(settings.bounds.minimumBytesPerSecond) bytes/s, the slowest rate accepted); "
                + "\(arrived) of \(selection.size) bytes arrived"
            logger.warning("download took too long", metadata: ["url": "\(selection.uri)", "reason": "\(reason)"])
            throw .downloadFailed(reason)
        }
        return try outcome.get()
    }

    /// "312 s", "1.5 s": a duration as people read it in a job's message.
    static func seconds(_ duration: Duration) -> String {
        let (whole, fraction) = duration.components
        let tenths = fraction / 100_000_000_000_000_000
        return tenths == 0 ? "\(whole) s" : "\(whole).\(tenths) s"
    }

    /// Runs `body` until it ends or `limit` passes, whichever comes first: then it is cancelled and nil returned
    /// (unless it had finished in the same instant). Cancelling the caller cancels `body`, which says so itself.
    static func within<T: Sendable>(_ limit: Duration,
                                    _ body: @escaping @Sendable () async throws(ContentError) -> T) async -> Result<T, ContentError>? {
        return await withTaskGroup(of: RaceArrival<T>?.self) { group in
            group.addTask {
                do throws(ContentError) {
                    return .finished(.success(try await body()))
                } catch {
                    return .finished(.failure(error))
                }
            }
            group.addTask {
                do { try await Task.sleep(for: limit) } catch { return nil }
                return .timeUp
            }
            var timeUp = false
            while let arrival = await group.next() {
                switch arrival {
                case .timeUp?:
                    timeUp = true
                    group.cancelAll()
                case .finished(let result)?:
                    group.cancelAll()
                    if timeUp, case .failure(.cancelled) = result { return nil }
                    return result
                case nil:
                    break
                }
            }
            return nil
        }
    }

    private func transfer(_ selection: ContentSelection, server: String, token: String, partPath: String,
                          finalPath: String,
                          progress: @escaping @Sendable (DownloadProgress) -> Void) async throws(ContentError) -> DownloadedContent {
        let selection = try selection.checked()
        _ = try allowlist.check(server)
        guard let serverURL = try? ContentURL(server) else { throw .serverNotTrusted(server) }
        _ = try allowlist.check(selection.uri)
        let size = selection.size

        if ResumePlan(partBytes: PartFile.existingLength(at: partPath), size: size) == .discard {
            logger.info("discarding a part file longer than the content", metadata: ["part": "\(partPath)"])
            PartFile.remove(partPath)
        }
        try checkSpace(size: size, partBytes: PartFile.existingLength(at: partPath) ?? 0, partPath: partPath)
        if Task.isCancelled { throw .cancelled }

        let part = try PartFile(path: partPath)
        let resumedFrom = part.length
        logger.info("downloading", metadata: ["url": "\(selection.uri)", "size": "\(size)",
                                              "resumingFrom": "\(resumedFrom)", "part": "\(partPath)"])
        let writer = PartWriter(part: part) { length in
            progress(DownloadProgress(bytes: length, total: size, resumedFrom: resumedFrom))
        }
        writer.start()
        defer { writer.close() }
        var url = selection.uri
        var attempts = 0
        var failures = 0
        var failedAttempts = 0
        // The longest the part has been: an attempt that does not take it further made no progress (a server that
        // ignores Range and sends the same short body again makes none, though bytes arrive).
        var longest = part.length
        var mismatches = 0
        var redirects = 0
        while true {
            if part.length == size {
                let digest = part.digest()
                if digest == selection.sha256 {
                    try part.sync()
                    try PartFile.moveIntoPlace(from: partPath, to: finalPath)
                    progress(DownloadProgress(bytes: size, total: size, resumedFrom: resumedFrom))
                    logger.info("downloaded", metadata: ["url": "\(url)", "size": "\(size)", "attempts": "\(attempts)",
                                                         "path": "\(finalPath)"])
                    return DownloadedContent(path: finalPath, size: size, sha256: digest, resumedFrom: resumedFrom,
                                             attempts: attempts)
                }
                try countMismatch(&mismatches, part: part,
                                  "SHA-256 of the download does not match: expected \(selection.sha256), got \(digest)")
                continue
            }
            if Task.isCancelled { throw .cancelled }

            attempts += 1
            part.reserve(upTo: size)
            let receiver = ContentResponseReceiver(part: part, writer: writer, size: size, url: url)
            let transportError = await fetch(url, from: part.length, sha256: selection.sha256, token: token,
                                             tokenOrigin: serverURL.origin, into: receiver)
            let writeFailure = await writer.drained()
            if receiver.received > 0 {
                progress(DownloadProgress(bytes: part.length, total: size, resumedFrom: resumedFrom))
            }
            let outcome = writeFailure.map { AttemptOutcome.failed(.fatal($0)) }
                ?? outcome(of: receiver, transportError: transportError, part: part, size: size, url: url)
            switch outcome {
            case .complete:
                continue
            case .redirect(let location):
                redirects += 1
                url = try redirectTarget(location, from: url, redirects: redirects)
                attempts -= 1
            case .mismatch(let reason):
                try countMismatch(&mismatches, part: part, reason)
            case .failed(.cancelled):
                logger.info("download cancelled; the part file is kept", metadata: ["bytes": "\(part.length)"])
                throw .cancelled
            case .failed(.fatal(let error)):
                if case .spoolFull = error { PartFile.remove(partPath) }
                logger.warning("download failed", metadata: ["url": "\(url)", "error": "\(error)"])
                throw error
            case .failed(.transient(let reason)):
                failures = part.length > longest ? 1 : failures + 1
                longest = max(longest, part.length)
                failedAttempts += 1
                guard settings.bounds.allowsAnotherAttempt(afterFailures: failedAttempts) else {
                    logger.warning("giving up", metadata: ["url": "\(url)", "failedAttempts": "\(failedAttempts)",
                                                           "reason": "\(reason)"])
                    throw .downloadFailed("\(reason) (after \(failedAttempts) failed attempts, the most allowed for one download)")
                }
                try await backOff(failures: failures, reason: reason, url: url) { .downloadFailed($0) }
            }
        }
    }

    /// What ends first in `within`: the work, or the time it was given.
    enum RaceArrival<T: Sendable>: Sendable {
        case finished(Result<T, ContentError>)
        case timeUp
    }

    enum AttemptOutcome {
        /// The part now holds as many bytes as the content (their hash is checked next).
        case complete
        case redirect(String)
        case mismatch(String)
        case failed(AttemptFailure)
    }

    /// One GET of the content into the receiver, cancelled with the task; the error that ended it, if any.
    private func fetch(_ url: String, from offset: Int64, sha256: String, token: String,
                       tokenOrigin: ContentURL.Origin, into receiver: ContentResponseReceiver) async -> (any Error)? {
        do {
            let entry = try allowlist.check(url)
            let parsed = try ContentURL(url)
            var request = try HTTPClient.Request(url: url, method: .GET)
            request.headers.add(name: "Accept-Encoding", value: "identity")
            if offset > 0 {
                request.headers.add(name: "Range", value: "bytes=\(offset)-")
                request.headers.add(name: "If-Range", value: "\"\(sha256)\"")
            }
            if parsed.origin == tokenOrigin { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            logger.debug("content request", metadata: ["url": "\(url)", "from": "\(offset)",
                                                       "token": "\(parsed.origin == tokenOrigin ? "sent" : "withheld")"])
            let client = try clients.client(caFile: entry.server.caFile)
            // The receiver runs on the connection's own event loop: with any other, every buffer would cross threads.
            let task = client.execute(request: request, delegate: receiver,
                                      eventLoop: .delegateAndChannel(on: client.eventLoopGroup.next()), logger: logger)
            try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            return nil
        } catch {
            return error
        }
    }

    /// What one response amounts to, from what the receiver saw and how the exchange ended.
    private func outcome(of receiver: ContentResponseReceiver, transportError: (any Error)?, part: PartFile,
                         size: Int64, url: String) -> AttemptOutcome {
        switch receiver.stop {
        case .mismatch(let reason)?: return .mismatch(reason)
        case .failed(let error)?: return .failed(.fatal(error))
        case nil: break
        }
        if let transportError { return .failed(AttemptFailure(transportError, url: url)) }
        switch receiver.decision {
        case .write?:
            if part.length == size { return .complete }
            return .failed(.transient("the response ended after \(part.length) of \(size) bytes"))
        case .restartFromZero(let reason)?:
            do { try part.truncate() } catch { return .failed(.fatal(error)) }
            return .failed(.transient(reason))
        case .mismatch(let reason)?: return .mismatch(reason)
        case .retry(let reason)?: return .failed(.transient(reason))
        case .redirect(let location)?: return .redirect(location)
        case .fail(let error)?: return .failed(.fatal(error))
        case nil: return .failed(.transient("\(url) ended without a response"))
        }
    }

    /// A redirect of the content request, allowed only to a trusted URL and only so many times.
    private func redirectTarget(_ location: String, from url: String, redirects: Int) throws(ContentError) -> String {
        guard redirects <= Self.redirectLimit else {
            throw .downloadFailed("\(url) redirected more than \(Self.redirectLimit) times")
        }
        let target: String
        do {
            target = try ContentURL(url).resolving(location: location).text
        } catch {
            throw .serverNotTrusted(ServerAllowlist.shown(location, refusal: error))
        }
        _ = try allowlist.check(target)
        logger.debug("redirected", metadata: ["to": "\(target)"])
        return target
    }

    /// A first mismatch starts the download over from zero; a second one removes the part and fails.
    private func countMismatch(_ mismatches: inout Int, part: PartFile, _ reason: String) throws(ContentError) {
        mismatches += 1
        if mismatches >= 2 {
            PartFile.remove(part.path)
            logger.error("integrity check failed twice; part removed", metadata: ["part": "\(part.path)"])
            throw .integrityFailed("\(reason) — the second time, after a fresh download")
        }
        logger.warning("integrity check failed; downloading again from zero", metadata: ["reason": "\(reason)"])
        try part.truncate()
    }

    /// Free space and quota, before a single content byte is asked for.
    private func checkSpace(size: Int64, partBytes: Int64, partPath: String) throws(ContentError) {
        let partDirectory = (partPath as NSString).deletingLastPathComponent
        let free = try SpoolSpace.freeBytes(at: partDirectory.isEmpty ? "." : partDirectory)
        let spoolBytes = settings.spoolQuotaBytes == nil
            ? 0 : SpoolSpace.regularFileBytes(in: settings.spoolDirectory, excluding: partPath)
        if let refusal = SpoolSpace.refusal(size: size, partBytes: partBytes, freeBytes: free,
                                            reserveBytes: settings.reserveBytes, quotaBytes: settings.spoolQuotaBytes,
                                            spoolBytesOtherThanPart: spoolBytes) {
            logger.warning("no room for the content", metadata: ["size": "\(size)", "error": "\(refusal)"])
            throw refusal
        }
    }
}
