import ServiceScope
import Testing
@testable import Board

struct ConfigurationListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:8631", "127.0.0.1", 8631),
        ("0.0.0.0:1", "0.0.0.0", 1),
        ("localhost:65535", "localhost", 65535),
        ("octopi.local:8631", "octopi.local", 8631),
        ("[::1]:8631", "::1", 8631),
        ("[::]:80", "::", 80),
        ("[fe80::1%eth0]:8631", "fe80::1%eth0", 8631),
        ("[::ffff:192.0.2.1]:8631", "::ffff:192.0.2.1", 8631),
    ])
    func splitsHostAndPort(_ text: String, _ host: String, _ port: Int) throws {
        let address = try ListenAddress.parse(text)
        #expect(address == ListenAddress(host: host, port: port))
        #expect(address.description == text)
    }

    @Test(arguments: [
        ("8631", "expected host:port, e.g. 0.0.0.0:8631, not '8631'"),
        (":8631", "expected a host before ':' in ':8631', e.g. 0.0.0.0:8631"),
        ("0.0.0.0:", "expected a port number after ':' in '0.0.0.0:'"),
        ("0.0.0.0:http", "expected a port number after ':' in '0.0.0.0:http'"),
        ("0.0.0.0:-1", "expected a port number after ':' in '0.0.0.0:-1'"),
        ("0.0.0.0:0", "port 0 is out of range 1…65535"),
        ("0.0.0.0:65536", "port 65536 is out of range 1…65535"),
        ("0.0.0.0:99999999999999999999999", "port 99999999999999999999999 is out of range 1…65535"),
        ("::1:8631", "an IPv6 address needs brackets: [::1]:8631"),
        ("[::1:8631", "expected ']' after the IPv6 address in '[::1:8631'"),
        ("[::1]8631", "expected ':' and a port after ']' in '[::1]8631', e.g. [::1]:8631"),
        ("[]:8631", "'' in brackets is not an IPv6 address"),
        ("[localhost]:8631", "'localhost' in brackets is not an IPv6 address"),
        ("[fe80::1%]:8631", "'fe80::1%' in brackets is not an IPv6 address"),
        ("[fe80::1%eth 0]:8631", "'fe80::1%eth 0' in brackets is not an IPv6 address"),
        ("my host:8631", "'my host' is not a host name or IPv4 address"),
    ])
    func refusesWhatIsNotHostAndPort(_ text: String, _ message: String) {
        #expect(throws: ListenAddress.Invalid(description: message)) {
            try ListenAddress.parse(text)
        }
    }
}
