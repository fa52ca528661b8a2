/// Host action commands: `//action:pause`, `// action:prompt_begin Filament runout`, … The firmware asks
/// the host to act (pause, cancel) or tells it what happened (paused, resumed), or shows a prompt.
enum ActionCommandParser {
    /// `line` starts with `//`; nil when what follows is not `action:`.
    static func parse(_ line: ReplyBytes) -> ActionCommand? {
        let afterSlashes = line.dropFirst(2).trimmingLeadingSpaces()
        guard afterSlashes.hasPrefix("action:", ignoringCase: true) else { return nil }
        let text = afterSlashes.dropFirst(7).trimmed()
        let nameEnd = text.firstIndex(of: UInt8(ascii: " ")) ?? text.count
        let name = text.prefix(nameEnd)
        let argument = text.dropFirst(nameEnd).trimmed()
        if argument.isEmpty {
            if name.equals("pause") { return .pause }
            if name.equals("resume") { return .resume }
            if name.equals("cancel") { return .cancel }
            if name.equals("paused") { return .paused }
            if name.equals("resumed") { return .resumed }
            if name.equals("disconnect") { return .disconnect }
            if name.equals("prompt_show") { return .promptShow }
            if name.equals("prompt_end") { return .promptEnd }
        }
        if name.equals("notification") { return .notification(argument.string) }
        if name.equals("prompt_begin") { return .promptBegin(argument.string) }
        if name.equals("prompt_choice") { return .promptChoice(argument.string) }
        if name.equals("prompt_button") { return .promptButton(argument.string) }
        return .other(text.string)
    }
}
