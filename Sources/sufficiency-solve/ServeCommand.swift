import ArgumentParser
import Foundation
import Sufficiency
import SufficiencyServer

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A local web app over a folder of scenarios: change assumptions, see the plan re-solve, save and compare variants, download reports.",
        discussion: """
        sufficiency-solve serve --workspace scenarios
        then open http://127.0.0.1:8080/ in a browser. Bound to the loopback address unless --host says otherwise; then every
        request needs the token printed at start (a browser passes it once as ?token=…). Variants are saved as new files
        NAME--VARIANT.json beside their scenario; no file is ever changed or replaced. The JSON API is under /api/ (see the README).
        """)

    @Option(help: "The folder whose scenarios are served (default: the current folder).") var workspace: String = "."
    @Option(help: "Address to listen on: 127.0.0.1 (the default) answers only this machine; any other needs the token.") var host: String = "127.0.0.1"
    @Option(help: "Port (0: any free port, printed at start).") var port: Int = 8080
    @Option(help: "The token requests must carry: at least 16 letters, digits, - or _ (default: a random one when --host is not loopback, none on loopback).") var token: String?
    @Option(help: "Solves at the same time (default: the number of cores); the rest wait in order.") var workers: Int?
    @Option(help: "Solves that may wait before new ones are refused (503).") var maxQueued: Int = 256
    @Option(help: "Seconds each solve may take; a MIP keeps its best plan.") var timeLimit: Double = 60
    @Option(help: "Relative MIP gap at which to stop (0: a proven optimum).") var mipGap: Double = 0
    @OptionGroup var input: InputOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard timeLimit.isFinite, timeLimit > 0, timeLimit <= 1e7 else { throw ValidationError("--time-limit must be a number of seconds > 0") }
        guard mipGap.isFinite, mipGap >= 0, mipGap < 1 else { throw ValidationError("--mip-gap must be a number in [0, 1)") }
        if let workers, !(1...64).contains(workers) { throw ValidationError("--workers must be 1 to 64") }
        guard (1...100_000).contains(maxQueued) else { throw ValidationError("--max-queued must be 1 to 100000") }
        if let token, token.count < 16 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            throw ValidationError("--token must be at least 16 letters, digits, - or _")
        }
    }

    func run() throws {
        let folder: Workspace
        do { folder = try Workspace(folder: workspace) } catch { throw CommandFailure.badInput("--workspace \(error.message)") }
        let loopback = ServeSettings.isLoopback(host)
        let token = self.token ?? (loopback ? nil : Self.randomToken())
        var queue = SolveQueue.Settings(timeLimit: timeLimit, mipGap: mipGap, maxInputBytes: input.maxBytes)
        queue.maxQueued = maxQueued
        if let workers { queue.workers = workers }
        let settings = ServeSettings(workspace: folder, host: host, port: port, token: token, queue: queue, maxBodyBytes: min(1 << 20, input.maxBytes))
        let app = ServeApp(settings: settings)
        let host = self.host
        let done = DispatchSemaphore(value: 0)
        let failure = Locked<Error?>(nil)
        Task {
            do {
                try await app.application { port in
                    // 0.0.0.0 (or ::) listens on every address: say so, and give this machine's name.
                    let every = host == "0.0.0.0" || host == "::"
                    let name = every ? (ProcessInfo.processInfo.hostName.isEmpty ? "THIS-MACHINE" : ProcessInfo.processInfo.hostName) : host
                    let shown = name.contains(":") ? "[\(name)]" : name
                    let address = "http://\(shown):\(port)/" + (token.map { "?token=\($0)" } ?? "")
                    try? StandardStreams.writeOutput("Serving \(folder.root) at \(address)\n")
                    let workers = app.queue.settings.workers
                    StandardStreams.writeError("sufficiency-solve serve: \(every ? "listening on every address of this machine; " : "")\(workers) solve\(workers == 1 ? "" : "s") at a time, each up to \(Int(app.queue.settings.timeLimit ?? 0)) s; Ctrl-C stops\n")
                }.runService()
            } catch {
                failure.withLock { $0 = error }
            }
            done.signal()
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw CommandFailure.badInput("serve: \(error)") }
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
