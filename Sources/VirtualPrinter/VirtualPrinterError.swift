import Glibc

/// A system call that failed, with its errno.
public struct VirtualPrinterError: Error, CustomStringConvertible, Equatable {
    public var operation: String
    public var code: Int32

    public init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    public var description: String {
        "\(operation): \(String(cString: strerror(code))) (errno \(code))"
    }
}
