import Foundation

/// Lines for the person at the terminal, written at once (unbuffered), so that they interleave in order with
/// the progress display's output.
public enum Console {
    public static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
