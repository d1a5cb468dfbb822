import Foundation
import Sufficiency

/// Messages to standard error and results to standard output or a file.
enum Console {
    static func error(_ message: String) {
        StandardStreams.writeError("sufficiency-solve: \(message)\n")
    }

    /// Writes `text` to `output` (atomically, as a file of `kind`) or to standard output.
    static func emit(_ text: String, to output: String?, kind: OutputKind) throws(OutputError) {
        if let output { try OutputFile.write(text, to: output, kind: kind) } else { try StandardStreams.writeOutput(text) }
    }
}
