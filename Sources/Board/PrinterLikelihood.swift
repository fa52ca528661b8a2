/// Decides whether a serial port is probably a 3D printer that speaks G-code, and says why.
public enum PrinterLikelihood {
    public struct Verdict: Sendable, Equatable {
        public var likely: Bool
        public var reason: String
        public var knownAs: String?
    }

    /// Words in USB manufacturer/product strings that name printer makers or G-code firmwares
    /// (Marlin's native USB calls itself "marlinfw.org"; Prusa, Creality, Duet name themselves).
    static let printerWords = ["marlin", "prusa", "reprap", "duet", "creality", "smoothie", "ultimaker", "3d print"]

    public static func assess(
        usbVendorID: String?,
        usbProductID: String?,
        manufacturer: String?,
        product: String?
    ) -> Verdict {
        guard let vendor = usbVendorID else {
            return Verdict(
                likely: false,
                reason: "on-board serial port (UART), not USB; a printer wired to the GPIO header shows up here"
            )
        }
        let id = "\(vendor):\(usbProductID ?? "????")"
        if let known = KnownUSBDevices.lookup(vendorID: vendor, productID: usbProductID) {
            switch known.role {
            case .printer:
                return Verdict(likely: true, reason: "\(known.name) (\(id))", knownAs: known.name)
            case .controller:
                return Verdict(likely: true, reason: "printer controller: \(known.name) (\(id))", knownAs: known.name)
            case .controllerBoard:
                return Verdict(
                    likely: true, reason: "\(known.name) (\(id)), the board of RAMPS-style printers",
                    knownAs: known.name)
            case .usbSerialBridge:
                return Verdict(
                    likely: true,
                    reason: "\(known.name) (\(id)); printer boards use it, but so do other serial gadgets",
                    knownAs: known.name)
            case .klipperMCU:
                return Verdict(
                    likely: false,
                    reason: "Klipper MCU (\(id)): it speaks Klipper's protocol, not G-code; drive it with Klipper",
                    knownAs: known.name)
            case .accessory:
                return Verdict(likely: false, reason: "\(known.name) (\(id)), a printer accessory, not a printer",
                               knownAs: known.name)
            }
        }
        let strings = [manufacturer, product].compactMap { $0 }
        if let named = strings.first(where: { text in
            let lowered = text.lowercased()
            return printerWords.contains { lowered.contains($0) }
        }) {
            return Verdict(likely: true, reason: "USB device \(id) names a printer or G-code firmware: \"\(named)\"")
        }
        return Verdict(likely: false, reason: "unknown USB serial device \(id)")
    }
}
