/// A CSV file read strictly (RFC 4180: commas, double quotes, CRLF or LF), keeping the line and
/// column where each cell starts so that every problem can name its place.
struct CSVTable {
    struct Cell {
        var text: String
        var line: Int
        var column: Int
    }

    /// Header names, trimmed and lower-cased.
    var header: [String]
    /// The header's cells, for the place of a problem with a column name.
    var headerCells: [Cell]
    /// Data rows (without the header); blank lines are skipped.
    var rows: [[Cell]]

    struct SyntaxError: Error {
        var message: String
        var line: Int
        var column: Int
    }

    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> CSVTable {
        guard let text = String(validating: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes, as: UTF8.self) else {
            throw SyntaxError(message: "the file is not UTF-8 text", line: 1, column: 1)
        }
        var records: [[Cell]] = []
        var record: [Cell] = []
        var field = ""
        var fieldLine = 1, fieldColumn = 1
        var line = 1, column = 1
        var inQuotes = false, quotedField = false
        var scalars = Array(text.unicodeScalars)[...]
        func endField() {
            record.append(Cell(text: quotedField ? field : field.trimmingCharacters(in: .whitespaces), line: fieldLine, column: fieldColumn))
            field = ""
            quotedField = false
        }
        func endRecord() {
            endField()
            if !(record.count == 1 && record[0].text.isEmpty) { records.append(record) }
            record = []
        }
        var atFieldStart = true
        while let scalar = scalars.popFirst() {
            if scalar.value < 0x20 && scalar != "\t" && scalar != "\r" && scalar != "\n" || scalar.value == 0x7F {
                throw SyntaxError(message: String(format: "a control character (byte 0x%02X) in a cell", scalar.value), line: line, column: column)
            }
            if atFieldStart { fieldLine = line; fieldColumn = column; atFieldStart = false }
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append("\""); column += 2; continue }
                    inQuotes = false
                } else {
                    field.unicodeScalars.append(scalar)
                    if scalar == "\n" { line += 1; column = 0 }
                }
                column += 1
                continue
            }
            switch scalar {
            case "\"":
                guard field.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw SyntaxError(message: "a quote inside an unquoted cell", line: line, column: column)
                }
                field = ""
                inQuotes = true
                quotedField = true
                column += 1
            case ",":
                endField()
                column += 1
                atFieldStart = true
            case "\r":
                if scalars.first == "\n" { scalars.removeFirst() }
                endRecord(); line += 1; column = 1; atFieldStart = true
            case "\n":
                endRecord(); line += 1; column = 1; atFieldStart = true
            default:
                if quotedField {
                    throw SyntaxError(message: "text after a closing quote", line: line, column: column)
                }
                field.unicodeScalars.append(scalar)
                column += 1
            }
        }
        if inQuotes { throw SyntaxError(message: "a quoted cell is not closed", line: fieldLine, column: fieldColumn) }
        if !field.isEmpty || !record.isEmpty || quotedField { endRecord() }
        guard let first = records.first else { throw SyntaxError(message: "the file is empty; a header row is needed", line: 1, column: 1) }
        return CSVTable(header: first.map { $0.text.lowercased() }, headerCells: first, rows: Array(records.dropFirst()))
    }

    func columnIndex(_ name: String) -> Int? { header.firstIndex(of: name) }
}

import Foundation
