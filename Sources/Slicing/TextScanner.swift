#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads numbers and words out of the bytes of a text model (ASCII STL, OBJ, 3MF XML) without making a String of
/// every line. The bytes end with a NUL so that `strtod` stops at the end.
struct TextScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool { position >= bytes.count || bytes[position] == 0 }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A || byte == 0x0B || byte == 0x0C }

    mutating func skipSpaces() {
        while !isAtEnd, Self.isSpace(bytes[position]) { position += 1 }
    }

    /// Spaces and tabs only: a line-oriented format (OBJ) keeps its line ends.
    mutating func skipBlanks() {
        while !isAtEnd, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0D { position += 1 }
    }

    /// The next run of non-space bytes.
    mutating func word() -> ArraySlice<UInt8>? {
        skipSpaces()
        let start = position
        while !isAtEnd, !Self.isSpace(bytes[position]) { position += 1 }
        return start == position ? nil : Array(bytes[start..<position])[...]
    }

    /// Whether the next word is `expected` (ASCII, case-insensitive); consumes it when it is.
    mutating func consumeWord(_ expected: String) -> Bool {
        skipSpaces()
        var index = position
        for letter in expected.utf8 {
            guard index < bytes.count, bytes[index] | 0x20 == letter | 0x20 else { return false }
            index += 1
        }
        guard index >= bytes.count || Self.isSpace(bytes[index]) || bytes[index] == 0 else { return false }
        position = index
        return true
    }

    /// A finite decimal number; nil (and nothing consumed) when the next word is not one.
    mutating func number() -> Double? {
        skipBlanks()
        guard !isAtEnd else { return nil }
        let start = bytes.baseAddress! + position
        var end: UnsafeMutablePointer<CChar>?
        let value = start.withMemoryRebound(to: CChar.self, capacity: 1) { pointer in strtod(pointer, &end) }
        guard let end else { return nil }
        let consumed = UnsafeRawPointer(end) - UnsafeRawPointer(start)
        guard consumed > 0, value.isFinite else { return nil }
        position += consumed
        return value
    }

    mutating func skipLine() {
        while !isAtEnd, bytes[position] != 0x0A { position += 1 }
        if !isAtEnd { position += 1 }
    }

    /// The line number of `position`, counted from 1, for error messages.
    func lineNumber() -> Int {
        var line = 1
        for index in 0..<min(position, bytes.count) where bytes[index] == 0x0A { line += 1 }
        return line
    }
}
