import AsyncHTTPClient
import Foundation
import NIOCore

extension ContentClient {
    /// How often progress is reported while bytes flow (and once when a response ends).
    static let progressStep: Int64 = 1 << 20

    /// Streams the selected content into `partPath`, resuming from what is already there, checks its size and
    /// SHA-256, fsyncs it and renames it to `finalPath`. The part file is kept when the download is cancelled or
    /// gives up on a network failure (a later call resumes it) and removed when the spool is full or the bytes
    /// twice fail their check.
    public func download(_ selection: ContentSelection, server: String, token: String, partPath: String,
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

        var part = try PartFile(path: partPath)
        let resumedFrom = part.length
        logger.info("downloading", metadata: ["url": "\(selection.uri)", "size": "\(size)",
                                              "resumingFrom": "\(resumedFrom)", "part": "\(partPath)"])
        var url = selection.uri
        var attempts = 0
        var failures = 0
        var mismatches = 0
        while true {
            if part.length == size {
                let digest = try part.digest()
                if digest == selection.sha256 {
                    try part.sync()
                    try PartFile.moveIntoPlace(from: partPath, to: finalPath)
                    progress(DownloadProgress(bytes: size, total: size, resumedFrom: resumedFrom))
                    logger.info("downloaded", metadata: ["url": "\(url)", "size": "\(size)", "attempts": "\(attempts)",
                                                         "path": "\(finalPath)"])
                    return DownloadedContent(path: finalPath, size: size, sha256: digest, resumedFrom: resumedFrom,
                                             attempts: attempts)
                }
                try countMismatch(&mismatches, part: &part,
                                  "SHA-256 of the download does not match: expected \(selection.sha256), got \(digest)")
                continue
            }
            if Task.isCancelled { throw .cancelled }

            attempts += 1
            let startedAt = part.length
            var headers = [("Accept-Encoding", "identity")]
            if startedAt > 0 {
                headers.append(("Range", "bytes=\(startedAt)-"))
                headers.append(("If-Range", "\"\(selection.sha256)\""))
            }
            logger.debug("content request", metadata: ["url": "\(url)", "from": "\(startedAt)", "attempt": "\(attempts)"])
            var received: Int64 = 0
            let outcome: AttemptOutcome
            do {
                let (response, answeredURL) = try await send(url, token: token, tokenOrigin: serverURL.origin,
                                                             headers: headers)
                url = answeredURL
                let decision = ContentResponseDecision(
                    status: Int(response.status.code), contentRange: response.headers.first(name: "Content-Range"),
                    location: response.headers.first(name: "Location"), requestedFrom: startedAt, size: size, url: url)
                switch decision {
                case .write(let from):
                    if from == 0 && part.length > 0 {
                        logger.info("the server sent the whole content; starting over", metadata: ["url": "\(url)"])
                        try part.truncate()
                    }
                    outcome = try await receive(response.body, into: &part, size: size, received: &received,
                                                resumedFrom: resumedFrom, progress: progress)
                case .restartFromZero(let reason):
                    try part.truncate()
                    outcome = .failed(.transient(reason))
                case .mismatch(let reason):
                    outcome = .mismatch(reason)
                case .retry(let reason):
                    outcome = .failed(.transient(reason))
                case .redirect(let location):
                    outcome = .failed(.fatal(.downloadFailed("\(url) redirected to \(location) once too often")))
                case .fail(let error):
                    outcome = .failed(.fatal(error))
                }
            } catch {
                outcome = .failed(AttemptFailure(error, url: url))
            }

            switch outcome {
            case .complete:
                continue
            case .mismatch(let reason):
                try countMismatch(&mismatches, part: &part, reason)
            case .failed(.cancelled):
                logger.info("download cancelled; the part file is kept", metadata: ["bytes": "\(part.length)"])
                throw .cancelled
            case .failed(.fatal(let error)):
                if case .spoolFull = error { PartFile.remove(partPath) }
                logger.warning("download failed", metadata: ["url": "\(url)", "error": "\(error)"])
                throw error
            case .failed(.transient(let reason)):
                failures = received > 0 ? 1 : failures + 1
                try await backOff(failures: failures, reason: reason, url: url) { .downloadFailed($0) }
            }
        }
    }

    enum AttemptOutcome {
        /// The part now holds as many bytes as the content (their hash is checked next).
        case complete
        case mismatch(String)
        case failed(AttemptFailure)
    }

    /// The hot path: each buffer is hashed and written as it arrives; AsyncHTTPClient reads the socket only as
    /// fast as this loop consumes, so memory stays bounded whatever the content's size.
    private func receive(_ body: HTTPClientResponse.Body, into part: inout PartFile, size: Int64,
                         received: inout Int64, resumedFrom: Int64,
                         progress: @Sendable (DownloadProgress) -> Void) async throws -> AttemptOutcome {
        var reported = part.length
        for try await buffer in body {
            let count = Int64(buffer.readableBytes)
            if part.length + count > size {
                return .mismatch("the server sent more than the announced \(size) bytes")
            }
            try buffer.withUnsafeReadableBytes { bytes throws(ContentError) in try part.append(bytes) }
            received += count
            if part.length - reported >= Self.progressStep {
                reported = part.length
                progress(DownloadProgress(bytes: part.length, total: size, resumedFrom: resumedFrom))
            }
            if Task.isCancelled { throw CancellationError() }
        }
        progress(DownloadProgress(bytes: part.length, total: size, resumedFrom: resumedFrom))
        if part.length == size { return .complete }
        return .failed(.transient("the response ended after \(part.length) of \(size) bytes"))
    }

    /// A first mismatch starts the download over from zero; a second one removes the part and fails.
    private func countMismatch(_ mismatches: inout Int, part: inout PartFile, _ reason: String) throws(ContentError) {
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
