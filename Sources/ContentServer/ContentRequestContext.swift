import Hummingbird
import NIOCore

/// The request context of the content server: the default one plus the connection, which a download closes on
/// purpose (a drop fault) or when the server stops under it.
struct ContentRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
