/// Where 3DP-1 lives on an agent (DESIGN.md §4): the facts both the server and a Manager client need, kept here
/// once so that the client does not link the server to learn them.
public enum ThreeDPTransport {
    /// `POST {basePath}/rpc`, `GET {basePath}/ws`, `GET {basePath}/schema`.
    public static let basePath = "/3dp/v1"
    public static let defaultPort = 8631
    /// The first message on a WebSocket; everything but discovery, pairing and `agent.time` needs it.
    public static let authenticateMethod = "session.authenticate"
}
