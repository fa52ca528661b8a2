/// Where the agent keeps its pairings, print queue and spool when the configuration does not say.
public enum StateDirectory {
    /// The system service's directory (systemd's StateDirectory=3dp-agent creates it).
    public static let systemPath = "/var/lib/3dp-agent"

    /// root → /var/lib/3dp-agent; anyone else → $XDG_STATE_HOME/3dp-agent, else $HOME/.local/state/3dp-agent
    /// (the XDG Base Directory rules: a relative or empty XDG_STATE_HOME is ignored). Without a usable HOME
    /// it falls back to the system path, where a missing permission is reported with a path the user can act on.
    public static func defaultPath(environment: [String: String], isRoot: Bool) -> String {
        if isRoot { return systemPath }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return joined(state, "3dp-agent")
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return joined(home, ".local/state/3dp-agent")
        }
        return systemPath
    }

    private static func joined(_ directory: String, _ name: String) -> String {
        var base = directory
        while base.count > 1 && base.hasSuffix("/") {
            base.removeLast()
        }
        return base == "/" ? "/" + name : base + "/" + name
    }
}
