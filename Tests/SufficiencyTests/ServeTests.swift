import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import ZIPFoundation
@testable import Sufficiency
@testable import SufficiencyServer

// `serve` (SPEC §9): every route through Hummingbird's router test client, bad input included.

/// A workspace holding copies of the shipped scenarios, and an app over it.
final class ServeFixture: @unchecked Sendable {
    let folder: TemporaryFolder
    let app: ServeApp
    var root: String { app.settings.workspace.root }

    init(token: String? = nil, host: String = "127.0.0.1", workers: Int = 2, maxBody: Int = 1 << 20, timeLimit: Double? = 60) throws {
        folder = try TemporaryFolder()
        for name in ["tutorial.json", "leicester-city-capital.json", "tutorial-phases.json"] {
            try FileManager.default.copyItem(atPath: CLI.scenario(name), toPath: folder.url.appendingPathComponent(name).path)
        }
        let workspace = try Workspace(folder: folder.url.path)
        app = ServeApp(settings: ServeSettings(workspace: workspace, host: host, token: token,
                                               queue: SolveQueue.Settings(workers: workers, timeLimit: timeLimit), maxBodyBytes: maxBody))
    }

    func test(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await app.application().test(setup, body)
    }
}

extension TestClientProtocol {
    /// A JSON request; the answer's status and body.
    func call(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, body: String, headers: HTTPFields) {
        var fields = headers
        if json != nil && fields[.contentType] == nil { fields[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) }) { response in
            (response.status, String(buffer: response.body), response.headers)
        }
    }
}

/// A JSON object from a response body.
func object(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}

@Suite("serve: the web app's API")
struct ServeTests {
    @Test("scenarios are listed; the panel carries the file's values at the decoder's paths")
    func scenariosAndPanel() async throws {
        let fixture = try ServeFixture()
        let tutorial = try #require(object(String(decoding: try Data(contentsOf: URL(fileURLWithPath: CLI.scenario("tutorial.json"))), as: UTF8.self))["settings"] as? [[String: Any]])
        let fileCost = try #require(tutorial[3]["costPerPlace"] as? Double)
        try await fixture.test { client in
            let list = try await client.call(.get, "/api/scenarios")
            #expect(list.status == .ok)
            let paths = (object(list.body)["scenarios"] as? [[String: Any]])?.compactMap { $0["path"] as? String } ?? []
            #expect(paths == ["leicester-city-capital.json", "tutorial-phases.json", "tutorial.json"])

            let answer = try await client.call(.get, "/api/scenario?path=tutorial.json")
            #expect(answer.status == .ok)
            let groups = (object(answer.body)["panel"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
            let fields = groups.flatMap { $0["fields"] as? [[String: Any]] ?? [] }
            let cost = fields.first { $0["path"] as? String == "settings[3].costPerPlace" }
            #expect(cost?["number"] as? Double == fileCost)
            #expect(cost?["settingType"] as? String == "independent")
            #expect(fields.contains { $0["path"] as? String == "demandScale" && $0["number"] as? Double == 1 })

            let capital = try await client.call(.get, "/api/scenario?path=leicester-city-capital.json")
            let options = ((object(capital.body)["panel"] as? [String: Any])?["groups"] as? [[String: Any]])?.first { $0["title"] as? String == "Capital options" }
            let decisions = (options?["fields"] as? [[String: Any]])?.map { $0["choices"] as? [String] ?? [] }
            #expect(decisions?.count == 6 && decisions?.allSatisfy { $0 == ["on", "off", "forced"] } == true)
        }
    }

    @Test("paths stay in the workspace: .., absolute, hidden, encoded slashes, links out, folders")
    func pathsStayInside() async throws {
        let fixture = try ServeFixture()
        let outside = try TemporaryFolder()
        try outside.write("secret.json", #"{"format": "sufficiency/1"}"#)
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/link.json", withDestinationPath: outside.url.path + "/secret.json")
        try FileManager.default.createDirectory(atPath: fixture.root + "/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/inside.json", withDestinationPath: fixture.root + "/tutorial.json")
        try await fixture.test { client in
            for bad in ["..%2F..%2Fetc%2Fpasswd", "../tutorial.json", "%2Fetc%2Fpasswd", "sub%2F..%2F..%2Fx.json", ".hidden.json", "link.json", "sub", "a%00b.json", "", "sub//x.json", "a%5Cb.json"] {
                let answer = try await client.call(.get, "/api/scenario?path=\(bad)")
                #expect(answer.status.code == 400 || answer.status.code == 404, "\(bad): \(answer.status)")
                #expect(object(answer.body)["error"] is String, "\(bad)")
                let solve = try await client.call(.post, "/api/solve", json: #"{"path": "\#(bad.removingPercentEncoding ?? bad)", "wait": true}"#)
                #expect(solve.status.code == 400 || solve.status.code == 404, "\(bad): \(solve.status)")
            }
            // A link that stays inside is followed.
            #expect(try await client.call(.get, "/api/scenario?path=inside.json").status == .ok)
        }
        // A link out is not listed either.
        #expect(!fixture.app.settings.workspace.scenarios().contains { $0.path == "link.json" })
    }

    @Test("solve: the variant's total is HiGHS's on its export; the job and every download format")
    func solveAndDownloads() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let solved = try await client.call(.post, "/api/solve", json: #"{"path": "tutorial.json", "edits": [{"path": "settings[3].costPerPlace", "value": 70000}], "wait": true}"#)
            #expect(solved.status == .ok)
            let job = object(solved.body)
            // HiGHS 1.16 (simplex) on the MPS export of the tutorial with costPerPlace 70000 for indep: 79,230,514.19819367.
            let objective = try #require(job["objective"] as? Double)
            #expect(abs(objective - 79_230_514.19819367) < 1e-6 * objective)
            #expect(job["state"] as? String == "done" && job["exitCode"] as? Int == 0)
            #expect((job["report"] as? [String: Any])?["objective"] as? Double == objective)
            #expect((job["headline"] as? String)?.contains("£79,230,514") == true)
            let id = try #require(job["id"] as? String)

            let state = try await client.call(.get, "/api/jobs/\(id)")
            #expect(state.status == .ok && object(state.body)["report"] == nil && object(state.body)["state"] as? String == "done")
            for (format, start) in [("json", "{"), ("html", "<!DOCTYPE html>"), ("markdown", "<!-- sufficiency-solve report -->"), ("table", "Sufficiency: "), ("csv", "PK"), ("xlsx", "PK")] {
                let download = try await client.execute(uri: "/api/jobs/\(id)/report?format=\(format)", method: .get) { $0 }
                #expect(download.status == .ok, "\(format)")
                let bytes = Data(buffer: download.body)
                #expect(bytes.starts(with: Data(start.utf8)) || (format == "markdown" && !bytes.isEmpty), "\(format)")
                #expect(download.headers[.contentDisposition]?.hasPrefix("attachment; filename=") == true, "\(format)")
            }
            // The zip holds the CSV tables of `solve --format csv`.
            let zip = try await client.execute(uri: "/api/jobs/\(id)/report?format=csv", method: .get) { Data(buffer: $0.body) }
            let archive = try #require(try? ZIPFoundationArchive.names(zip))
            #expect(archive.contains("costs.csv"))

            #expect(try await client.call(.get, "/api/jobs/\(id)/report?format=pdf").status == .badRequest)
            #expect(try await client.call(.get, "/api/jobs/j999999").status == .notFound)
            #expect(try await client.call(.delete, "/api/jobs/j999999").status == .notFound)
        }
    }

    @Test("bad requests: JSON, content type, size, edits, fields — a 4xx with a message, nothing solved")
    func badRequests() async throws {
        let fixture = try ServeFixture(maxBody: 4096)
        try await fixture.test { client in
            let cases: [(String, String?, HTTPFields, Int)] = [
                ("/api/solve", "{not json", [:], 400),
                ("/api/solve", "[1, 2]", [:], 400),
                ("/api/solve", #"{"path": "tutorial.json"}"#, [.contentType: "text/plain"], 415),
                ("/api/solve", #"{"edits": []}"#, [:], 400),
                ("/api/solve", #"{"path": "tutorial.json", "edits": "x"}"#, [:], 400),
                ("/api/solve", #"{"path": "tutorial.json", "edits": [42]}"#, [:], 400),
                ("/api/solve", #"{"path": "tutorial.json", "edits": ["no equals sign"]}"#, [:], 400),
                ("/api/solve", #"{"path": "tutorial.json", "edits": ["settings[99].capacity=1"], "wait": true}"#, [:], 422),
                ("/api/solve", #"{"path": "nope.json"}"#, [:], 404),
                ("/api/solve", "{\"path\": \"" + String(repeating: "x", count: 5000) + "\"}", [:], 413),
                ("/api/compare", #"{"variants": "x"}"#, [:], 400),
                ("/api/compare", #"{"variants": []}"#, [:], 400),
                ("/api/variants", #"{"path": "tutorial.json", "name": "x", "edits": []}"#, [:], 400),
                ("/api/variants", #"{"path": "tutorial.json", "name": "!!!", "edits": ["demandScale=2"]}"#, [:], 400),
            ]
            for (uri, body, headers, code) in cases {
                let answer = try await client.call(.post, uri, json: body, headers: headers)
                #expect(Int(answer.status.code) == code, "\(uri) \(body?.prefix(60) ?? ""): \(answer.status) \(answer.body.prefix(200))")
                #expect(object(answer.body)["error"] is String || object(answer.body)["problems"] != nil, "\(uri) \(body?.prefix(60) ?? ""): \(answer.body.prefix(200))")
            }
            // A value the decoder refuses: valid false, the problem at the field's path with its message.
            let check = try await client.call(.post, "/api/validate", json: #"{"path": "tutorial.json", "edits": ["settings[3].costPerPlace=-5", "demandScale=0"]}"#)
            #expect(check.status == .ok)
            let problems = object(check.body)["problems"] as? [[String: Any]] ?? []
            #expect(object(check.body)["valid"] as? Bool == false)
            #expect(Set(problems.compactMap { $0["path"] as? String }) == ["settings[3].costPerPlace", "demandScale"])
            let good = try await client.call(.post, "/api/validate", json: #"{"path": "tutorial.json", "edits": ["demandScale=1.1"]}"#)
            #expect(object(good.body)["valid"] as? Bool == true)
            // A failed solve reports the same problems, and has no report.
            let failed = try await client.call(.post, "/api/solve", json: #"{"path": "tutorial.json", "edits": ["settings[3].costPerPlace=-5"], "wait": true}"#)
            #expect(failed.status == .unprocessableContent && object(failed.body)["state"] as? String == "failed")
            let id = try #require(object(failed.body)["id"] as? String)
            #expect(try await client.call(.get, "/api/jobs/\(id)/report?format=json").status == .conflict)
        }
    }

    @Test("variants: a new file with the edits in its metadata, never over one; the original unchanged; it solves alike")
    func variants() async throws {
        let fixture = try ServeFixture()
        let original = try Data(contentsOf: URL(fileURLWithPath: fixture.root + "/tutorial.json"))
        try await fixture.test { client in
            let body = #"{"path": "tutorial.json", "name": "Fees up 8%", "edits": [{"path": "settings[3].costPerPlace", "value": 68580}, "demandScale=1.1"]}"#
            let saved = try await client.call(.post, "/api/variants", json: body)
            #expect(saved.status == .created)
            #expect(object(saved.body)["path"] as? String == "tutorial--fees-up-8.json")
            let again = try await client.call(.post, "/api/variants", json: body)
            #expect(again.status == .conflict)
            #expect((object(again.body)["error"] as? String)?.contains("never saved over") == true)
            // A file of that name made by someone else is not touched either.
            try Data("mine".utf8).write(to: URL(fileURLWithPath: fixture.root + "/tutorial--other.json"))
            #expect(try await client.call(.post, "/api/variants", json: #"{"path": "tutorial.json", "name": "other", "edits": ["demandScale=2"]}"#).status == .conflict)
            #expect(try String(contentsOfFile: fixture.root + "/tutorial--other.json", encoding: .utf8) == "mine")
            // A variant that does not read as a scenario is not written.
            #expect(try await client.call(.post, "/api/variants", json: #"{"path": "tutorial.json", "name": "bad", "edits": ["demandScale=-1"]}"#).status == .unprocessableContent)
            #expect(!FileManager.default.fileExists(atPath: fixture.root + "/tutorial--bad.json"))

            let file = try Data(contentsOf: URL(fileURLWithPath: fixture.root + "/tutorial--fees-up-8.json"))
            let variant = try #require(object(String(decoding: file, as: UTF8.self))["metadata"] as? [String: Any])["variant"] as? [String: Any]
            #expect(variant?["of"] as? String == "tutorial.json")
            #expect(variant?["edits"] as? [String] == ["settings[3].costPerPlace=68580", "demandScale=1.1"])
            // The saved file solves to the same total as the edits.
            let edited = object(try await client.call(.post, "/api/solve", json: #"{"path": "tutorial.json", "edits": ["settings[3].costPerPlace=68580", "demandScale=1.1"], "wait": true}"#).body)
            let fromFile = object(try await client.call(.post, "/api/solve", json: #"{"path": "tutorial--fees-up-8.json", "wait": true}"#).body)
            #expect(edited["objective"] as? Double != nil && edited["objective"] as? Double == fromFile["objective"] as? Double)
            let listed = object(try await client.call(.get, "/api/scenario?path=tutorial.json").body)["variants"] as? [[String: Any]]
            #expect(listed?.compactMap { $0["path"] as? String } == ["tutorial--fees-up-8.json"])
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.root + "/tutorial.json")) == original)
    }

    @Test("compare: variants side by side, as `compare` labels them; the page")
    func compare() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let answer = try await client.call(.post, "/api/compare", json: #"{"variants": [{"label": "as given", "path": "tutorial.json"}, {"label": "dearer", "path": "tutorial.json", "edits": ["settings[3].costPerPlace=70000"]}]}"#)
            #expect(answer.status == .ok)
            let variants = object(answer.body)["variants"] as? [[String: Any]] ?? []
            #expect(variants.compactMap { $0["label"] as? String } == ["as given", "dearer"])
            // 75,458,949.48 (the tutorial, HiGHS in NothingWrongTests) and 79,230,514.20 (HiGHS on the variant's export).
            let totals = variants.compactMap { ($0["report"] as? [String: Any])?["objective"] as? Double }
            #expect(totals.count == 2 && abs(totals[0] - 75_458_949.48) < 0.01 && abs(totals[1] - 79_230_514.20) < 0.01)
            let page = try await client.call(.get, "/compare?path=tutorial.json&path=tutorial-phases.json")
            #expect(page.status == .ok && page.body.contains("<svg") && page.body.contains("all scenarios"))
            #expect(try await client.call(.get, "/compare?path=tutorial.json").status == .badRequest)
            let html = try await client.call(.post, "/api/compare", json: #"{"variants": [{"path": "tutorial.json"}], "format": "html"}"#)
            #expect(html.body.hasPrefix("<!DOCTYPE html>"))
        }
    }

    @Test("pages: self-contained (no request elsewhere), the fields' ids, the token carried")
    func pages() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            let index = try await client.call(.get, "/")
            #expect(index.status == .ok && index.body.contains("/scenario?path=tutorial.json"))
            let page = try await client.call(.get, "/scenario?path=tutorial.json")
            #expect(page.status == .ok)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            for external in ["http://", "https://", "//cdn", "<link ", "@import", "src=\"http"] {
                #expect(!page.body.contains(external), "\(external)")
                #expect(!index.body.contains(external), "\(external)")
            }
            #expect(page.body.contains("id=\"total\"") && page.body.contains("data-path=\"tutorial.json\""))
            #expect(try await client.call(.get, "/scenario?path=..%2Fx").status == .badRequest)
        }
    }

    @Test("token: required when set, by header, query (then a cookie) or cookie; constant-time compare")
    func token() async throws {
        let token = "0123456789abcdef0123456789abcdef"
        let fixture = try ServeFixture(token: token, host: "0.0.0.0")
        try await fixture.test { client in
            #expect(try await client.call(.get, "/api/scenarios").status == .unauthorized)
            #expect(try await client.call(.get, "/api/scenarios", headers: [.authorization: "Bearer wrong"]).status == .unauthorized)
            #expect(try await client.call(.get, "/api/scenarios", headers: [.authorization: "Bearer \(token)"]).status == .ok)
            let query = try await client.call(.get, "/?token=\(token)")
            #expect(query.status == .ok && query.headers[.setCookie]?.contains("HttpOnly") == true)
            #expect(try await client.call(.get, "/api/formats", headers: [.cookie: "a=b; sufficiency-token=\(token)"]).status == .ok)
            // The page hands the token to its script.
            #expect(try await client.call(.get, "/scenario?path=tutorial.json&token=\(token)").body.contains("data-token=\"\(token)\""))
        }
        #expect(GuardMiddleware<BasicRequestContext>.same("abc", "abc") && !GuardMiddleware<BasicRequestContext>.same("abc", "abd") && !GuardMiddleware<BasicRequestContext>.same("abc", "ab"))
    }

    @Test("loopback: a request addressed to another host name is refused (DNS rebinding)")
    func hostCheck() async throws {
        let fixture = try ServeFixture()
        try await fixture.test(.live) { client in
            // Raw HTTP/1.1, for the client library sets Host itself.
            let port = try #require(client.port)
            #expect(try rawStatus(port: port, host: "127.0.0.1:\(port)") == 200)
            #expect(try rawStatus(port: port, host: "localhost") == 200)
            #expect(try rawStatus(port: port, host: "evil.example:\(port)") == 421)
            #expect(try rawStatus(port: port, host: "127.0.0.1.evil.example") == 421)
        }
    }

    @Test("jobs: queued beyond the workers, a newer solve cancels the older, cancel stops a running MIP")
    func queueAndCancel() async throws {
        let fixture = try ServeFixture(workers: 1, timeLimit: 120)
        for suffix in [".json", "-travel.csv"] {
            try FileManager.default.copyItem(atPath: CLI.scenario("bench/gen-z50-s120-y5-o40" + suffix), toPath: fixture.root + "/gen-z50-s120-y5-o40" + suffix)
        }
        try await fixture.test { client in
            // The 40-option bench MIP takes seconds: it holds the one worker.
            let slow = object(try await client.call(.post, "/api/solve", json: #"{"path": "gen-z50-s120-y5-o40.json"}"#).body)
            let slowID = try #require(slow["id"] as? String)
            #expect(["queued", "running"].contains(slow["state"] as? String))
            let queued = object(try await client.call(.post, "/api/solve", json: #"{"path": "tutorial.json"}"#).body)
            let queuedID = try #require(queued["id"] as? String)
            // A newer edit replaces the queued one: it is cancelled without running.
            let newer = object(try await client.call(.post, "/api/solve", json: #"{"path": "tutorial.json", "edits": ["demandScale=1.1"], "replaces": "\#(queuedID)"}"#).body)
            let newerID = try #require(newer["id"] as? String)
            #expect(object(try await client.call(.get, "/api/jobs/\(queuedID)").body)["state"] as? String == "cancelled")
            #expect((object(try await client.call(.get, "/api/jobs/\(newerID)").body)["ahead"] as? Int) == 0)
            // Wait until the slow one runs, then cancel it: it stops well before its time.
            for _ in 0..<200 where object(try await client.call(.get, "/api/jobs/\(slowID)").body)["state"] as? String == "queued" { try await Task.sleep(for: .milliseconds(50)) }
            let started = ContinuousClock.now
            #expect(object(try await client.call(.delete, "/api/jobs/\(slowID)").body)["cancelled"] as? Bool == true)
            await fixture.app.queue.wait(id: slowID)
            #expect(object(try await client.call(.get, "/api/jobs/\(slowID)").body)["state"] as? String == "cancelled")
            #expect(ContinuousClock.now - started < .seconds(30))
            await fixture.app.queue.wait(id: newerID)
            #expect(object(try await client.call(.get, "/api/jobs/\(newerID)").body)["state"] as? String == "done")
        }
    }

    @Test("warm re-solve: an edit that keeps the model's shape starts from the last basis and gives the cold answer")
    func warmResolve() async throws {
        let fixture = try ServeFixture(workers: 1)
        try await fixture.test { client in
            for (path, edits) in [("tutorial.json", ["settings[3].costPerPlace=70000", "settings[3].costPerPlace=80000"]),
                                  ("leicester-city-capital.json", ["capitalOptions[5].decision=forced", "capitalOptions[0].decision=off"])] {
                _ = try await client.call(.post, "/api/solve", json: #"{"path": "\#(path)", "wait": true}"#)
                for edit in edits {
                    let warm = object(try await client.call(.post, "/api/solve", json: #"{"path": "\#(path)", "edits": ["\#(edit)"], "wait": true}"#).body)
                    #expect(warm["warm"] as? Bool == true, "\(path) \(edit)")
                    let scenario = try ScenarioDecoder.load(path: fixture.root + "/" + path, edits: [try ScenarioEdit(assignment: edit)])
                    let cold = try ScenarioSolver().run(scenario).report
                    let objective = try #require(warm["objective"] as? Double)
                    #expect(abs(objective - cold.objective!) <= 1e-9 * abs(objective), "\(path) \(edit)")
                    #expect(((warm["report"] as? [String: Any])?["verification"] as? [String: Any])?["passed"] as? Bool == true)
                }
            }
        }
    }
}

@Suite("serve: what the attack found")
struct ServeAttackTests {
    @Test("a scenario's or an edit's file names stay in the workspace: no file elsewhere is read or quoted")
    func filesStayInside() async throws {
        let fixture = try ServeFixture()
        let outside = try TemporaryFolder()
        let secret = try outside.write("secret.csv", "TOPSECRET,HIDDENCOLUMN\n1,2\n")
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/link.csv", withDestinationPath: secret)
        try Data(#"{"format": "sufficiency/1", "name": "x", "years": ["y1"], "needs": ["ASD"], "unmetPenalty": 1, "demand": {"csv": "../x.csv"}, "settings": []}"#.utf8)
            .write(to: URL(fileURLWithPath: fixture.root + "/refers-out.json"))
        let references = [secret, "../" + outside.url.lastPathComponent + "/secret.csv", "link.csv", "sub/../../secret.csv"]
        try await fixture.test { client in
            for reference in references {
                let answer = try await client.call(.post, "/api/validate", json: #"{"path": "tutorial.json", "edits": [{"path": "demand", "value": {"csv": "\#(reference)"}}]}"#)
                #expect(!answer.body.contains("TOPSECRET") && !answer.body.contains("HIDDENCOLUMN"), "\(reference): \(answer.body)")
                #expect(answer.body.contains("workspace") || answer.body.contains("not found"), "\(reference): \(answer.body)")
                let solved = try await client.call(.post, "/api/solve", json: #"{"path": "tutorial.json", "edits": [{"path": "demand", "value": {"csv": "\#(reference)"}}], "wait": true}"#)
                #expect(!solved.body.contains("TOPSECRET"), "\(reference)")
            }
            let file = try await client.call(.get, "/api/scenario?path=refers-out.json")
            #expect(file.status == .unprocessableContent && file.body.contains("inside the workspace"))
        }
        // The CLI, run by a person on their own files, still reads a CSV wherever it is.
        let scenario = try outside.write("s.json", #"{"format": "sufficiency/1", "name": "x", "years": ["y1"], "needs": ["ASD"], "unmetPenalty": 1, "demand": {"csv": "\#(secret)"}, "settings": []}"#)
        #expect(throws: (any Error).self) { try ScenarioDecoder.load(path: scenario) }
        #expect(loadIssues(scenario).contains { $0.message.contains("TOPSECRET") || $0.message.contains("header") })
    }

    @Test("a variant never goes over anything: an empty file, a link (to a file outside), a pipe, a folder")
    func variantsNeverOverwrite() async throws {
        let fixture = try ServeFixture()
        let outside = try TemporaryFolder()
        let victim = try outside.write("victim.txt", "")
        FileManager.default.createFile(atPath: fixture.root + "/tutorial--empty.json", contents: Data())
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/tutorial--link.json", withDestinationPath: victim)
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/tutorial--dangling.json", withDestinationPath: outside.url.path + "/nothing-yet.json")
        #expect(mkfifo(fixture.root + "/tutorial--pipe.json", 0o600) == 0)
        try FileManager.default.createDirectory(atPath: fixture.root + "/tutorial--folder.json", withIntermediateDirectories: false)
        try await fixture.test { client in
            for name in ["empty", "link", "dangling", "pipe", "folder"] {
                let answer = try await client.call(.post, "/api/variants", json: #"{"path": "tutorial.json", "name": "\#(name)", "edits": ["demandScale=1.3"]}"#)
                #expect(answer.status == .conflict, "\(name): \(answer.status) \(answer.body)")
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: victim)).isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.root + "/tutorial--empty.json")).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: outside.url.path + "/nothing-yet.json"))
        // Nothing temporary is left beside them.
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.root)
        #expect(names.allSatisfy { !$0.hasPrefix(".") }, "\(names)")
    }

    @Test("a queued solve solves the file as it was checked, not what a link put there later")
    func checkedBytesAreSolved() async throws {
        let fixture = try ServeFixture(workers: 1, timeLimit: 120)
        for suffix in [".json", "-travel.csv"] {
            try FileManager.default.copyItem(atPath: CLI.scenario("bench/gen-z50-s120-y5-o40" + suffix), toPath: fixture.root + "/gen-z50-s120-y5-o40" + suffix)
        }
        let outside = try TemporaryFolder()
        var other = object(try String(contentsOfFile: CLI.scenario("tutorial.json"), encoding: .utf8))
        other["name"] = "OUTSIDE"
        let elsewhere = try outside.write("elsewhere.json", json: other)
        try FileManager.default.copyItem(atPath: CLI.scenario("tutorial.json"), toPath: fixture.root + "/race.json")
        try await fixture.test { client in
            let slow = try #require(object(try await client.call(.post, "/api/solve", json: #"{"path": "gen-z50-s120-y5-o40.json"}"#).body)["id"] as? String)
            let raced = try #require(object(try await client.call(.post, "/api/solve", json: #"{"path": "race.json"}"#).body)["id"] as? String)
            try FileManager.default.removeItem(atPath: fixture.root + "/race.json")
            try FileManager.default.createSymbolicLink(atPath: fixture.root + "/race.json", withDestinationPath: elsewhere)
            _ = try await client.call(.delete, "/api/jobs/\(slow)")
            await fixture.app.queue.wait(id: raced)
            let report = object(try await client.call(.get, "/api/jobs/\(raced)/report?format=json").body)
            #expect(report["scenario"] as? String == "Tutorial: a small city, three years")
        }
    }

    @Test("the rest: no route is JSON, another site's page is refused, the content type exactly, names folded, a blank budget lifts it")
    func smallerFindings() async throws {
        let fixture = try ServeFixture()
        try await fixture.test { client in
            for (method, uri) in [(HTTPRequest.Method.put, "/api/solve"), (.get, "/nope"), (.patch, "/api/scenarios")] {
                let answer = try await client.call(method, uri)
                #expect(answer.status.code >= 400 && answer.status.code < 500, "\(method) \(uri)")
                #expect(object(answer.body)["error"] is String, "\(method) \(uri): \(answer.body)")
            }
            #expect(try await client.call(.get, "/compare?path=tutorial.json&path=tutorial.json", headers: [.init("Sec-Fetch-Site")!: "cross-site"]).status == .forbidden)
            #expect(try await client.call(.get, "/api/scenarios", headers: [.init("Sec-Fetch-Site")!: "same-origin"]).status == .ok)
            #expect(try await client.call(.post, "/api/validate", json: #"{"path": "tutorial.json"}"#, headers: [.contentType: "application/jsonx"]).status == .unsupportedMediaType)
            #expect(try await client.call(.post, "/api/validate", json: #"{"path": "tutorial.json"}"#, headers: [.contentType: "application/json; charset=utf-8"]).status == .ok)
            // A missing scenario's page is a page, not JSON.
            let missing = try await client.call(.get, "/scenario?path=nope.json")
            #expect(missing.status == .notFound && missing.body.contains("<html") && missing.body.contains("nope.json"))
            // A compare whose first variant fails leaves no solve behind.
            let failed = try await client.call(.post, "/api/compare", json: #"{"variants": [{"path": "tutorial.json", "edits": ["demandScale=-1"]}, {"path": "leicester-city-capital.json"}]}"#)
            #expect(failed.status == .unprocessableContent)
            try await Task.sleep(for: .milliseconds(200))
            #expect(fixture.app.queue.load.queued == 0 && fixture.app.queue.load.running == 0)
            // Labels as `compare` gives them: the edits of a variant.
            let labels = try await client.call(.post, "/api/compare", json: #"{"variants": [{"path": "tutorial.json"}, {"path": "tutorial.json", "edits": ["demandScale=1.05"]}]}"#)
            #expect((object(labels.body)["variants"] as? [[String: Any]])?.compactMap { $0["label"] as? String } == ["Tutorial: a small city, three years", "demandScale=1.05"])
            for format in ["csv", "xlsx"] {
                let download = try await client.execute(uri: "/api/compare", method: .post, headers: [.contentType: "application/json"],
                                                        body: ByteBuffer(string: #"{"variants": [{"path": "tutorial.json"}], "format": "\#(format)"}"#)) { $0 }
                #expect(download.status == .ok && Data(buffer: download.body).starts(with: Data("PK".utf8)), "\(format)")
            }
        }
        #expect(try Workspace.slug("Frais augmentés été") == "frais-augmentes-ete")
        #expect(try Workspace.slug(String(repeating: "a", count: 59) + " b") == String(repeating: "a", count: 59))
        #expect(throws: Workspace.Refusal.self) { try Workspace.slug("日本語") }
        // capital.budget null: no limit. Leicester City's programme with a £1m budget, then lifted:
        // the lifted plan is the file's own (its £8m budget does not bind): 468,611,051.85 (HiGHS and glpsol on its export, EndToEndTests).
        let capital = CLI.scenario("leicester-city-capital.json")
        let tight = try ScenarioSolver().run(try ScenarioDecoder.load(path: capital, edits: [try ScenarioEdit(assignment: "capital.budget=1000000")])).report
        let lifted = try ScenarioSolver().run(try ScenarioDecoder.load(path: capital, edits: [try ScenarioEdit(assignment: "capital.budget=null")])).report
        #expect(tight.objective! > lifted.objective! + 1)
        #expect(abs(lifted.objective! - 468_611_051.85) < 0.01)
    }
}

/// The status code of `GET /api/formats` with this Host header, over a plain socket.
func rawStatus(port: Int, host: String) throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
    let request = "GET /api/formats HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n"
    _ = request.withCString { send(descriptor, $0, strlen($0), 0) }
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = recv(descriptor, &buffer, buffer.count, 0)
    let line = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
}

/// The names in a zip archive.
enum ZIPFoundationArchive {
    static func names(_ data: Data) throws -> [String] {
        let archive = try ZIPFoundation.Archive(data: data, accessMode: .read)
        return archive.map(\.path)
    }
}
