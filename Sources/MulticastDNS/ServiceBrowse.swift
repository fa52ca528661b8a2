/// One DNS-SD service instance as the records put it together: PTR → SRV + TXT → A/AAAA.
public struct ServiceInstance: Sendable, Equatable {
    /// The instance label: "Workshop printers".
    public var name: String
    /// The SRV target: "raspberrypi.local".
    public var host: String
    public var port: Int
    /// The host's addresses, IPv4 first, each once.
    public var addresses: [String]
    /// The TXT record's strings as UTF-8 text.
    public var txt: [String]

    public init(name: String, host: String, port: Int, addresses: [String], txt: [String]) {
        self.name = name
        self.host = host
        self.port = port
        self.addresses = addresses
        self.txt = txt
    }
}

/// What the answers of a browse have said so far, and what is still missing: a pure accumulator that the
/// network side feeds with every message and asks what to query next. A goodbye (TTL 0) forgets a record.
public struct ServiceBrowse: Sendable {
    /// "_3dp._tcp.local".
    public let serviceName: DNSName
    private var instances: [DNSName] = []
    private var services: [DNSName: (port: Int, target: DNSName)] = [:]
    private var texts: [DNSName: [[UInt8]]] = [:]
    private var addresses: [DNSName: [DNSRecord.Data]] = [:]
    private var asked: Set<DNSQuestion> = []

    public init(serviceType: String, domain: String = "local") {
        serviceName = DNSName(dotted: serviceType + "." + domain)
    }

    /// The first question of a browse: every instance of the type (RFC 6763 §4.1).
    public var browseQuestion: DNSQuestion { DNSQuestion(name: serviceName, type: .ptr) }

    public mutating func add(_ message: DNSMessage) {
        guard message.isResponse else { return }
        for record in message.records { add(record) }
    }

    private mutating func add(_ record: DNSRecord) {
        let gone = record.ttl == 0
        switch record.data {
        case .ptr(let instance) where record.name == serviceName:
            instances.removeAll { $0 == instance }
            if !gone { instances.append(instance) }
        case .srv(_, _, let port, let target):
            services[record.name] = gone ? nil : (Int(port), target)
        case .txt(let strings):
            texts[record.name] = gone ? nil : strings
        case .a, .aaaa:
            var known = addresses[record.name] ?? []
            known.removeAll { $0 == record.data }
            if !gone { known.append(record.data) }
            addresses[record.name] = known
        default:
            break
        }
    }

    /// The instances whose SRV has arrived, in the order they were found.
    public var found: [ServiceInstance] {
        instances.compactMap { instance in
            guard let service = services[instance] else { return nil }
            let known = addresses[service.target] ?? []
            let ordered = known.filter { if case .a = $0 { true } else { false } }
                + known.filter { if case .aaaa = $0 { true } else { false } }
            return ServiceInstance(
                name: instance.labels.first ?? "", host: service.target.description, port: service.port,
                addresses: ordered.compactMap(\.addressText),
                txt: (texts[instance] ?? []).map { String(decoding: $0, as: UTF8.self) })
        }
    }

    /// What to ask next for the records a responder left out of its answer (RFC 6763 §12 says it should include
    /// them, not that it must); each question is returned once.
    public mutating func followUpQuestions() -> [DNSQuestion] {
        var questions: [DNSQuestion] = []
        for instance in instances {
            if services[instance] == nil { questions.append(DNSQuestion(name: instance, type: .srv)) }
            if texts[instance] == nil { questions.append(DNSQuestion(name: instance, type: .txt)) }
            if let target = services[instance]?.target, addresses[target]?.isEmpty ?? true {
                questions.append(DNSQuestion(name: target, type: .a))
                questions.append(DNSQuestion(name: target, type: .aaaa))
            }
        }
        let new = questions.filter { !asked.contains($0) }
        asked.formUnion(new)
        return new
    }
}
