import Foundation

/// CuraEngine 4.x (`CuraEngine slice`): STL only; progress on standard error with `-p`; the real header on
/// standard error with `-v` (the file's own header holds placeholders such as `;TIME:6666`). Its command line
/// evaluates none of the `value` formulas of Cura's definitions, so its profile is a flat def.json where every
/// setting has a plain `default_value`. On an empty or garbage mesh it exits 0 with `;LAYER_COUNT:0`.
public struct CuraEngineAdapter: SlicerAdapter {
    public init() {}

    public var kind: SlicerKind { .curaEngine }
    public var inputFormats: Set<ModelFormat> { [.stl] }
    public var profileFileName: String { "curaengine-generic.def.json" }

    public func arguments(for request: SliceRequest) -> [String] {
        ["slice", "-v", "-p", "-j", request.profilePath, "-l", request.modelPath, "-o", request.outputPath]
    }

    public func makeProgressParser() -> any SlicerProgressParser { CuraEngineProgressParser() }

    public func profile(base: String, printerProfile: String?, volume: PrintableVolume) throws(SlicingFailure) -> String {
        var profile = try FlatCuraDefinition(text: base)
        profile["machine_width"] = volume.size.x
        profile["machine_depth"] = volume.size.y
        profile["machine_height"] = volume.size.z
        // The model's centre goes to the bed's centre whatever its coordinates in the file.
        profile["center_object"] = true
        if let printerProfile { profile.overlay(try FlatCuraDefinition(text: printerProfile)) }
        return try profile.text()
    }

    public func failure(of outcome: SlicerProcessOutcome, memoryLimit: Int?) -> SlicingFailure? {
        if outcome.standardErrorTail.contains(where: { $0.contains("Failed to load model") }) {
            return .crashed(kind, "could not read the model: the mesh is broken", lastLines: outcome.standardErrorTail)
        }
        return commonFailure(of: outcome, memoryLimit: memoryLimit)
    }
}

/// A Cura definition as CuraEngine's command line reads it: settings nested in categories, each with its
/// `default_value`. The agent reads every setting wherever it is nested and writes them back flat.
public struct FlatCuraDefinition: Sendable {
    private var name: String
    private var values: [String: any Sendable] = [:]
    private var types: [String: String] = [:]

    public init(text: String) throws(SlicingFailure) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            throw .profile("it is not JSON: \(error.localizedDescription)")
        }
        guard let root = parsed as? [String: Any] else { throw .profile("it is not a JSON object") }
        name = root["name"] as? String ?? "3dp-agent"
        if let settings = root["settings"] as? [String: Any] { collect(settings) }
        // A plain `{"key": value}` object is accepted too, for a printer's short list of overrides.
        if root["settings"] == nil {
            for (key, value) in root where key != "name" && key != "version" && key != "metadata" {
                values[key] = Self.sendable(value)
            }
        }
    }

    private mutating func collect(_ node: [String: Any]) {
        for (key, value) in node {
            guard let setting = value as? [String: Any] else { continue }
            if let defaultValue = setting["default_value"] {
                values[key] = Self.sendable(defaultValue)
                if let type = setting["type"] as? String { types[key] = type }
            }
            if let children = setting["children"] as? [String: Any] { collect(children) }
        }
    }

    /// JSONSerialization gives Bool, Int and Double on Linux; anything else (a list of polygons) goes back to
    /// CuraEngine as the JSON text it reads it from.
    private static func sendable(_ value: Any) -> any Sendable {
        switch value {
        case let flag as Bool where Swift.type(of: value) == Bool.self: return flag
        case let number as Int where Swift.type(of: value) == Int.self: return number
        case let number as Double: return number
        case let number as Int: return number
        case let text as String: return text
        default:
            if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
                return String(decoding: data, as: UTF8.self)
            }
            return "\(value)"
        }
    }

    public subscript(key: String) -> (any Sendable)? {
        get { values[key].map { value in types[key].map { Self.value(value, as: $0) } ?? value } }
        set { values[key] = newValue }
    }

    public var count: Int { values.count }

    public mutating func overlay(_ other: FlatCuraDefinition) {
        for (key, value) in other.values { values[key] = value }
        for (key, type) in other.types { types[key] = type }
    }

    public func text() throws(SlicingFailure) -> String {
        var children: [String: Any] = [:]
        for (key, value) in values {
            let type = types[key] ?? Self.type(of: value)
            var setting: [String: Any] = ["label": key, "default_value": Self.value(value, as: type)]
            setting["type"] = type
            children[key] = setting
        }
        let root: [String: Any] = [
            "version": 2, "name": name, "metadata": ["type": "machine", "setting_version": 19],
            "settings": ["machine_settings": ["label": "Machine", "type": "category", "children": children]],
        ]
        do {
            let data = try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .prettyPrinted])
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            throw .profile("cannot write it: \(error.localizedDescription)")
        }
    }

    /// JSONSerialization on Linux reads `true` as a number: the definition's `type` says what it is.
    private static func value(_ value: any Sendable, as type: String) -> any Sendable {
        switch (type, value) {
        case ("bool", let flag as Bool): return flag
        case ("bool", let number as Double): return number != 0
        case ("bool", let number as Int): return number != 0
        case ("bool", let text as String): return text == "true" || text == "True"
        case ("int", let number as Double) where number == number.rounded(): return Int(number)
        default: return value
        }
    }

    private static func type(of value: any Sendable) -> String {
        switch value {
        case is Bool: return "bool"
        case is Double, is Int: return "float"
        default: return "str"
        }
    }
}
