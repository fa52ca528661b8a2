#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension AgentConfiguration {
    /// Reads and checks the configuration file at `path`. Errors name the path and, where there is one, the line.
    public static func load(path: String, defaultStateDirectory: String, hostname: String)
        throws(ConfigurationError) -> AgentConfiguration
    {
        let bytes = try ConfigurationFile.contents(of: path)
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(bytes: bytes)
        } catch {
            throw ConfigurationError(source: path, syntaxError: error)
        }
        return try ConfigurationDecoder.decode(
            root, source: path, defaultStateDirectory: defaultStateDirectory, hostname: hostname)
    }

    /// Checks configuration text; `source` names it in errors.
    public static func parse(_ text: String, source: String, defaultStateDirectory: String, hostname: String)
        throws(ConfigurationError) -> AgentConfiguration
    {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigurationError(source: source, syntaxError: error)
        }
        return try ConfigurationDecoder.decode(
            root, source: source, defaultStateDirectory: defaultStateDirectory, hostname: hostname)
    }
}

extension ConfigurationError {
    init(source: String, syntaxError: TOMLSyntaxError) {
        self.init(
            source: source, line: syntaxError.position.line, column: syntaxError.position.column,
            message: syntaxError.message)
    }
}

enum ConfigurationFile {
    /// A configuration is a few kilobytes; anything this large is the wrong file.
    static let sizeLimit = 1 << 20

    static func contents(of path: String) throws(ConfigurationError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ConfigurationError(source: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ConfigurationError(source: path, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            if bytes.count > sizeLimit {
                throw ConfigurationError(source: path, message: "larger than \(sizeLimit) bytes; is this the configuration file?")
            }
        }
    }
}
