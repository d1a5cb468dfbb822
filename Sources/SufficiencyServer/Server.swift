import Foundation
import Hummingbird
import NIOCore
import Sufficiency
import ZIPFoundation

/// What `serve` runs with (SPEC §9).
public struct ServeSettings: Sendable {
    public var workspace: Workspace
    public var host: String
    public var port: Int
    /// Required on every request when set (`Authorization: Bearer …`, `?token=…` or the cookie the
    /// first such page sets); `serve` makes one whenever it is bound beyond the loopback address.
    public var token: String?
    public var queue: SolveQueue.Settings
    /// The largest request body. Bodies carry paths and edits, never a scenario, so the default
    /// is 1 MiB (below the scenario size limit, which caps it): a parsed JSON value takes many
    /// times its text, and a 64 MiB list of numbers would take gigabytes.
    public var maxBodyBytes: Int

    public init(workspace: Workspace, host: String = "127.0.0.1", port: Int = 8080, token: String? = nil,
                queue: SolveQueue.Settings = .init(), maxBodyBytes: Int = 1 << 20) {
        self.workspace = workspace; self.host = host; self.port = port; self.token = token
        self.queue = queue; self.maxBodyBytes = maxBodyBytes
    }

    /// Whether `host` is a loopback address (no token needed there).
    public static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }
}

/// An answer other than 200 that a handler gives: a status, a message, and problems with places.
struct APIError: Error {
    var status: HTTPResponse.Status
    var message: String
    var problems: [Problem] = []
}

/// The web app: the routes of SPEC §9 over one workspace and one solve queue.
public final class ServeApp: Sendable {
    public let settings: ServeSettings
    public let queue: SolveQueue

    public init(settings: ServeSettings) {
        self.settings = settings
        self.queue = SolveQueue(settings: settings.queue)
    }

    /// The application, ready to run (`runService()`), or to test with HummingbirdTesting.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        // A connection idle (nothing read or written) this long is closed: a client that sends half
        // a request and stops does not hold it for ever. Longer than a solve may wait and run.
        let idle = max(120, 2 * (settings.queue.timeLimit ?? 60) + 30)
        return Application(router: router(), server: .http1(configuration: .init(idleTimeout: .seconds(Int64(idle)))),
                    configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "sufficiency-solve"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) })
    }

    public static let formats: [(name: String, type: String, file: String)] = [
        ("json", "application/json", "report.json"), ("html", "text/html; charset=utf-8", "report.html"),
        ("markdown", "text/markdown; charset=utf-8", "report.md"), ("table", "text/plain; charset=utf-8", "report.txt"),
        ("csv", "application/zip", "report-csv.zip"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "report.xlsx"),
    ]

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: GuardMiddleware(token: settings.token, loopbackOnly: ServeSettings.isLoopback(settings.host)))
        router.get("/") { [self] _, _ in html(Pages.index(scenarios: settings.workspace.scenarios())) }
        router.get("/scenario") { [self] request, _ in
            await page {
                let path = try require(request, "path")
                _ = try file(path)
                return html(Pages.scenario(path: path, token: settings.token))
            }
        }
        router.get("/compare") { [self] request, _ in
            await page {
                let paths = request.uri.queryParameters.getAll("path").map { String($0) }
                guard paths.count >= 2 else { throw APIError(status: .badRequest, message: "choose two or more scenarios or saved variants to compare (?path=…&path=…)") }
                let reports = try await compareReports(paths.map { (label: nil, path: $0, edits: []) })
                return html(Pages.compare(ReportHTML.comparison(reports)))
            }
        }
        router.get("/api/formats") { _, _ in
            json(["formats": Self.formats.map { ["name": $0.name, "contentType": $0.type, "file": $0.file] }])
        }
        router.get("/api/scenarios") { [self] _, _ in json(["scenarios": settings.workspace.scenarios()]) }
        router.get("/api/scenario") { [self] request, _ in
            await answer {
                let path = try require(request, "path")
                let (real, bytes) = try settings.workspace.read(path, maxBytes: settings.queue.maxInputBytes)
                do {
                    let document = try ScenarioDecoder.editedDocument(bytes: bytes, path: real, edits: [])
                    let scenario = try ScenarioDecoder.load(bytes: bytes, path: real, edits: [], maxInputBytes: settings.queue.maxInputBytes, confinedTo: settings.workspace.root)
                    let variants = settings.workspace.scenarios().filter { $0.variantOf == path }
                    return json(ScenarioAnswer(path: path, name: scenario.name, panel: EditPanel(document: document, scenario: scenario), variants: variants, problems: []))
                } catch {
                    return json(ScenarioAnswer(path: path, name: path, panel: nil, variants: [], problems: Problem.of(error)), status: .unprocessableContent)
                }
            }
        }
        router.post("/api/validate") { [self] request, _ in
            await answer {
                let body = try await RequestBody(request, limit: settings.maxBodyBytes)
                let path = try body.string("path")
                let edits = try body.edits()
                let (real, bytes) = try settings.workspace.read(path, maxBytes: settings.queue.maxInputBytes)
                do {
                    _ = try ScenarioDecoder.load(bytes: bytes, path: real, edits: edits, maxInputBytes: settings.queue.maxInputBytes, confinedTo: settings.workspace.root)
                    return json(ValidateAnswer(valid: true, problems: []))
                } catch let refusal as Workspace.Refusal { throw refusal }
                catch { return json(ValidateAnswer(valid: false, problems: Problem.of(error))) }
            }
        }
        router.post("/api/solve") { [self] request, _ in
            await answer {
                let body = try await RequestBody(request, limit: settings.maxBodyBytes)
                let path = try body.string("path")
                let job = try submit(path: path, edits: try body.edits(), label: body.optionalString("label"), replaces: body.optionalString("replaces"))
                guard body.flag("wait") else { return json(job, status: .accepted) }
                await queue.wait(id: job.id)
                return try jobAnswer(job.id, withReport: true)
            }
        }
        router.get("/api/jobs/{id}") { [self] _, context in
            await answer { try jobAnswer(try context.parameters.require("id"), withReport: false) }
        }
        router.delete("/api/jobs/{id}") { [self] _, context in
            await answer {
                let id = try context.parameters.require("id")
                guard queue.snapshot(id: id) != nil else { throw APIError(status: .notFound, message: "no job \(id) (finished jobs are kept for a while, then dropped)") }
                return json(["cancelled": queue.cancel(id)])
            }
        }
        router.get("/api/jobs/{id}/report") { [self] request, context in
            await answer {
                let id = try context.parameters.require("id")
                let format = request.uri.queryParameters.get("format") ?? "json"
                guard let found = queue.report(id: id) else { throw APIError(status: .notFound, message: "no job \(id)") }
                guard let report = found.report else {
                    throw APIError(status: .conflict, message: "job \(id) is \(found.snapshot.state.rawValue): no report", problems: found.snapshot.problems ?? [])
                }
                var response = try download(report, format: format, inline: request.uri.queryParameters.get("inline") != nil)
                // The report page in the frame gets the same policy as the app's pages.
                if format == "html" { response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy }
                return response
            }
        }
        router.post("/api/compare") { [self] request, _ in
            await answer {
                let body = try await RequestBody(request, limit: settings.maxBodyBytes)
                let variants = try body.variants()
                let reports = try await compareReports(variants)
                let title = "Comparison of \(reports.count) variants"
                switch body.optionalString("format") ?? "json" {
                case "json": return text(try ComparisonFormats.comparisonJSON(reports), type: "application/json")
                case "html": return html(ReportHTML.comparison(reports))
                case "markdown": return text(ComparisonFormats.markdown(title: title, ComparisonFormats.comparisonTables(reports)), type: "text/markdown; charset=utf-8")
                case "table": return text(ReportText.comparison(reports), type: "text/plain; charset=utf-8")
                case "csv": return Self.attachment(try Self.csvArchive(ComparisonFormats.comparisonTables(reports)), type: "application/zip", file: "comparison-csv.zip")
                case "xlsx":
                    let about = reports.map { "\($0.label): \($0.report.scenario) — \($0.report.status)" }
                    let workbook = try ComparisonFormats.workbook(title: title, about: about, ComparisonFormats.comparisonTables(reports), created: nil).data()
                    return Self.attachment(workbook, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file: "comparison.xlsx")
                case let other: throw APIError(status: .badRequest, message: "format \(other): compare answers json, html, markdown, table, csv (a zip) or xlsx")
                }
            }
        }
        router.post("/api/variants") { [self] request, _ in
            await answer {
                let body = try await RequestBody(request, limit: settings.maxBodyBytes)
                let path = try body.string("path")
                let name = try body.string("name")
                let edits = try body.edits()
                guard !edits.isEmpty else { throw APIError(status: .badRequest, message: "a variant needs at least one edit") }
                let saved = try settings.workspace.saveVariant(of: path, name: name, edits: edits, maxInputBytes: settings.queue.maxInputBytes)
                return json(["path": saved], status: .created)
            }
        }
        return router
    }

    // MARK: Handlers' helpers

    struct ScenarioAnswer: Codable { var path: String; var name: String; var panel: EditPanel?; var variants: [Workspace.Entry]; var problems: [Problem] }
    struct ValidateAnswer: Codable { var valid: Bool; var problems: [Problem] }

    func file(_ path: String) throws -> String { try settings.workspace.file(path) }


    func submit(path: String, edits: [ScenarioEdit], label: String?, replaces: String?) throws -> SolveQueue.Snapshot {
        let (real, bytes) = try settings.workspace.read(path, maxBytes: settings.queue.maxInputBytes)
        let request = SolveQueue.Request(path: path, file: real, bytes: bytes, root: settings.workspace.root, edits: edits, label: label)
        do { return try queue.submit(request, replaces: replaces) }
        catch { throw APIError(status: .serviceUnavailable, message: error.description) }
    }

    /// A job's state as JSON, with its report (JSON) when asked and done.
    func jobAnswer(_ id: String, withReport: Bool) throws -> Response {
        guard let found = queue.report(id: id) else { throw APIError(status: .notFound, message: "no job \(id) (finished jobs are kept for a while, then dropped)") }
        var text = String(decoding: try Self.encoder.encode(found.snapshot), as: UTF8.self)
        if withReport, let report = found.report {
            text = String(text.dropLast()) + ",\"report\":" + (try ReportText.json(report)) + "}"
        }
        if found.snapshot.state == .failed {
            let count = found.snapshot.problems?.count ?? 0
            text = String(text.dropLast()) + ",\"error\":" + SourceNode.quoted("not solved: \(count) problem\(count == 1 ? "" : "s") in the scenario or its edits") + "}"
        }
        if let report = found.report {
            // The headline the page shows, in the report's own words.
            let headline = Pages.headline(report)
            text = String(text.dropLast()) + ",\"headline\":" + SourceNode.quoted(headline) + "}"
        }
        let status: HTTPResponse.Status = found.snapshot.state == .failed ? .unprocessableContent : .ok
        return Self.respond(text, type: "application/json", status: status)
    }

    /// Solves every variant (through the queue, so the limit on concurrent solves holds) and
    /// labels them as `compare` does.
    func compareReports(_ variants: [(label: String?, path: String, edits: [ScenarioEdit])]) async throws -> [(label: String, report: Report)] {
        guard (1...12).contains(variants.count) else { throw APIError(status: .badRequest, message: "compare takes 1 to 12 variants, got \(variants.count)") }
        var jobs: [SolveQueue.Snapshot] = []
        // A variant that fails, or a client that goes away, leaves no solve behind that nobody collects.
        func cancelAll() { for job in jobs { queue.cancel(job.id) } }
        do {
            for variant in variants { jobs.append(try submit(path: variant.path, edits: variant.edits, label: variant.label, replaces: nil)) }
        } catch { cancelAll(); throw error }
        var reports: [(label: String, report: Report)] = []
        for (k, job) in jobs.enumerated() {
            await queue.wait(id: job.id)
            guard let found = queue.report(id: job.id), let report = found.report else {
                cancelAll()
                let problems = queue.snapshot(id: job.id)?.problems ?? []
                throw APIError(status: .unprocessableContent, message: "\(variants[k].path): \(problems.first?.message ?? "no report")", problems: problems)
            }
            // As `compare` labels them: a saved variant by its own name, edits by what they change, a file by its scenario's name.
            let label = variants[k].label
                ?? (variants[k].edits.isEmpty ? settings.workspace.variantName(variants[k].path) : variants[k].edits.map(\.description).joined(separator: "; "))
                ?? report.scenario
            reports.append((label, report))
        }
        let names = reports.map(\.label)
        for k in reports.indices where names.filter({ $0 == names[k] }).count > 1 { reports[k].label += " (\(variants[k].path))" }
        return reports
    }

    /// A report in one of the download formats.
    func download(_ report: Report, format: String, inline: Bool) throws -> Response {
        guard let entry = Self.formats.first(where: { $0.name == format }) else {
            throw APIError(status: .badRequest, message: "format \(format): choose one of \(Self.formats.map(\.name).joined(separator: ", "))")
        }
        let data: Data
        switch format {
        case "json": data = Data(try ReportText.json(report).utf8)
        case "html": data = Data(ReportHTML.render(report).utf8)
        case "markdown": data = Data(ReportTables.markdown(report).utf8)
        case "table": data = Data(ReportText.render(report).utf8)
        case "xlsx": data = try ReportWorkbook.workbook(report).data()
        default: data = try Self.csvArchive(report)
        }
        var response = Self.respond(data, type: entry.type)
        if !inline { response.headers[.contentDisposition] = "attachment; filename=\"\(Self.fileStem(report.scenario))-\(entry.file)\"" }
        return response
    }

    /// The CSV tables of a report in one zip, a file per table (as `solve --format csv` writes them).
    static func csvArchive(_ report: Report) throws -> Data { try csvArchive(ReportTables.tables(report)) }

    static func attachment(_ data: Data, type: String, file: String) -> Response {
        var response = respond(data, type: type)
        response.headers[.contentDisposition] = "attachment; filename=\"\(file)\""
        return response
    }

    static let contentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"

    static func csvArchive(_ tables: [ReportTables.Table]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for table in tables {
            let bytes = Data(ReportTables.csv(table).utf8)
            try archive.addEntry(with: "\(table.name).csv", type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw APIError(status: .internalServerError, message: "the zip could not be made") }
        return data
    }

    static func fileStem(_ name: String) -> String { (try? Workspace.slug(name)) ?? "scenario" }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func respond(_ text: String, type: String, status: HTTPResponse.Status = .ok) -> Response {
        respond(Data(text.utf8), type: type, status: status)
    }

    static func respond(_ data: Data, type: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: type, .cacheControl: "no-store"]
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
