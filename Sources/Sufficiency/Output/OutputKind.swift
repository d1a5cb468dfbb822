import Foundation
import ZIPFoundation

/// The kinds of file the tool writes, each recognisable from its content, so `--output` onto an
/// existing file replaces only a file of the same kind (SPEC §5) and never a user's own file.
public enum OutputKind: Sendable, Equatable {
    /// The readable report (`--format table`): its first line is `Sufficiency: NAME`.
    case textReport
    /// The JSON report: an object with `status`, `solver` and `verification`.
    case jsonReport
    /// The Markdown report: first line `<!-- sufficiency-solve report -->`.
    case markdownReport
    /// Any HTML page of ours: `<meta name="generator" content="sufficiency-solve">` in its head.
    case htmlPage
    /// The CPLEX LP export (GLPK's writer starts `\* Problem:`).
    case lp
    /// The free MPS export (GLPK's writer starts `* Problem:`).
    case mps
    /// Bench JSON lines: every line a bench result.
    case benchLines
    /// A scenario written by `generate` (`metadata.generator`), unchanged since (its ``Seal``).
    case generatedScenario
    /// A scenario written by `init`, unchanged since.
    case initScenario
    /// A scenario or fragment written by `project`, unchanged since.
    case projectScenario
    /// The travel table written by `generate` beside its scenario.
    case generatedTravel
    /// One table of a CSV report folder (replaced only as part of its folder).
    case csvTable
    /// An Excel workbook of ours: its custom property `generator` is `sufficiency-solve`.
    case workbook
    /// The JSON of `compare` or `sweep`: an object whose `format` is ours.
    case comparisonDocument
    /// The demand table `project --format csv` writes: its header line exactly ours.
    case projectionTable
    /// The table `project --backtest` writes: first line `Backtest: `.
    case backtestReport

    /// The marker comment that opens a Markdown report.
    public static let markdownMarker = "<!-- sufficiency-solve report -->"
    /// The generator tag every HTML page carries.
    public static let htmlGenerator = "<meta name=\"generator\" content=\"sufficiency-solve\">"
    /// `metadata.generator` of a generated scenario.
    public static let scenarioGenerator = "sufficiency-solve generate"

    public var description: String {
        switch self {
        case .textReport: return "a text report"
        case .jsonReport: return "a JSON report"
        case .markdownReport: return "a Markdown report"
        case .htmlPage: return "an HTML page"
        case .lp: return "an unedited LP file"
        case .mps: return "an unedited MPS file"
        case .benchLines: return "a bench result file"
        case .generatedScenario: return "an unedited generated scenario"
        case .initScenario: return "an unedited init scenario"
        case .projectScenario: return "an unedited project output"
        case .generatedTravel: return "a generated travel table"
        case .csvTable: return "a CSV table"
        case .workbook: return "an Excel workbook"
        case .comparisonDocument: return "a comparison or sweep JSON file"
        case .projectionTable: return "an unedited projected demand table"
        case .backtestReport: return "an unedited backtest table"
        }
    }

    /// Whether `content` (a whole existing file) is a file of this kind.
    public func recognises(_ content: Data) -> Bool {
        func starts(_ prefix: String) -> Bool { content.starts(with: Data(prefix.utf8)) }
        func object() -> [String: Any]? { (try? JSONSerialization.jsonObject(with: content)) as? [String: Any] }
        switch self {
        case .textReport: return starts("Sufficiency: ")
        case .markdownReport: return starts(Self.markdownMarker)
        case .htmlPage:
            return starts("<!DOCTYPE html>") && String(decoding: content.prefix(4096), as: UTF8.self).contains(Self.htmlGenerator)
        case .lp: return starts("\\* Problem:") && Seal.isSealed(content)
        case .mps: return starts("* Problem:") && Seal.isSealed(content)
        case .jsonReport:
            guard let object = object() else { return false }
            return object["status"] != nil && object["solver"] != nil && object["verification"] != nil && (object["format"] as? String) != "sufficiency/1"
        case .benchLines:
            // An empty shard's file holds only white space.
            guard let text = String(data: content, encoding: .utf8), (try? Bench.readLines(text)) != nil else { return false }
            return true
        case .generatedScenario, .initScenario, .projectScenario:
            // The command's own file, as it wrote it: its generator, and its seal intact (an edited file is the user's).
            let generator = (object()?["metadata"] as? [String: Any])?["generator"] as? String
            let own = self == .generatedScenario ? Self.scenarioGenerator : self == .initScenario ? "sufficiency-solve init" : "sufficiency-solve project"
            return generator == own && Seal.isSealed(content)
        case .generatedTravel: return starts("zone,setting,minutes,cost\n")
        case .csvTable: return false
        case .projectionTable:
            let first = content.prefix { $0 != 0x0A }
            return [true, false].contains { first == Data(DemandProjection.csvHeader(ages: $0).utf8) } && Seal.isSealed(content)
        case .backtestReport: return (starts("Backtest: ") || starts(Backtest.csvHeader)) && Seal.isSealed(content)
        case .workbook: return Self.isOurWorkbook(content)
        case .comparisonDocument:
            return ["sufficiency-comparison/1", "sufficiency-sweep/1"].contains(object()?["format"] as? String ?? "")
        }
    }

    /// Whether `content` is a workbook as we wrote it: our generator property, saved by nobody
    /// since (modified = created, as libxlsxwriter writes them; libxlsxwriter's application
    /// version, which Excel and LibreOffice replace with their own when they save).
    static func isOurWorkbook(_ content: Data) -> Bool {
        guard content.starts(with: [0x50, 0x4B, 0x03, 0x04]), let archive = try? Archive(data: content, accessMode: .read) else { return false }
        func text(_ path: String) -> String? {
            guard let entry = archive[path], entry.uncompressedSize < 1_000_000 else { return nil }
            var xml = Data()
            guard (try? archive.extract(entry, consumer: { xml.append($0) })) != nil else { return nil }
            return String(decoding: xml, as: UTF8.self)
        }
        func element(_ name: String, in xml: String) -> String? {
            guard let open = xml.range(of: "<\(name)"), let start = xml[open.upperBound...].firstIndex(of: ">"),
                  let close = xml.range(of: "</\(name)>", range: start..<xml.endIndex) else { return nil }
            return String(xml[xml.index(after: start)..<close.lowerBound])
        }
        guard let custom = text("docProps/custom.xml"), custom.contains("<vt:lpwstr>\(Workbook.generator)</vt:lpwstr>"),
              let core = text("docProps/core.xml"), let app = text("docProps/app.xml"),
              let created = element("dcterms:created", in: core), element("dcterms:modified", in: core) == created,
              element("AppVersion", in: app) == "12.0000" else { return false }
        return true
    }
}
