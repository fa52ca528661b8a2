import Testing
@testable import VirtualPrinter

@Suite("Heater model and serial wire")
struct HeaterAndWireTests {
    @Test("a hotend heats at about 2 °C/s, settles on its target and cools back to the room")
    func hotend() {
        var heater = HeaterModel.hotend()
        heater.setTarget(210)
        heater.advance(by: 10)
        #expect(abs(heater.temperature - 42) < 0.001) // flat out: 22 + 2 × 10
        #expect(heater.power == 127)
        var elapsed = 10.0
        while abs(heater.temperature - 210) >= 1 {
            heater.advance(by: 0.1)
            elapsed += 0.1
        }
        #expect(elapsed > 90 && elapsed < 100) // (210 − 22) / 2 plus the final approach
        heater.advance(by: 60)
        #expect(abs(heater.temperature - 210) < 0.01 && heater.temperature <= 210)
        #expect(heater.power > 0 && heater.power < 127)
        heater.setTarget(0)
        heater.advance(by: 3600)
        #expect(abs(heater.temperature - HeaterModel.ambient) < 1 && heater.power == 0)
    }

    @Test("a bed heats at about 0.5 °C/s; targets are clamped to the firmware's maximum")
    func bed() {
        var bed = HeaterModel.bed()
        bed.setTarget(60)
        bed.advance(by: 20)
        #expect(abs(bed.temperature - 32) < 0.001)
        bed.setTarget(500)
        #expect(bed.target == 140)
        bed.setTarget(-4)
        #expect(bed.target == 0)
    }

    @Test("advancing in one step or in many gives the same temperature")
    func stepIndependence() {
        var once = HeaterModel.hotend(), often = HeaterModel.hotend()
        once.setTarget(200)
        often.setTarget(200)
        once.advance(by: 120)
        for _ in 0..<1200 { often.advance(by: 0.1) }
        #expect(abs(once.temperature - often.temperature) < 0.01)
    }

    @Test("bytes cross the wire at baud/10 per second, back to back")
    func wireTiming() {
        var wire = SerialWire(baudRate: 115_200)
        let line = Array("N1 G1 X1*12\n".utf8) // 12 bytes: 12 / 11520 s
        wire.send(line, at: 1.0)
        var received: [UInt8] = []
        wire.receive(arrivedBy: 1.0005, into: &received)
        #expect(received.count == 5) // 0.5 ms × 11520 bytes/s = 5.76
        #expect(wire.nextLineEndArrival().map { abs($0 - (1.0 + 12 / 11_520)) < 1e-9 } == true)
        wire.send(line, at: 1.0005) // queued behind the first line
        wire.receive(arrivedBy: 1.0 + 24 / 11_520, into: &received)
        #expect(received == line + line)
        #expect(wire.backlog == 0)
        wire.send(line, at: 5)
        wire.receive(arrivedBy: 5 + 1 / 11_520, into: &received)
        #expect(received.count == 25)
    }
}
