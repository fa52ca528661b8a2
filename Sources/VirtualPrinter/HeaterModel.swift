import Foundation

/// A heater and its thermistor as the firmware sees them: under PID control the heater runs flat out (a constant
/// rate) until it nears the target, then settles on it exponentially; switched off, or above its target, the block
/// cools towards the room exponentially. Times are seconds of the firmware clock.
public struct HeaterModel: Sendable, Equatable {
    public static let ambient = 22.0

    /// Degrees per second at full power (about 2 for a hotend, 0.5 for a bed).
    public let heatingRate: Double
    /// Time constant of the final approach to the target under PID.
    public let settlingTime: Double
    /// Time constant of free cooling towards the room.
    public let coolingTime: Double
    /// The highest target the firmware accepts (MAXTEMP less the overshoot margin).
    public let maximumTarget: Double

    public private(set) var temperature: Double
    public private(set) var target: Double = 0

    public init(heatingRate: Double, settlingTime: Double, coolingTime: Double, maximumTarget: Double,
                temperature: Double = HeaterModel.ambient) {
        self.heatingRate = heatingRate
        self.settlingTime = settlingTime
        self.coolingTime = coolingTime
        self.maximumTarget = maximumTarget
        self.temperature = temperature
    }

    /// A hotend: about 2 °C/s, HEATER_0_MAXTEMP 275 less HOTEND_OVERSHOOT 15.
    public static func hotend() -> HeaterModel {
        HeaterModel(heatingRate: 2, settlingTime: 2, coolingTime: 240, maximumTarget: 260)
    }

    /// A heated bed: about 0.5 °C/s, BED_MAXTEMP 150 less BED_OVERSHOOT 10.
    public static func bed() -> HeaterModel {
        HeaterModel(heatingRate: 0.5, settlingTime: 6, coolingTime: 300, maximumTarget: 140)
    }

    /// Sets the target, clamped as Marlin clamps it; 0 switches the heater off.
    public mutating func setTarget(_ celsius: Double) {
        target = min(max(celsius, 0), maximumTarget)
    }

    public var isHeating: Bool { target > 0 && temperature < target }

    /// The heater's drive, 0...127, as Marlin prints it after `@:` (soft PWM is seven bits).
    public var power: Int {
        guard target > 0 else { return 0 }
        // What holds the block at the target against losses to the room, plus what is still needed to close the gap.
        let holding = (target - Self.ambient) / (heatingRate * coolingTime + 1)
        let closing = (target - temperature) / (heatingRate * settlingTime)
        return Int((127 * min(max(holding + closing, 0), 1)).rounded())
    }

    /// Lets `seconds` pass.
    public mutating func advance(by seconds: Double) {
        guard seconds > 0 else { return }
        var remaining = seconds
        if target > 0, temperature < target {
            // Full power until within heatingRate × settlingTime of the target, then an exponential approach.
            let knee = target - heatingRate * settlingTime
            if temperature < knee {
                let flatOut = (knee - temperature) / heatingRate
                if remaining <= flatOut {
                    temperature += heatingRate * remaining
                    return
                }
                temperature = knee
                remaining -= flatOut
            }
            temperature = target - (target - temperature) * exp(-remaining / settlingTime)
        } else {
            let floor = target > 0 ? max(target, Self.ambient) : Self.ambient
            temperature = floor + (temperature - floor) * exp(-remaining / coolingTime)
        }
    }

    /// Sets the temperature directly, for tests and for faults that need a hot block.
    public mutating func setTemperature(_ celsius: Double) {
        temperature = celsius
    }
}
