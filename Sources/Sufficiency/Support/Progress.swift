import Foundation

/// Progress of a long solve on standard error (SPEC §5): once a command has run about two
/// seconds, at most one line a second — the phase, iterations or nodes, the best plan, the bound
/// and the gap. On when standard error is a terminal or with `--progress`; never on standard
/// output, where reports go.
public enum Progress {
    struct State {
        var enabled = false
        var started = ContinuousClock.now
        var last: ContinuousClock.Instant?
        /// What is running now, for the ticker's line when nothing else reports (GLPK's MIP
        /// presolve and root LP have no callback).
        var phase: String?
        var ticking = false
    }
    private static let state = Locked(State())
    /// Where lines go: standard error (a test may collect them instead).
    static let sink = Locked<(String) -> Void>({ StandardStreams.writeError($0) })

    /// Turns progress on or off, counting from `started` (the command's start).
    public static func configure(enabled: Bool, started: ContinuousClock.Instant) {
        let startTicker = state.withLock { s -> Bool in
            let start = enabled && !s.ticking
            s.enabled = enabled
            s.started = started
            s.ticking = s.ticking || start
            return start
        }
        if startTicker {
            // A line a second about the current phase while nothing else reports.
            let thread = Thread {
                while true {
                    Thread.sleep(forTimeInterval: 1)
                    guard let phase = state.withLock({ $0.enabled ? $0.phase : nil }) else { continue }
                    // Only when no other line came in the last two seconds.
                    report(phase, quiet: 2)
                }
            }
            thread.start()
        }
    }

    /// Names what runs now (nil when nothing long runs).
    public static func phase(_ text: String?) {
        state.withLock { $0.phase = text }
        if let text { report(text, force: true) }
    }

    public static var enabled: Bool { state.withLock { $0.enabled } }

    /// Shows `line` if progress is on, the command has run two seconds and a second has passed
    /// since the last line (`force`: whatever the last line's time).
    public static func report(_ line: @autoclosure () -> String, force: Bool = false, quiet: Double = 1) {
        let now = ContinuousClock.now
        let show: Double? = state.withLock { s in
            guard s.enabled else { return nil }
            let elapsed = (now - s.started).seconds
            guard elapsed >= 2 else { return nil }
            if !force, let last = s.last, (now - last).seconds < quiet { return nil }
            s.last = now
            return elapsed
        }
        guard let elapsed = show else { return }
        let text = String(format: "sufficiency-solve: [%.1f s] ", elapsed) + line() + "\n"
        sink.withLock { $0 }(text)
    }

    /// GLPK's own progress lines (its simplex log), shown as progress when on.
    static func glpkLine(_ text: String) {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !line.isEmpty else { return }
        report("GLPK simplex: \(line)")
    }
}
