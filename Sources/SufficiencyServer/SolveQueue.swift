import Foundation
import Sufficiency

/// One problem of a scenario or an edit, as the API reports it (SPEC §6's words, with its place).
public struct Problem: Sendable, Codable, Equatable {
    /// The key path (`settings[3].capacity`), empty for the whole file.
    public var path: String
    public var message: String
    public var line: Int?
    public var column: Int?
    /// The file it is in, when not the scenario itself (a demand CSV).
    public var file: String?

    public init(path: String, message: String, line: Int? = nil, column: Int? = nil, file: String? = nil) {
        self.path = path; self.message = message; self.line = line; self.column = column; self.file = file
    }

    public init(_ issue: ScenarioIssue) {
        self.init(path: issue.path, message: issue.message, line: issue.location?.line, column: issue.location?.column, file: issue.file)
    }

    /// The problems an error stands for: a scenario's, an edit's, or one line for anything else.
    public static func of(_ error: any Error) -> [Problem] {
        switch error {
        case let errors as ScenarioErrors: return errors.issues.map(Problem.init)
        case let edit as ScenarioEdit.EditError: return [Problem(path: String(edit.message.prefix { $0 != ":" }), message: edit.message)]
        case let refusal as Workspace.Refusal: return [Problem(path: "", message: refusal.message)]
        default: return [Problem(path: "", message: "\(error)")]
        }
    }
}

/// The background solves of `serve`: at most `workers` at once (one thread each, so every GLPK
/// problem is made, solved and freed on one thread), the rest queued in order; each with the
/// time limit; a job can be cancelled, queued or running (a newer edit cancels an older solve).
/// Finished jobs are kept, the oldest dropped beyond `keepFinished`, so memory stays bounded.
public final class SolveQueue: @unchecked Sendable {
    public struct Settings: Sendable {
        public var workers: Int
        public var maxQueued: Int
        /// Seconds a solve may take (its own `--time-limit`).
        public var timeLimit: Double?
        public var mipGap: Double
        public var maxInputBytes: Int
        public var keepFinished: Int

        public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, maxQueued: Int = 256, timeLimit: Double? = 60,
                    mipGap: Double = 0, maxInputBytes: Int = ScenarioDecoder.Limits.defaultMaxInputBytes, keepFinished: Int = 200) {
            self.workers = max(1, workers); self.maxQueued = maxQueued; self.timeLimit = timeLimit
            self.mipGap = mipGap; self.maxInputBytes = maxInputBytes; self.keepFinished = keepFinished
        }
    }

    public enum State: String, Sendable, Codable { case queued, running, done, failed, cancelled }

    /// What one request asks to solve.
    public struct Request: Sendable {
        /// The scenario's path relative to the workspace, and its real path.
        public var path: String
        public var file: String
        /// The file's bytes, read when the request was checked (not when the job runs).
        public var bytes: [UInt8]
        /// The workspace's real path: the scenario's file names must stay inside it.
        public var root: String?
        public var edits: [ScenarioEdit]
        public var label: String?
        public init(path: String, file: String, bytes: [UInt8], root: String?, edits: [ScenarioEdit], label: String? = nil) {
            self.path = path; self.file = file; self.bytes = bytes; self.root = root; self.edits = edits; self.label = label
        }
    }

    /// A job as the API shows it.
    public struct Snapshot: Sendable, Codable {
        public var id: String
        public var path: String
        public var edits: [String]
        public var label: String?
        public var state: State
        /// Jobs ahead of this one while it is queued.
        public var ahead: Int?
        /// Seconds since it was submitted (queued and running).
        public var seconds: Double
        public var status: String?
        public var objective: Double?
        public var exitCode: Int32?
        /// Whether the solve started from the basis of the last solve of the same model structure.
        public var warm: Bool?
        public var problems: [Problem]?
    }

    final class Job: @unchecked Sendable {
        let id: String
        let request: Request
        let submitted = ContinuousClock.now
        var finished: ContinuousClock.Instant?
        var state = State.queued
        var report: Report?
        var problems: [Problem] = []
        var warm = false
        let cancellation = Cancellation()
        var waiters: [CheckedContinuation<Void, Never>] = []
        init(id: String, request: Request) { self.id = id; self.request = request }
    }

    public struct Busy: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let settings: Settings
    private let lock = NSLock()
    private var pending: [Job] = []
    private var jobs: [String: Job] = [:]
    private var finishedOrder: [String] = []
    private var counter = 0
    private let work = DispatchSemaphore(value: 0)
    /// The last optimal basis of each model shape, for warm re-solves.
    let bases = BasisStore(capacity: 32)

    public init(settings: Settings) {
        self.settings = settings
        for k in 0..<settings.workers {
            let thread = Thread { [weak self] in
                while let queue = self { if !queue.runNext() { return } }
            }
            thread.name = "solve-\(k + 1)"
            // GLPK's branch and cut recurses; give it room.
            thread.stackSize = 64 << 20
            thread.start()
        }
    }

    /// Queues a solve, cancelling `replaces` first (the page's older solve). Refused when the
    /// queue is full.
    public func submit(_ request: Request, replaces: String? = nil) throws(Busy) -> Snapshot {
        if let replaces { _ = cancel(replaces) }
        let job: Job = try lock.locked { () throws(Busy) -> Job in
            guard pending.count < settings.maxQueued else { throw Busy(description: "\(pending.count) solves are waiting; try again shortly") }
            counter += 1
            let job = Job(id: String(format: "j%06d", counter), request: request)
            jobs[job.id] = job
            pending.append(job)
            return job
        }
        work.signal()
        return snapshot(job)
    }

    /// Cancels a queued or running job; false when there is no such job or it has finished.
    @discardableResult
    public func cancel(_ id: String) -> Bool {
        let waiters: [CheckedContinuation<Void, Never>]? = lock.locked {
            guard let job = jobs[id], job.state == .queued || job.state == .running else { return nil }
            job.cancellation.cancel()
            guard job.state == .queued else { return [] }
            pending.removeAll { $0 === job }
            return finish(job, .cancelled)
        }
        waiters?.forEach { $0.resume() }
        return waiters != nil
    }

    public func snapshot(id: String) -> Snapshot? {
        lock.locked { jobs[id] }.map(snapshot)
    }

    /// The report of a finished job.
    public func report(id: String) -> (snapshot: Snapshot, report: Report?)? {
        guard let job = lock.locked({ jobs[id] }) else { return nil }
        return (snapshot(job), lock.locked { job.report })
    }

    /// Waits until the job has finished (done, failed or cancelled); a waiter that goes away (its
    /// client hung up) cancels the job, which nobody could then collect.
    public func wait(id: String) async {
        await withTaskCancellationHandler {
            await waitFinished(id: id)
        } onCancel: {
            _ = self.cancel(id)
        }
    }

    private func waitFinished(id: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready: Bool = lock.locked {
                guard let job = jobs[id], job.state == .queued || job.state == .running else { return true }
                job.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Jobs waiting and running now.
    public var load: (queued: Int, running: Int) {
        lock.locked { (pending.count, jobs.values.filter { $0.state == .running }.count) }
    }

    private func snapshot(_ job: Job) -> Snapshot {
        lock.locked {
            let ahead = job.state == .queued ? pending.firstIndex { $0 === job } : nil
            let end = job.finished ?? ContinuousClock.now
            let report = job.report
            return Snapshot(id: job.id, path: job.request.path, edits: job.request.edits.map(\.description), label: job.request.label,
                            state: job.state, ahead: ahead, seconds: (end - job.submitted).seconds,
                            status: report?.status, objective: report.flatMap { $0.robust?.value ?? $0.objective },
                            exitCode: report?.exitCode, warm: job.state == .done ? job.warm : nil, problems: job.problems.isEmpty ? nil : job.problems)
        }
    }

    /// Marks a job finished (under the lock) and returns who waits for it.
    private func finish(_ job: Job, _ state: State) -> [CheckedContinuation<Void, Never>] {
        job.state = state
        job.finished = ContinuousClock.now
        finishedOrder.append(job.id)
        while finishedOrder.count > settings.keepFinished { jobs[finishedOrder.removeFirst()] = nil }
        defer { job.waiters = [] }
        return job.waiters
    }

    /// One job on this worker thread; false when the queue is gone.
    private func runNext() -> Bool {
        work.wait()
        guard let job: Job = lock.locked({
            guard !pending.isEmpty else { return nil }
            let job = pending.removeFirst()
            job.state = .running
            return job
        }) else { return true }
        var report: Report?, problems: [Problem] = [], warm = false
        do {
            let scenario = try ScenarioDecoder.load(bytes: job.request.bytes, path: job.request.file, edits: job.request.edits,
                                                    maxInputBytes: settings.maxInputBytes, confinedTo: job.request.root)
            var options = SolverOptions(mipGap: settings.mipGap)
            if let limit = settings.timeLimit {
                options.deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(limit * 1000)))
                options.commandTimeLimit = limit
            }
            options.cancellation = job.cancellation
            var engine = ScenarioSolver(options: options, compareOptions: .auto)
            engine.basisStore = bases
            let solved = try engine.run(scenario)
            warm = solved.warm
            var result = solved.report
            result.removeTimings()
            report = result
        } catch {
            problems = Problem.of(error)
        }
        let waiters = lock.locked { () -> [CheckedContinuation<Void, Never>] in
            job.report = report
            job.problems = problems
            job.warm = warm
            let state: State = job.cancellation.isCancelled ? .cancelled : (report == nil ? .failed : .done)
            return finish(job, state)
        }
        waiters.forEach { $0.resume() }
        return true
    }
}

extension NSLock {
    func locked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
