/// Client-supplied text as it may appear in a log line: control characters (newlines, ESC of ANSI sequences, NUL,
/// DEL, C1 controls) and Unicode format characters (bidirectional overrides) are written as escapes, so that a
/// `clientName` or a selection's name can never forge a log line or repaint a terminal, and is cut to `limit`.
public enum LogText {
    public static func escaped(_ text: String, limit: Int = 200) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit {
                out += "…"
                break
            }
            count += 1
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            default:
                let category = scalar.properties.generalCategory
                if category == .control || category == .format || category == .lineSeparator || category == .paragraphSeparator {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
