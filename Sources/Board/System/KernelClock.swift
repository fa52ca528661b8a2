import Glibc

/// The kernel's view of the system clock's discipline, read with adjtimex(2) in read-only mode
/// (modes = 0, which needs no privilege).
///
/// Swift's Glibc module exports neither `adjtimex` nor `struct timex` (sys/timex.h is not in its
/// module map, and on 64-bit-time armhf the header renames the call to ___adjtimex64), so the
/// function is looked up by name and the structure is laid out here. The exported `adjtimex`
/// symbol takes the kernel's `struct timex` (include/uapi/linux/timex.h) with C `long` fields, on
/// x86_64, aarch64 and armv7 alike — also on armhf systems built with 64-bit time_t, whose headers
/// redirect to a different symbol but leave this one in place:
///
///     offset (in longs, L = 8 on x86_64/aarch64, 4 on armv7)
///      0   unsigned int modes
///      1   long offset          5   int status        9   struct timeval time (2 longs)
///      2   long freq            6   long constant     11  long tick … 20 int tai
///      3   long maxerror (µs)   7   long precision    then 11 ints of padding
///      4   long esterror (µs)   8   long tolerance
///
/// 208 bytes on the 64-bit targets, 128 on armv7; the buffer below is larger than either.
enum KernelClock {
    struct Reading: Equatable {
        /// adjtimex's return value: TIME_OK 0 … TIME_ERROR 5.
        var clockState: Int32
        /// The STA_* bits.
        var status: Int32
        var maxErrorMicroseconds: Int
        var estimatedErrorMicroseconds: Int
    }

    private typealias Adjtimex = @convention(c) (UnsafeMutableRawPointer) -> Int32
    private static let bufferSize = 256

    static func read() throws(SystemCallError) -> Reading {
        guard let library = dlopen(nil, RTLD_NOW) else { throw SystemCallError(call: "dlopen", errno: ENOSYS) }
        defer { dlclose(library) }
        guard let symbol = dlsym(library, "adjtimex") else { throw SystemCallError(call: "dlsym(adjtimex)", errno: ENOSYS) }
        let adjtimex = unsafeBitCast(symbol, to: Adjtimex.self)

        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: bufferSize)

        let state = adjtimex(buffer)
        guard state >= 0 else { throw SystemCallError(call: "adjtimex", errno: errno) }
        let long = MemoryLayout<CLong>.size
        return Reading(
            clockState: state,
            status: buffer.load(fromByteOffset: 5 * long, as: Int32.self),
            maxErrorMicroseconds: Int(buffer.load(fromByteOffset: 3 * long, as: CLong.self)),
            estimatedErrorMicroseconds: Int(buffer.load(fromByteOffset: 4 * long, as: CLong.self))
        )
    }
}
