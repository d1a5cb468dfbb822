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

    /// Writes a workbook to `output`, or to standard output when that is not a terminal.
    static func emit(_ workbook: Workbook, to output: String?) throws {
        let data: Data
        do { data = try workbook.data() } catch { throw OutputError.failed(path: output ?? "standard output", reason: error.description) }
        if let output { try OutputFile.write(data, to: output, kind: .workbook) }
        else { try OutputFile.writeAll(data, to: 1, path: "standard output") }
    }

    /// A workbook is binary: refused on a terminal.
    static func checkWorkbookTarget(_ output: String?) throws {
        if output == nil && isatty(1) != 0 { throw CommandFailure.badInput("--format xlsx writes a binary workbook: give --output FILE.xlsx (or redirect standard output)") }
    }
}
