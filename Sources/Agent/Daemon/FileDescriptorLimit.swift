import Glibc

/// The process's limit on open files. Every connection to the endpoint is one; systemd's default soft limit is
/// 1024, which a flood of idle connections reached (issue 14) while the hard limit allowed far more. The daemon
/// raises its soft limit to the hard one at start, as systemd's documentation recommends for programs that need
/// many descriptors, and the unit raises the hard limit (`LimitNOFILE=`).
enum FileDescriptorLimit {
    /// Raises the soft limit to the hard limit; returns the soft limit in force afterwards.
    @discardableResult
    static func raiseToHardLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }
}
