import Foundation

/// Standard input, output and error as the process found them. A descriptor that was closed
/// when we started is reopened on /dev/null, so no file we open later can take its number (and
/// receive a report meant for standard output); writing to it is then an error, never silent.
public enum StandardStreams {
    nonisolated(unsafe) private static var closed: [Bool] = [false, false, false]

    /// Call once at start-up, before opening any file.
    public static func adoptClosedDescriptors() {
        for descriptor in Int32(0)...2 where fcntl(descriptor, F_GETFD) < 0 && errno == EBADF {
            // open returns the lowest free number: this one.
            let reopened = open("/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY)
            if reopened == descriptor { closed[Int(descriptor)] = true } else if reopened >= 0 { close(reopened) }
        }
    }

    static func wasClosed(_ descriptor: Int32) -> Bool { (0...2).contains(descriptor) && closed[Int(descriptor)] }

    /// Writes text to standard output, reporting any failure.
    public static func writeOutput(_ text: String) throws(OutputError) {
        try OutputFile.writeAll(Data(text.utf8), to: 1, path: "standard output")
    }

    /// Writes text to standard error; a failure there cannot be reported anywhere, so it is ignored.
    public static func writeError(_ text: String) {
        try? OutputFile.writeAll(Data(text.utf8), to: 2, path: "standard error")
    }
}
