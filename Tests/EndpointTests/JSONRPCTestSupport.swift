import Endpoint
@testable import ThreeDPProtocol

/// The message as bytes, as a WebSocket frame or HTTP body would carry it.
func jsonrpcDecode(_ text: String, limits: JSONRPCLimits = .default) -> JSONRPCIncoming {
    JSONRPCIncoming.decode(Array(text.utf8), limits: limits)
}

/// The single error response of a refused message or a refused single request; nil for anything else.
func jsonrpcRefusal(_ incoming: JSONRPCIncoming) -> JSONRPCErrorResponse? {
    switch incoming {
    case let .invalid(refusal): refusal
    case let .single(.failure(refusal)): refusal
    default: nil
    }
}

func jsonText(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// A deterministic generator so a fuzz failure can be replayed from its seed.
struct JSONRPCFuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
