import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import ZIPFoundation
@testable import Sufficiency

/// Reads an .xlsx back (it is a zip of XML): each sheet by name, its cells as numbers or text.
struct WorkbookReader {
    enum Value: Equatable { case number(Double), text(String) }
    var sheets: [String: [[Int: Value]]] = [:]
    var sheetOrder: [String] = []
    var customXML = ""

    init(_ data: Data) throws {
        let archive = try Archive(data: data, accessMode: .read)
        func file(_ path: String) throws -> Data {
            guard let entry = archive[path] else { throw CocoaError(.fileNoSuchFile) }
            var out = Data()
            _ = try archive.extract(entry) { out.append($0) }
            return out
        }
        let strings = Self.parse(try file("xl/sharedStrings.xml")).strings
        sheetOrder = Self.parse(try file("xl/workbook.xml")).sheetNames
        for (k, name) in sheetOrder.enumerated() {
            let parsed = Self.parse(try file("xl/worksheets/sheet\(k + 1).xml"))
            var rows: [[Int: Value]] = []
            for cell in parsed.cells {
                while rows.count <= cell.row { rows.append([:]) }
                rows[cell.row][cell.column] = cell.shared ? .text(strings[Int(cell.value)!]) : (Double(cell.value).map(Value.number) ?? .text(cell.value))
            }
            sheets[name] = rows
        }
        customXML = String(decoding: try file("docProps/custom.xml"), as: UTF8.self)
    }

    struct Parsed { var strings: [String] = []; var sheetNames: [String] = []; var cells: [(row: Int, column: Int, shared: Bool, value: String)] = [] }

    final class Delegate: NSObject, XMLParserDelegate {
        var parsed = Parsed()
        var text = "", inText = false, inValue = false
        var cell: (row: Int, column: Int, shared: Bool)?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch name {
            case "si": text = ""
            case "t": inText = true
            case "sheet": parsed.sheetNames.append(attributes["name"] ?? "")
            case "c":
                let reference = attributes["r"] ?? "A1"
                let letters = reference.prefix { $0.isLetter }, digits = reference.drop { $0.isLetter }
                let column = letters.unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 } - 1
                cell = (Int(digits)! - 1, column, attributes["t"] == "s")
            case "v": inValue = true; text = ""
            default: break
            }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText || inValue { text += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "t": inText = false
            case "si": parsed.strings.append(text)
            case "v":
                inValue = false
                if let cell { parsed.cells.append((cell.row, cell.column, cell.shared, text)) }
            default: break
            }
        }
    }

    static func parse(_ data: Data) -> Parsed {
        let delegate = Delegate()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        _ = parser.parse()
        return delegate.parsed
    }

    /// The row whose first cell is `label`, from the second cell on, as numbers.
    func numbers(sheet: String, label: String) -> [Double]? {
        guard let row = sheets[sheet]?.first(where: { $0[0] == .text(label) }) else { return nil }
        return (1...(row.keys.max() ?? 0)).map { if case .number(let v) = row[$0] { return v }; return .nan }
    }
}

@Suite("Workbook output (libxlsxwriter)")
struct WorkbookTests {
    func workbook(_ file: String, _ extra: [String] = []) throws -> (Report, WorkbookReader, Data) {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("report.xlsx").path
        let run = try CLI.run(["solve", CLI.scenario(file), "--format", "xlsx", "--output", path, "--no-timings"] + extra)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try CLI.run(["solve", CLI.scenario(file), "--format", "json", "--no-timings"] + extra)
        let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return (report, try WorkbookReader(data), data)
    }

    @Test("the workbook's numbers are the JSON report's, stored as numbers; README first, finance in DSG shape")
    func numbersMatchTheReport() throws {
        let (report, book, _) = try workbook("leicester-city-capital.json")
        #expect(book.sheetOrder.prefix(2) == ["README", "finance"])
        #expect(book.customXML.contains("sufficiency-solve"))
        // Finance: years as columns, the same figures to the last digit stored.
        #expect(book.sheets["finance"]?[1][1] == .text(report.years[0]))
        for (label, values) in [("High Needs Block DSG allocation", report.finance.map(\.grant)),
                                ("Total high needs spend", report.finance.map(\.highNeedsSpend)),
                                ("In-year deficit (+) / surplus (−)", report.finance.map(\.inYear)),
                                ("Cumulative deficit carried forward", report.finance.map(\.cumulative)),
                                ("Home-to-school transport (General Fund, outside the block)", report.finance.map(\.transport)),
                                ("Cumulative deficit without the capital programme", report.withoutOptions!.finance.map(\.cumulative))] {
            let stored = try #require(book.numbers(sheet: "finance", label: label), "no row \(label)")
            #expect(zip(stored, values).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) }, "\(label): \(stored) vs \(values)")
        }
        // Costs by year, and the options' capital costs and paybacks. libxlsxwriter writes a number
        // with 16 significant digits (Excel holds 15): equal to a relative 1e-15.
        func near(_ cell: WorkbookReader.Value?, _ value: Double) -> Bool {
            guard case .number(let stored) = cell else { return false }
            return abs(stored - value) <= 1e-15 * max(1, abs(value))
        }
        let costs = try #require(book.sheets["costs"])
        for (t, line) in report.costs!.byYear.enumerated() {
            #expect(costs[t + 2][0] == .text(line.year) && near(costs[t + 2][5], line.total))
        }
        let options = try #require(book.sheets["options"])
        for (k, option) in report.options.enumerated() {
            #expect(options[k + 2][0] == .text(option.id))
            #expect(near(options[k + 2][8], option.capitalCost))
            if let payback = option.paybackYears { #expect(near(options[k + 2][10], payback)) }
        }
        // The README carries the provenance: the scenario's SHA-256 as sha256sum gives it.
        let readme = try #require(book.sheets["README"])
        let sha = report.provenance!.inputs[0].sha256
        #expect(readme.contains { $0[1] == .text("\(report.provenance!.inputs[0].bytes) bytes, SHA-256 \(sha)") })
    }

    @Test("equal runs give equal bytes; a file that is not our workbook is never replaced")
    func deterministicAndSafe() throws {
        let (_, _, first) = try workbook("tutorial.json")
        let (_, _, second) = try workbook("tutorial.json")
        #expect(first == second)
        let folder = try TemporaryFolder()
        let theirs = try folder.write("theirs.xlsx", "not a workbook")
        let refused = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "xlsx", "--output", theirs])
        #expect(refused.status == 1 && refused.stderr.contains("is not an Excel workbook"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: theirs, encoding: .utf8) == "not a workbook")
        let ours = folder.url.appendingPathComponent("ours.xlsx").path
        #expect(try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "xlsx", "--output", ours]).status == 0)
        #expect(try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "xlsx", "--output", ours]).status == 0)
    }

    @Test("names that look like formulas stay text; control characters and long text are made cell-safe")
    func hostileText() throws {
        var taken: Set<String> = []
        #expect(Workbook.sheetName("a/b:c*d?e[f]g\\h", taken: &taken) == "a-b-c-d-e-f-g-h")
        #expect(Workbook.sheetName(String(repeating: "x", count: 40), taken: &taken).count == 31)
        #expect(Workbook.sheetName(String(repeating: "x", count: 40), taken: &taken) == String(repeating: "x", count: 29) + " 2")
        #expect(Workbook.cellText("a\u{1}b") == "a b")
        #expect(Workbook.cellText(String(repeating: "é", count: 40_000)).utf16.count == 32_767)
        let sheet = Workbook.Sheet(name: "t", header: ["name"], rows: [[.text("=HYPERLINK(\"http://x\")")], [.number(.nan, .money)], [.number(-0.0, .money)]])
        let data = try Workbook(sheets: [sheet], title: "t", comments: "").data()
        let book = try WorkbookReader(data)
        #expect(book.sheets["t"]?[1][0] == .text("=HYPERLINK(\"http://x\")"))
        #expect(book.sheets["t"]?.count == 4 && book.sheets["t"]?[2][0] == nil && book.sheets["t"]?[3][0] == .number(0))
    }
}
