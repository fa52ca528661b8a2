import Slicing

/// How the board slices 3D models: which slicer, with what limits, one slice at a time for every printer.
public struct SlicingSupport: Sendable {
    public var choice: SlicerChoice
    /// The slicer's executable when it is not on PATH.
    public var path: String?
    public var limits: SlicerProcessLimits
    public var modelLimits: ModelLimits
    /// Shared by every printer of the board: a Pi cannot run two slices.
    public let gate: SliceGate

    public init(choice: SlicerChoice = .automatic, path: String? = nil, limits: SlicerProcessLimits = SlicerProcessLimits(),
                modelLimits: ModelLimits = .board, gate: SliceGate = SliceGate()) {
        self.choice = choice
        self.path = path
        self.limits = limits
        self.modelLimits = modelLimits
        self.gate = gate
    }
}

/// One slice at a time on the board, first come first served; a job stopped while it waits leaves the line.
public actor SliceGate {
    private var busy = false
    private var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextId = 0
    private var cancelledBeforeWaiting: Set<Int> = []

    public init() {}

    public func acquire() async throws {
        if !busy {
            busy = true
            return
        }
        let id = nextId
        nextId += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if cancelledBeforeWaiting.remove(id) != nil {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.leave(id) }
        }
    }

    public func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    public var isBusy: Bool { busy }

    private func leave(_ id: Int) {
        if let index = waiters.firstIndex(where: { $0.id == id }) {
            waiters.remove(at: index).continuation.resume(throwing: CancellationError())
        } else {
            cancelledBeforeWaiting.insert(id)
        }
    }
}
