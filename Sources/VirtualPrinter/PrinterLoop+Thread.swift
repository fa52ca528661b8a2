import Foundation
import Glibc
import Logging

/// The loop thread: waits for a host, serves it (bytes in at their emulated time, the controller pumped, replies
/// out at the baud rate), and shuts down.
extension PrinterLoop {
    func run() {
        while true {
            state.lock()
            if stopRequested {
                running = false
                state.broadcast()
                state.unlock()
                return
            }
            let now = LibC.monotonicNow()
            if !requests.isEmpty {
                for request in requests { apply(request, at: now) }
                requestsCompleted += requests.count
                requests.removeAll()
                state.broadcast()
                drainController()
            }
            let isUnplugged = unplugged
            let connected = hostConnected
            let hasReplies = !replies.isEmpty
            state.unlock()
            if hasReplies, connected, !isUnplugged { transmit(at: now) }

            if isUnplugged {
                waitForWake(timeout: nil)
            } else if !connected {
                awaitHost()
            } else {
                serveHost()
            }
        }
    }

    /// With nobody on the port the master reports a hang-up continuously, so instead of polling it the loop naps
    /// and looks again; the firmware's clock keeps running meanwhile.
    func awaitHost() {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, 0)
        let now = LibC.monotonicNow()
        if descriptor.revents & Int16(POLLHUP) != 0 {
            state.lock()
            controller.advance(to: now)
            replies.removeAll(keepingCapacity: true)
            controller.drainOutput(into: &replies) // nobody is listening
            replies.removeAll(keepingCapacity: true)
            controller.log.takeUnwritten(into: &logBytes)
            state.unlock()
            flushLog()
            waitForWake(timeout: Self.hangUpPollInterval)
            return
        }
        // A host opened the port. A board that resets on open loses whatever the host wrote while it rebooted, then
        // greets it with `start`; a native-USB board keeps running and reads it.
        if configuration.resetOnOpen {
            while read(master, &readBuffer, readBuffer.count) > 0 {}
        }
        incoming?.clear()
        outgoing?.clear()
        pendingWrite.removeAll(keepingCapacity: true)
        pendingWriteOffset = 0
        state.lock()
        hostConnected = true
        state.broadcast()
        processedUntil = now
        if configuration.resetOnOpen { controller.reset(at: now) }
        drainController()
        state.unlock()
        transmit(at: now)
    }

    /// One turn: wait for bytes, a deadline or a request; read; let the firmware work; write.
    func serveHost() {
        var descriptors = [
            pollfd(fd: master, events: 0, revents: 0),
            pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0),
        ]
        if (incoming?.backlog ?? 0) < Self.wireBacklogLimit { descriptors[0].events |= Int16(POLLIN) }
        if pendingWriteOffset < pendingWrite.count { descriptors[0].events |= Int16(POLLOUT) }
        var deadline = nextDeadline
        if let departure = outgoing?.nextLineEndArrival() { deadline = min(deadline ?? departure, departure) }
        // Wake when the next line is complete; without one, when the backlog has crossed, so reading resumes.
        if let arrival = incoming?.nextLineEndArrival() ?? incoming?.lastArrival() {
            deadline = min(deadline ?? arrival, arrival)
        }
        if let deadline {
            let wait = max(0, deadline - LibC.monotonicNow())
            var timeout = timespec(tv_sec: Int(wait), tv_nsec: Int((wait - Double(Int(wait))) * 1e9))
            _ = LibC.ppoll(&descriptors, 2, &timeout, nil)
        } else {
            _ = LibC.ppoll(&descriptors, 2, nil, nil)
        }
        if descriptors[1].revents != 0 { drainWakePipe() }

        let now = LibC.monotonicNow()
        var hungUp = descriptors[0].revents & Int16(POLLHUP | POLLERR) != 0
        var received = 0
        if descriptors[0].revents & Int16(POLLIN | POLLHUP) != 0 {
            while (incoming?.backlog ?? 0) < Self.wireBacklogLimit {
                let count = read(master, &readBuffer, readBuffer.count)
                if count > 0 {
                    received += count
                    if incoming != nil {
                        incoming!.send(readBuffer[0..<count], at: now)
                    } else {
                        state.lock()
                        controller.receive(readBuffer[0..<count], at: now)
                        state.unlock()
                    }
                    if count < readBuffer.count { break }
                } else {
                    if count == 0 || errno == EIO { hungUp = true }
                    break
                }
            }
        }

        state.lock()
        controller.countBytes(received: received)
        if incoming != nil {
            deliverArrivals(upTo: now)
        } else {
            controller.advance(to: now)
        }
        processedUntil = now
        drainController()
        // Whoever waits for the firmware to reach a state (`waitUntil`) looks again after each turn.
        state.broadcast()
        if hungUp {
            // The host closed the port: what was on its way to it is lost with the connection.
            hostConnected = false
            replies.removeAll(keepingCapacity: true)
        }
        state.unlock()
        flushLog()
        if hungUp {
            incoming?.clear()
            outgoing?.clear()
            pendingWrite.removeAll(keepingCapacity: true)
            pendingWriteOffset = 0
            return
        }
        transmit(at: now)
    }

    /// Feeds the firmware what the wire delivered since the last turn, stopping at each of the firmware's own
    /// deadlines on the way, so that a byte is dropped or kept according to the buffer as it was when it arrived.
    func deliverArrivals(upTo now: Double) {
        var time = processedUntil
        for _ in 0..<100_000 {
            let deadline = controller.nextDeadline(after: time) ?? .infinity
            let until = deadline > time ? min(now, deadline) : now
            arrivals.removeAll(keepingCapacity: true)
            incoming!.receive(arrivedBy: until, into: &arrivals)
            if !arrivals.isEmpty { controller.receive(arrivals, at: until) }
            controller.advance(to: until)
            if until >= now { return }
            time = until
        }
        controller.advance(to: now)
    }

    /// Takes the firmware's replies and log lines, and notes when it next needs the loop. Called with `state` held.
    func drainController() {
        controller.drainOutput(into: &replies)
        controller.log.takeUnwritten(into: &logBytes)
        nextDeadline = controller.nextDeadline(after: LibC.monotonicNow())
    }

    /// Moves replies onto the wire (or straight to the port) and writes what has reached the host's end.
    func transmit(at now: Double) {
        state.lock()
        let batch = replies
        replies.removeAll(keepingCapacity: true)
        state.unlock()
        if outgoing != nil {
            outgoing!.send(batch, at: now)
            outgoing!.receive(arrivedBy: now, into: &pendingWrite)
        } else {
            pendingWrite.append(contentsOf: batch)
        }
        guard pendingWriteOffset < pendingWrite.count else { return }
        var sent = 0
        pendingWrite.withUnsafeBytes { bytes in
            while pendingWriteOffset < bytes.count {
                let count = write(master, bytes.baseAddress! + pendingWriteOffset, bytes.count - pendingWriteOffset)
                if count <= 0 { break }
                pendingWriteOffset += count
                sent += count
            }
        }
        if pendingWriteOffset == pendingWrite.count {
            pendingWrite.removeAll(keepingCapacity: true)
            pendingWriteOffset = 0
        }
        if sent > 0 {
            state.lock()
            controller.countBytes(sent: sent)
            state.unlock()
        }
    }

    func flushLog() {
        guard logDescriptor >= 0, !logBytes.isEmpty else { return }
        writeAll(logDescriptor, logBytes)
        logBytes.removeAll(keepingCapacity: true)
    }

    func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    logger.error("writing the command log failed", metadata: ["errno": "\(errno)"])
                    return
                }
                offset += count
            }
        }
    }

    func waitForWake(timeout seconds: Double?) {
        var descriptor = pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0)
        if let seconds {
            var timeout = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
            _ = LibC.ppoll(&descriptor, 1, &timeout, nil)
        } else {
            _ = LibC.ppoll(&descriptor, 1, nil, nil)
        }
        if descriptor.revents != 0 { drainWakePipe() }
    }

    func drainWakePipe() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while read(wakeReader, &scratch, scratch.count) > 0 {}
    }

    /// Carries out a request from another thread. Called with `state` held.
    func apply(_ request: Request, at now: Double) {
        switch request {
        case .reset:
            controller.reset(at: now)
        case .send(let line):
            controller.sendUnsolicited(line)
        case .fault(let fault):
            controller.inject(fault)
        case .unplug:
            unplugged = true
            hostConnected = false
            closeMaster()
        }
    }

    /// Closing the master is pulling the cable: the host's reads fail and its port disappears, link included.
    func closeMaster() {
        guard master >= 0 else { return }
        close(master)
        master = -1
        if let linkPath { DeviceLink.remove(at: linkPath, ifPointingTo: devicePath) }
    }
}
