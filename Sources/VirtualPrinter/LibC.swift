import Glibc

/// libc functions that Swift's Glibc module hides behind feature macros (_XOPEN_SOURCE, _GNU_SOURCE), looked up once
/// by name in the process's own libc.
enum LibC {
    typealias DescriptorFunction = @convention(c) (Int32) -> Int32
    typealias PtsnameR = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32
    typealias PPoll = @convention(c) (UnsafeMutablePointer<pollfd>?, nfds_t, UnsafePointer<timespec>?,
                                      UnsafePointer<sigset_t>?) -> Int32

    static let posixOpenpt = symbol("posix_openpt", as: DescriptorFunction.self)
    static let grantpt = symbol("grantpt", as: DescriptorFunction.self)
    static let unlockpt = symbol("unlockpt", as: DescriptorFunction.self)
    static let ptsnameR = symbol("ptsname_r", as: PtsnameR.self)
    /// poll(2) with a nanosecond timeout: a line at 1 Mbaud takes a quarter of a millisecond.
    static let ppoll = symbol("ppoll", as: PPoll.self)

    private static func symbol<Function>(_ name: String, as type: Function.Type) -> Function {
        // RTLD_DEFAULT is the null handle in glibc.
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
            fatalError("libc has no \(name)")
        }
        return unsafeBitCast(address, to: type)
    }

    /// Seconds on the monotonic clock.
    static func monotonicNow() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
