#if canImport(Glibc)
import Glibc
#endif

/// Waits for a child to end without reaping it. swift-subprocess reaps its children itself once the closure that
/// runs beside one returns, and says nothing of the child's exit before that; a closure that must outlive the
/// child's outputs (a daemon that closes them at start) or read its resource usage (a slicer's peak memory) waits
/// here. `waitid(WNOWAIT)` leaves the zombie, and with it the process id, to swift-subprocess.
public enum ExitWatch {
    /// Returns once `pid` has ended, with its resource usage (its own and its waited-for children's, as `wait4`
    /// would give it); nil when it is not a child of this process. Blocks a thread of its own, never one of the
    /// cooperative pool.
    public static func ended(_ pid: pid_t) async -> rusage? {
        await withCheckedContinuation { continuation in
            detachThread {
                var info = siginfo_t()
                var usage = rusage()
                var result: Int
                repeat {
                    result = waitIDWithUsage(pid, &info, &usage)
                } while result < 0 && errno == EINTR
                continuation.resume(returning: result == 0 ? usage : nil)
            }
        }
    }

    /// The raw system call: glibc's `waitid` has no resource usage argument, and `wait4` refuses `WNOWAIT`.
    /// `syscall` is variadic, which Swift does not import, so it is called through its address (its arguments are
    /// all integers and pointers, passed the same way either way on x86-64 and AArch64).
    private static func waitIDWithUsage(_ pid: pid_t, _ info: inout siginfo_t, _ usage: inout rusage) -> Int {
        typealias Syscall = @convention(c) (Int, Int32, Int32, UnsafeMutablePointer<siginfo_t>, Int32,
                                            UnsafeMutablePointer<rusage>) -> Int
        #if arch(x86_64)
        let number = 247
        #elseif arch(arm64)
        let number = 95
        #elseif arch(arm)
        let number = 280
        #else
        let number = -1
        #endif
        let flags = WEXITED | WNOWAIT
        guard number >= 0, let found = dlsym(dlopen(nil, RTLD_NOW), "syscall") else {
            // Without the usage: still waits.
            return Int(waitid(P_PID, id_t(pid), &info, flags))
        }
        return unsafeBitCast(found, to: Syscall.self)(number, Int32(P_PID.rawValue), pid, &info, flags, &usage)
    }
}

/// A detached POSIX thread running `body`: Foundation's `Thread` without Foundation.
func detachThread(_ body: @escaping @Sendable () -> Void) {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let created = pthread_create(&thread, nil, { raw in
        Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }, context)
    if created == 0 {
        pthread_detach(thread)
    } else {
        // No thread to be had: run it here rather than never.
        Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
    }
}
