import Foundation
import Testing
@testable import Sufficiency

/// Nothing lost (SPEC §5, issue 13): output never destroys what it did not write, every write
/// error is reported, interruption leaves nothing behind. Each test failed before the fix.
@Suite("Output safety: nothing lost, every failure reported", .serialized)
struct OutputSafetyTests {
    static let tutorial = CLI.scenario("tutorial.json")

    /// A one-need scenario whose policy can never hold: infeasible at any cost.
    static let infeasible = """
    {"format": "sufficiency/1", "name": "never", "years": ["y1"], "needs": ["ASD"], "unmetPenalty": 1000,
     "demand": {"y1": {"ASD": 5}},
     "settings": [{"id": "s", "type": "special", "serves": ["ASD"], "capacity": 10, "costPerPlace": 100}],
     "policies": [{"settings": ["s"], "minChildren": 100}]}
    """

    func contents(_ folder: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    @Test("csv output never deletes a folder of files, a file, the scenario, or the working folder")
    func csvRefusesForeignTargets() throws {
        let folder = try TemporaryFolder()
        let scenario = try folder.write("t.json", String(contentsOfFile: Self.tutorial, encoding: .utf8))
        let work = folder.url.appendingPathComponent("work").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: false)
        try folder.write("work/notes.txt", "a council officer's notes")
        let file = try folder.write("file.txt", "keep me")

        for target in [work, file, scenario] {
            let result = try CLI.run(["solve", scenario, "--format", "csv", "--output", target])
            #expect(result.status == 1, "\(target): \(result.stderr)")
            #expect(result.stderr.contains("nothing written"), "\(result.stderr)")
        }
        #expect(try contents(work) == ["notes.txt"])
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me")
        #expect(try String(contentsOfFile: scenario, encoding: .utf8) == String(contentsOfFile: Self.tutorial, encoding: .utf8))
        // `--output .` from a folder of the user's.
        let dot = try CLI.shell("cd \"\(folder.url.path)\" && \"$SUFF\" solve t.json --format csv --output .")
        #expect(dot.status == 1)
        #expect(try contents(folder.url.path) == ["file.txt", "t.json", "work"])
    }

    @Test("csv output: a new or empty folder is written; our own report is replaced, a stranger's file beside it kept")
    func csvReplacesOnlyOurs() throws {
        let folder = try TemporaryFolder()
        let report = folder.url.appendingPathComponent("report").path
        #expect(try CLI.run(["solve", Self.tutorial, "--format", "csv", "--output", report]).status == 0)
        let tables = try contents(report)
        #expect(tables.contains(CSVFolder.markerName) && tables.contains("costs.csv"))
        try folder.write("report/notes.txt", "mine")
        #expect(try CLI.run(["solve", Self.tutorial, "--format", "csv", "--output", report]).status == 0)
        #expect(try contents(report) == (tables + ["notes.txt"]).sorted())
        #expect(try String(contentsOfFile: report + "/notes.txt", encoding: .utf8) == "mine")
        // A table of ours that the user has since edited is theirs now: refused, kept.
        try folder.write("report/costs.csv", "my edits")
        #expect(try CLI.run(["solve", Self.tutorial, "--format", "csv", "--output", report]).status == 1)
        #expect(try String(contentsOfFile: report + "/costs.csv", encoding: .utf8) == "my edits")
        try FileManager.default.removeItem(atPath: report + "/costs.csv")
        // A report with more tables (zones, options) replaced by one with fewer: ours removed, theirs kept.
        let bench = CLI.scenario("bench/gen-z10-s40-y3-o5.json")
        #expect(try CLI.run(["solve", bench, "--mip-gap", "0.05", "--format", "csv", "--output", report]).status == 0)
        #expect(try contents(report).contains("zones.csv"))
        #expect(try CLI.run(["solve", Self.tutorial, "--format", "csv", "--output", report]).status == 0)
        #expect(try contents(report) == (tables + ["notes.txt"]).sorted())
        // A file of the user's under one of our names, in a folder of ours, is not replaced.
        try FileManager.default.removeItem(atPath: report + "/" + CSVFolder.markerName)
        try folder.write(CSVFolder.markerName + "-x", "")
        let refused = try CLI.run(["solve", Self.tutorial, "--format", "csv", "--output", report])
        #expect(refused.status == 1)
        let empty = folder.url.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        #expect(try CLI.run(["solve", Self.tutorial, "--format", "csv", "--output", empty]).status == 0)
        #expect(try contents(empty) == tables)
    }

    @Test("interrupted just before the swap, a csv write leaves no temporary folder and the old report whole", arguments: [false, true])
    func csvInterrupted(existing: Bool) throws {
        let folder = try TemporaryFolder()
        let report = folder.url.appendingPathComponent("X").path
        if existing { #expect(try CLI.run(["solve", Self.tutorial, "--format", "csv", "--output", report]).status == 0) }
        let before = existing ? try contents(report) : []
        let process = try CLI.launch(["solve", Self.tutorial, "--format", "csv", "--output", report],
                                     environment: ["SUFFICIENCY_PAUSE_BEFORE_COMMIT": "5"])
        // Wait until the temporary files exist (the writer is paused before renaming them).
        let staged = CLI.waitFor(20) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: existing ? report : folder.url.path)) ?? []
            return names.contains { $0.hasPrefix(".sufficiency-") && $0.hasSuffix(".tmp") }
        }
        #expect(staged)
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(try contents(folder.url.path) == (existing ? ["X"] : []))
        if existing { #expect(try contents(report) == before) }
    }

    @Test("a symlink is kept and its file replaced; /dev/stdout, a FIFO and /dev/null are written through")
    func linksAndDevices() throws {
        let folder = try TemporaryFolder()
        let real = folder.url.appendingPathComponent("real.txt").path
        #expect(try CLI.run(["solve", Self.tutorial, "--output", real, "--no-timings"]).status == 0)
        let link = folder.url.appendingPathComponent("link.txt").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.txt")
        #expect(try CLI.run(["solve", Self.tutorial, "--output", link, "--no-timings"]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.txt")
        let toNull = folder.url.appendingPathComponent("null.txt").path
        try FileManager.default.createSymbolicLink(atPath: toNull, withDestinationPath: "/dev/null")
        #expect(try CLI.run(["solve", Self.tutorial, "--output", toNull]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: toNull) == "/dev/null")

        let viaStdout = try CLI.run(["solve", Self.tutorial, "--output", "/dev/stdout", "--no-timings"])
        #expect(viaStdout.status == 0)
        #expect(viaStdout.stdout.hasPrefix("Sufficiency: Tutorial"))
        let lpToStderr = try CLI.run(["export", Self.tutorial, "--lp", "/dev/stderr"])
        #expect(lpToStderr.status == 0)
        #expect(lpToStderr.stderr.hasPrefix("\\* Problem:"))
        var info = stat()
        #expect(lstat("/dev/stdout", &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        #expect(lstat("/dev/stderr", &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)

        let fifo = folder.url.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let read = try CLI.shell("cat \"\(fifo)\" > \"\(fifo).out\" & \"$SUFF\" solve \"\(Self.tutorial)\" --output \"\(fifo)\" --no-timings; status=$?; wait; exit $status")
        #expect(read.status == 0)
        #expect(try String(contentsOfFile: fifo + ".out", encoding: .utf8).hasPrefix("Sufficiency: Tutorial"))
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
    }

    @Test("write errors are messages with exit 74, never a crash: /dev/full, a file-size limit, closed descriptors, a closed pipe")
    func writeErrors() throws {
        let folder = try TemporaryFolder()
        let dir = folder.url.path
        for arguments in [["solve", Self.tutorial, "--output", "/dev/full"],
                          ["solve", Self.tutorial, "--format", "json", "--output", "/dev/full"],
                          ["compare", Self.tutorial, "--set", "demand.growth=0.1", "--html", "/dev/full"],
                          ["sweep", Self.tutorial, "--vary", "demand.growth=0.05..0.06:0.01", "--html", "/dev/full"],
                          ["export", Self.tutorial, "--lp", "/dev/full"], ["export", Self.tutorial, "--mps", "/dev/full"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 74, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("cannot write /dev/full: No space left on device"), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"))
        }
        // A full disk, simulated by a file-size limit (4 KB): the good file stays, no temporary is left.
        let keep = dir + "/keep.lp"
        #expect(try CLI.run(["export", Self.tutorial, "--lp", keep]).status == 0)
        let good = try Data(contentsOf: URL(fileURLWithPath: keep))
        #expect(good.count > 4096)
        let limited = try CLI.shell("ulimit -f 4; \"$SUFF\" export \"\(Self.tutorial)\" --lp \"\(keep)\"")
        #expect(limited.status == 74, "\(limited.stderr)")
        #expect(limited.stderr.contains("cannot write \(keep): File too large"), "\(limited.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: keep)) == good)
        let report = dir + "/report.json"
        let limitedReport = try CLI.shell("ulimit -f 4; \"$SUFF\" solve \"\(Self.tutorial)\" --format json --output \"\(report)\"")
        #expect(limitedReport.status == 74)
        #expect(try contents(dir) == ["keep.lp"])
        // Closed standard output: an error, not a report into whatever file takes descriptor 1.
        let closed = try CLI.shell("\"$SUFF\" solve \"\(Self.tutorial)\" >&-")
        #expect(closed.status == 74)
        #expect(closed.stderr.contains("cannot write standard output: it is closed"))
        let closedError = try CLI.shell("\"$SUFF\" solve \"\(Self.tutorial)\" --no-timings 2>&-")
        #expect(closedError.status == 0)
        #expect(closedError.stdout.hasPrefix("Sufficiency:"))
        // A reader that has gone: EPIPE is reported, not death by SIGPIPE (141).
        let process = Process()
        process.executableURL = try #require(CLI.executable)
        process.arguments = ["solve", CLI.scenario("leicestershire.json"), "--format", "json"]
        let pipe = Pipe(), errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try pipe.fileHandleForReading.close()
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 74)
        #expect(String(decoding: message, as: UTF8.self).contains("the reader closed the pipe"))
    }

    @Test("--output onto an existing file replaces only a file of the same kind, never an input")
    func sameKindOnly() throws {
        let folder = try TemporaryFolder()
        let scenario = try folder.write("t.json", String(contentsOfFile: Self.tutorial, encoding: .utf8))
        let notes = try folder.write("notes.json", "{\"mine\": true}")
        #expect(try CLI.run(["solve", scenario, "--format", "json", "--output", scenario]).stderr.contains("it is an input of this run"))
        #expect(try CLI.run(["solve", scenario, "--format", "json", "--output", notes]).status == 1)
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "{\"mine\": true}")
        for (format, name) in [("json", "r.json"), ("table", "r.txt"), ("markdown", "r.md"), ("html", "r.html")] {
            let path = folder.url.appendingPathComponent(name).path
            #expect(try CLI.run(["solve", scenario, "--format", format, "--output", path]).status == 0)
            #expect(try CLI.run(["solve", scenario, "--format", format, "--output", path]).status == 0, "\(format) over its own")
        }
        // A JSON report is not a text report.
        let wrongKind = try CLI.run(["solve", scenario, "--output", folder.url.appendingPathComponent("r.json").path])
        #expect(wrongKind.status == 1)
        #expect(wrongKind.stderr.contains("is not a text report"))
        // An empty file holds nothing to lose.
        let empty = try folder.write("empty.txt", "")
        #expect(try CLI.run(["solve", scenario, "--output", empty]).status == 0)
        // The travel CSV a scenario reads is an input too.
        let travel = try CLI.run(["export", CLI.scenario("bench/gen-z10-s40-y3-o5.json"), "--lp", CLI.scenario("bench/gen-z10-s40-y3-o5-travel.csv")])
        #expect(travel.status == 1)
        #expect(travel.stderr.contains("it is an input of this run"))
    }

    @Test("an interrupted csv write leaves a marker that never claims a file the user writes later")
    func markerAfterInterrupt() throws {
        let folder = try TemporaryFolder()
        let report = folder.url.appendingPathComponent("R").path
        #expect(try CLI.run(["solve", Self.tutorial, "--format", "csv", "--output", report]).status == 0)
        let process = try CLI.launch(["solve", CLI.scenario("bench/gen-z10-s40-y3-o5.json"), "--mip-gap", "0.05", "--format", "csv", "--output", report],
                                     environment: ["SUFFICIENCY_PAUSE_BEFORE_COMMIT": "5"])
        #expect(CLI.waitFor(30) { ((try? FileManager.default.contentsOfDirectory(atPath: report)) ?? []).contains { $0.hasSuffix(".tmp") } })
        process.interrupt()
        process.waitUntilExit()
        try folder.write("R/zones.csv", "my own zone notes")
        let after = try CLI.run(["solve", Self.tutorial, "--format", "csv", "--output", report])
        #expect(after.status == 0)
        #expect(try String(contentsOfFile: report + "/zones.csv", encoding: .utf8) == "my own zone notes")
    }

    @Test("two names for one file, and any spelling of standard output")
    func aliases() throws {
        let folder = try TemporaryFolder()
        let same = try CLI.run(["export", Self.tutorial, "--lp", folder.url.path + "/a.model", "--mps", folder.url.path + "/./a.model"])
        #expect(same.status == 1)
        #expect(same.stderr.contains("same file"))
        #expect(try contents(folder.url.path).isEmpty)
        let log = try folder.write("log.txt", "Sufficiency: yesterday's line\n")
        let appended = try CLI.shell("\"$SUFF\" solve \"\(Self.tutorial)\" --no-timings --output /dev//stdout >> \"\(log)\"")
        #expect(appended.status == 0)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.hasPrefix("Sufficiency: yesterday's line\nSufficiency: Tutorial"))
        #expect(try CLI.run(["export", Self.tutorial, "--lp", folder.url.path + "/x.lp/"]).status == 1)
    }

    @Test("output names of 243 to 255 bytes are written; 256 is refused with a reason")
    func longNames() throws {
        let folder = try TemporaryFolder()
        for length in [243, 250, 255] {
            let path = folder.url.appendingPathComponent(String(repeating: "a", count: length - 5) + ".json").path
            let result = try CLI.run(["solve", Self.tutorial, "--format", "json", "--output", path])
            #expect(result.status == 0, "\(length): \(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: path))
            let csv = folder.url.appendingPathComponent(String(repeating: "c", count: length)).path
            #expect(try CLI.run(["solve", Self.tutorial, "--format", "csv", "--output", csv]).status == 0, "csv \(length)")
        }
        let tooLong = try CLI.run(["solve", Self.tutorial, "--output", folder.url.appendingPathComponent(String(repeating: "b", count: 256)).path])
        #expect(tooLong.status == 1)
        #expect(tooLong.stderr.contains("at most 255 bytes"))
    }

    @Test("generate writes both files or neither, and refuses a folder or a device")
    func generateTargets() throws {
        let folder = try TemporaryFolder()
        let parent = folder.url.path
        let sub = parent + "/sub"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        for target in [sub, "/dev/full", sub + "/"] {
            let result = try CLI.run(["generate", "--output", target, "--zones", "2", "--settings", "5"])
            #expect(result.status == 1, "\(target)")
        }
        #expect(try contents(parent) == ["sub"])
        #expect(try contents(sub).isEmpty)
        let scenario = sub + "/g.json"
        #expect(try CLI.run(["generate", "--output", scenario, "--zones", "2", "--settings", "5"]).status == 0)
        #expect(try contents(sub) == ["g-travel.csv", "g.json"])
        // Its own files are replaced; a scenario of the user's under that name is not, and then neither file is written.
        #expect(try CLI.run(["generate", "--output", scenario, "--zones", "3", "--settings", "5"]).status == 0)
        let mine = try folder.write("sub/mine.json", String(contentsOfFile: Self.tutorial, encoding: .utf8))
        let refused = try CLI.run(["generate", "--output", mine, "--zones", "2", "--settings", "5"])
        #expect(refused.status == 1)
        #expect(try contents(sub) == ["g-travel.csv", "g.json", "mine.json"])
    }

    @Test("bench: run from PATH, errors and an empty folder exit non-zero, one-sided scenarios flagged")
    func benchExits() throws {
        let folder = try TemporaryFolder()
        let suite = folder.url.path + "/suite"
        try FileManager.default.createDirectory(atPath: suite, withIntermediateDirectories: false)
        try folder.write("suite/t.json", String(contentsOfFile: Self.tutorial, encoding: .utf8))
        let bin = folder.url.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: bin + "/sufficiency-solve", withDestinationPath: try #require(CLI.executable).path)
        let fromPath = try CLI.shell("cd \"\(folder.url.path)\" && PATH=\"\(bin):$PATH\" sufficiency-solve bench suite --repeat 1 --output base.jsonl")
        #expect(fromPath.status == 0, "\(fromPath.stderr)")
        let lines = try Bench.readLines(String(contentsOfFile: folder.url.path + "/base.jsonl", encoding: .utf8))
        #expect(lines.map(\.status) == ["optimal"])
        // A scenario added since the baseline, and one that does not read.
        try folder.write("suite/u.json", String(contentsOfFile: Self.tutorial, encoding: .utf8))
        let added = try CLI.run(["bench", suite, "--repeat", "1", "--baseline", folder.url.path + "/base.jsonl"])
        #expect(added.status == 4)
        #expect(added.stderr.contains("u.json: not in the baseline"))
        try FileManager.default.removeItem(atPath: suite + "/t.json")
        let removed = try CLI.run(["bench", suite, "--repeat", "1", "--baseline", folder.url.path + "/base.jsonl"])
        #expect(removed.status == 4)
        #expect(removed.stderr.contains("t.json: in the baseline but not in the folder"))
        try folder.write("suite/bad.json", "{ not json")
        let bad = try CLI.run(["bench", suite, "--repeat", "1"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("ERROR bad.json"))
        let empty = folder.url.path + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        let none = try CLI.run(["bench", empty, "--baseline", folder.url.path + "/base.jsonl"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("no scenarios"))
    }

    /// The processes whose parent is `pid` (from /proc).
    func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid
        }
    }

    @Test("bench stopped by SIGTERM or SIGINT stops its solving child too", arguments: [SIGTERM, SIGINT])
    func benchForwardsSignals(signal: Int32) throws {
        let folder = try TemporaryFolder()
        // The 40-option MIP runs for many seconds: the child is surely mid-solve.
        for name in ["gen-z50-s120-y5-o40.json", "gen-z50-s120-y5-o40-travel.csv"] {
            try FileManager.default.copyItem(atPath: CLI.scenario("bench/" + name), toPath: folder.url.path + "/" + name)
        }
        let process = try CLI.launch(["bench", folder.url.path, "--repeat", "1"])
        var child: Int32 = 0
        #expect(CLI.waitFor(20) { child = children(of: process.processIdentifier).first ?? 0; return child != 0 })
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + signal)
        #expect(child != 0)
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(child)"), "child \(child) still running")
    }

    @Test("bench counts a slowdown only past the ratio and an absolute floor")
    func benchFloor() {
        func result(_ name: String, median: Double) -> Bench.Result {
            var sample = Bench.Sample.failed("")
            sample.error = nil
            sample.status = "optimal"; sample.objective = 1; sample.verified = true; sample.totalSeconds = median
            return Bench.Result(name: name, samples: [sample])
        }
        let base = [result("a.json", median: 0.2)]
        // 3× slower but only 0.4 s: noise under the 0.5 s floor.
        #expect(Bench.compare([result("a.json", median: 0.6)], baseline: base, threshold: 1.25, floor: 0.5).isEmpty)
        #expect(Bench.compare([result("a.json", median: 0.8)], baseline: base, threshold: 1.25, floor: 0.5).first?.reason.contains("median") == true)
        // 20 s against 19 s is past the floor but under the ratio.
        #expect(Bench.compare([result("a.json", median: 20)], baseline: [result("a.json", median: 19)], threshold: 1.25, floor: 0.5).isEmpty)
    }

    @Test("exit codes: a sweep with no plan at any point exits 2; a bare command is a usage error")
    func exitCodes() throws {
        let folder = try TemporaryFolder()
        let never = try folder.write("never.json", Self.infeasible)
        let sweep = try CLI.run(["sweep", never, "--vary", "settings[id=s].costPerPlace=100..200:50"])
        #expect(sweep.status == 2, "\(sweep.stderr)")
        #expect(sweep.stderr.contains("no plan at any point"))
        let bare = try CLI.run([])
        #expect(bare.status == 1)
        #expect(bare.stderr.contains("USAGE") && bare.stdout.isEmpty)
        #expect(try CLI.run(["--help"]).status == 0)
    }
}
