import CXLSXWriter
import Foundation

/// An Excel workbook, written through libxlsxwriter (Debian `libxlsxwriter-dev`), the second
/// system module beside CGLPK. This is the one file that calls it, and every value is checked
/// before the C call: sheet names made valid and unique, text cut to Excel's 32,767 characters
/// and cleaned of control characters, numbers finite, rows within Excel's 1,048,576 (a longer
/// table continues on a second sheet), columns within 16,384.
///
/// Text cells are always string cells: a name starting with `=` is text in the workbook, never
/// a formula (libxlsxwriter writes formulas only through its formula call, which is not used).
public struct Workbook: Sendable {
    /// How a number is shown.
    public enum NumberFormat: Sendable, Hashable {
        /// Whole pounds with separators; negatives with a minus sign.
        case money
        /// Children, to one decimal place.
        case children
        /// A share as a percentage.
        case percent
        /// A plain number with up to three decimals.
        case decimal
        /// A whole number.
        case integer
        /// A number of years, to one decimal (a payback).
        case years

        var code: String {
            switch self {
            case .money: return "£#,##0;−£#,##0"
            case .children: return "#,##0.0"
            case .percent: return "0.0%"
            case .decimal: return "#,##0.0##"
            case .integer: return "0"
            case .years: return "0.0 \"years\""
            }
        }
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        case heading(String)
        case number(Double, NumberFormat)
        case blank
    }

    public struct Sheet: Sendable {
        public var name: String
        /// A title above the table (row 1); the header is then row 2.
        public var title: String?
        public var header: [String]
        public var rows: [[Cell]]
        /// Rows in bold (totals), by index into ``rows``.
        public var boldRows: Set<Int> = []
        public var columnWidths: [Double] = []

        public init(name: String, title: String? = nil, header: [String], rows: [[Cell]]) {
            self.name = name
            self.title = title
            self.header = header
            self.rows = rows
        }
    }

    public var sheets: [Sheet]
    public var title: String
    public var comments: String
    /// The creation time stored in the file; nil stores a fixed time, so equal runs give equal bytes.
    public var created: Date?

    public init(sheets: [Sheet], title: String, comments: String, created: Date? = nil) {
        self.sheets = sheets
        self.title = title
        self.comments = comments
        self.created = created
    }

    /// The generator property every workbook of ours carries (see ``OutputKind/workbook``).
    public static let generator = "sufficiency-solve"
    static let maxRows = 1_048_576
    static let maxColumns = 16_384
    static let maxText = 32_767

    /// A valid, unique sheet name: at most 31 characters, none of `[]:*?/\`, not starting or ending with `'`.
    static func sheetName(_ wanted: String, taken: inout Set<String>) -> String {
        var base = String(wanted.unicodeScalars.map { "[]:*?/\\".unicodeScalars.contains($0) || $0.properties.generalCategory == .control ? "-" : Character($0) })
        while base.hasPrefix("'") { base.removeFirst() }
        while base.hasSuffix("'") { base.removeLast() }
        if base.isEmpty { base = "sheet" }
        var name = String(base.prefix(31))
        var k = 2
        while taken.contains(name.lowercased()) {
            let suffix = " \(k)"
            name = String(base.prefix(31 - suffix.count)) + suffix
            k += 1
        }
        taken.insert(name.lowercased())
        return name
    }

    /// Text as a cell may hold it: control characters other than tab and line feed become
    /// spaces (XML cannot carry them), and at most 32,767 characters.
    static func cellText(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" { out.append(" ") }
            else if (0xFFFE...0xFFFF).contains(scalar.value) { out.append("\u{FFFD}") }
            else { out.append(scalar) }
        }
        var result = String(out)
        // Excel counts UTF-16 code units.
        if result.utf16.count > maxText {
            var cut = ""
            for character in result {
                if cut.utf16.count + character.utf16.count > maxText - 1 { break }
                cut.append(character)
            }
            result = cut + "…"
        }
        return result
    }

    /// Why a workbook could not be written.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The workbook as the bytes of an `.xlsx` file. libxlsxwriter writes to a file, so it
    /// writes into a private temporary folder, which is removed afterwards whatever happens.
    public func data() throws(WriteError) -> Data {
        // In $TMPDIR, else /tmp (a TMPDIR that does not exist must not stop the workbook alone).
        let name = "sufficiency-xlsx-\(getpid())-\(UUID().uuidString)"
        var folder = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        var made = false
        for candidate in [folder, URL(fileURLWithPath: "/tmp").appendingPathComponent(name)] where !made {
            if (try? FileManager.default.createDirectory(at: candidate, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])) != nil {
                folder = candidate
                made = true
            }
        }
        guard made else { throw WriteError(description: "cannot make a temporary folder for the workbook in \(FileManager.default.temporaryDirectory.path) or /tmp") }
        let path = folder.appendingPathComponent("report.xlsx").path
        // Removed on a signal too (files first, then the folder).
        let slots = [Cleanup.register(path: path), Cleanup.register(path: folder.path)]
        defer {
            try? FileManager.default.removeItem(at: folder)
            slots.forEach { Cleanup.release($0) }
        }
        try write(to: path, temporaryFolder: folder.path)
        guard let bytes = FileManager.default.contents(atPath: path) else { throw WriteError(description: "the workbook was not written") }
        return bytes
    }

    private func write(to path: String, temporaryFolder: String) throws(WriteError) {
        var workbookOptions = lxw_workbook_options()
        let tmpdir = strdup(temporaryFolder)
        defer { free(tmpdir) }
        workbookOptions.tmpdir = tmpdir
        workbookOptions.constant_memory = 0
        workbookOptions.use_zip64 = 1
        guard let workbook = workbook_new_opt(path, &workbookOptions) else { throw WriteError(description: "libxlsxwriter could not start a workbook at \(path)") }
        var closed = false
        defer { if !closed { _ = workbook_close(workbook) } }

        // Document properties; strings live until the workbook is closed below.
        var owned: [UnsafeMutablePointer<CChar>] = []
        defer { owned.forEach { free($0) } }
        func c(_ text: String) -> UnsafeMutablePointer<CChar> { let p = strdup(Self.cellText(text))!; owned.append(p); return p }
        var properties = lxw_doc_properties()
        properties.title = c(title)
        properties.comments = c(comments)
        properties.author = c(Self.generator)
        // 2000-01-01 unless a time is asked for: equal runs give equal bytes.
        properties.created = time_t((created ?? Date(timeIntervalSince1970: 946_684_800)).timeIntervalSince1970.rounded(.down))
        try check(workbook_set_properties(workbook, &properties), "setting the workbook's properties")
        try check(workbook_set_custom_property_string(workbook, "generator", Self.generator), "setting the generator property")

        // Formats, made once.
        var formats: [NumberFormat: UnsafeMutablePointer<lxw_format>] = [:], boldFormats: [NumberFormat: UnsafeMutablePointer<lxw_format>] = [:]
        for format in [NumberFormat.money, .children, .percent, .decimal, .integer, .years] {
            guard let plain = workbook_add_format(workbook), let bold = workbook_add_format(workbook) else { throw WriteError(description: "libxlsxwriter could not make a cell format") }
            format_set_num_format(plain, format.code)
            format_set_num_format(bold, format.code)
            format_set_bold(bold)
            formats[format] = plain
            boldFormats[format] = bold
        }
        guard let headerFormat = workbook_add_format(workbook), let titleFormat = workbook_add_format(workbook),
              let boldText = workbook_add_format(workbook), let wrapText = workbook_add_format(workbook) else {
            throw WriteError(description: "libxlsxwriter could not make a cell format")
        }
        format_set_bold(headerFormat)
        format_set_bottom(headerFormat, UInt8(LXW_BORDER_THIN.rawValue))
        format_set_text_wrap(headerFormat)
        format_set_bold(titleFormat)
        format_set_font_size(titleFormat, 13)
        format_set_bold(boldText)
        format_set_text_wrap(wrapText)

        var taken: Set<String> = []
        for sheet in sheets {
            let columns = min(Self.maxColumns, max(sheet.header.count, sheet.rows.map(\.count).max() ?? 0))
            let first = sheet.title == nil ? 1 : 2   // rows above the data
            let perSheet = Self.maxRows - first
            // A table longer than a sheet continues on the next.
            var start = 0
            repeat {
                let name = Self.sheetName(start == 0 ? sheet.name : sheet.name + " (cont.)", taken: &taken)
                guard workbook_validate_sheet_name(workbook, name) == LXW_NO_ERROR, let worksheet = workbook_add_worksheet(workbook, name) else {
                    throw WriteError(description: "libxlsxwriter refused the sheet name \(name)")
                }
                var row: UInt32 = 0
                if let title = sheet.title {
                    try check(worksheet_write_string(worksheet, row, 0, Self.cellText(title), titleFormat), "writing a title")
                    row += 1
                }
                for (k, name) in sheet.header.prefix(columns).enumerated() {
                    try check(worksheet_write_string(worksheet, row, UInt16(k), Self.cellText(name), headerFormat), "writing a header")
                }
                worksheet_freeze_panes(worksheet, row + 1, 1)
                // Printed (a councillor's paper copy): A4 landscape, one page wide, headers on every page.
                worksheet_set_landscape(worksheet)
                worksheet_set_paper(worksheet, 9)
                worksheet_fit_to_pages(worksheet, 1, 0)
                try check(worksheet_repeat_rows(worksheet, row, row), "setting the printed header")
                row += 1
                for (k, width) in sheet.columnWidths.prefix(columns).enumerated() where width.isFinite && width > 0 {
                    try check(worksheet_set_column(worksheet, UInt16(k), UInt16(k), min(width, 255), k == 0 ? wrapText : nil), "setting a column width")
                }
                let end = min(sheet.rows.count, start + perSheet)
                for index in start..<end {
                    let bold = sheet.boldRows.contains(index)
                    for (column, cell) in sheet.rows[index].prefix(columns).enumerated() {
                        let col = UInt16(column)
                        switch cell {
                        case .blank: continue
                        case .text(let text):
                            try check(worksheet_write_string(worksheet, row, col, Self.cellText(text), bold ? boldText : nil), "writing a cell")
                        case .heading(let text):
                            try check(worksheet_write_string(worksheet, row, col, Self.cellText(text), boldText), "writing a cell")
                        case .number(let value, let format):
                            // Not finite: no number to store; the cell stays empty.
                            guard value.isFinite else { continue }
                            try check(worksheet_write_number(worksheet, row, col, value == 0 ? 0 : value, bold ? boldFormats[format] : formats[format]), "writing a number")
                        }
                    }
                    row += 1
                }
                start = end
            } while start < sheet.rows.count
        }
        closed = true
        let result = workbook_close(workbook)
        guard result == LXW_NO_ERROR else {
            throw WriteError(description: "libxlsxwriter could not write the workbook: \(String(cString: lxw_strerror(result)))")
        }
    }

    private func check(_ result: lxw_error, _ what: String) throws(WriteError) {
        guard result == LXW_NO_ERROR else { throw WriteError(description: "libxlsxwriter failed \(what): \(String(cString: lxw_strerror(result)))") }
    }
}
