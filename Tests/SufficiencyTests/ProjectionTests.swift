import Foundation
import Testing
@testable import Sufficiency

/// `project` (SPEC §8): the transitions reader, the cohort model and its projection. Expected
/// values are worked out by hand from the model's stated formulas (see ``CohortModel``); the
/// arithmetic is in the comments.
@Suite("project: demand from the council's transitions")
struct ProjectionTests {
    static let header = "calendar-year,setting-1,need-1,academic-year-1,setting-2,need-2,academic-year-2\n"

    static func records(_ rows: [String], labels: RecordLabels = RecordLabels()) throws -> TransitionRecords {
        try TransitionRecords.read(Array((header + rows.joined(separator: "\n") + "\n").utf8), file: "t.csv", labels: labels)
    }

    static func repeated(_ row: String, _ n: Int) -> [String] { [String](repeating: row, count: n) }

    /// 2020: ten children in mainstream (ms) in Reception (0): 6 stay, 2 move to special (sp),
    /// 2 leave; 4 join ms in Reception and one in Year 2 (so the records reach Year 2).
    static func twoStateRows() -> [String] {
        repeated("2020,ms,ASD,0,ms,ASD,1", 6) + repeated("2020,ms,ASD,0,sp,ASD,1", 2) + repeated("2020,ms,ASD,0,NONSEND,NONSEND,1", 2)
            + repeated("2020,NONSEND,NONSEND,-1,ms,ASD,0", 4) + ["2020,NONSEND,NONSEND,1,ms,ASD,2"]
    }

    @Test("a two-state chain: the shares are the counts plus the academic year's prior, and one step is their weighted sum")
    func twoStateChain() throws {
        let records = try Self.records(Self.twoStateRows())
        let model = try CohortModel.fit(records, years: 2020...2020)
        let ms = 0, sp = 1, asd = 0
        #expect(records.settings == ["ms", "sp"] && records.needs == ["ASD"])
        // Pooled at Reception: 2 leave, 6 stay, 2 move (to sp) of 10.
        // ℓ = (2 + ½)/(10 + 1) = 2.5/11; σ = (1 − ℓ)(6 + ½)/(8 + 1) = (8.5/11)(6.5/9); μ = (8.5/11)(2.5/9).
        let ell = 2.5 / 11, sigma = 8.5 / 11 * 6.5 / 9, mu = 8.5 / 11 * 2.5 / 9
        // The state's own counts plus κ = 1 times the prior, over 10 + 1:
        // leave (2 + ℓ)/11, stay (6 + σ)/11, to sp (2 + μ)/11.
        let origin = TransitionRecords.State(academicYear: 0, need: asd, setting: ms)
        #expect(abs(model.leavingShare(origin) - (2 + ell) / 11) < 1e-12)
        #expect(abs(model.share(from: origin, to: .init(academicYear: 1, need: asd, setting: ms)) - (6 + sigma) / 11) < 1e-12)
        #expect(abs(model.share(from: origin, to: .init(academicYear: 1, need: asd, setting: sp)) - (2 + mu) / 11) < 1e-12)
        // Year 1 is never an origin: it borrows Reception's pooled shares (κ = 1 of prior alone):
        // from ms leave ℓ, stay σ, move μ; from sp (its movers' target is itself) stay σ + μ.
        let y1ms = TransitionRecords.State(academicYear: 1, need: asd, setting: ms), y1sp = TransitionRecords.State(academicYear: 1, need: asd, setting: sp)
        #expect(abs(model.leavingShare(y1ms) - ell) < 1e-12 && abs(model.leavingShare(y1sp) - ell) < 1e-12)
        #expect(abs(model.share(from: y1sp, to: .init(academicYear: 2, need: asd, setting: sp)) - (sigma + mu)) < 1e-12)

        // The census of January 2021 (the rows' later states): Reception ms 4, Year 1 ms 6, sp 2, Year 2 ms 1.
        let census = try #require(model.census(2021, in: records))
        let S = 2, lo = model.academicYears.lowerBound
        #expect(model.academicYears == 0...2)
        func at(_ c: CohortModel.Census, _ a: Int, _ s: Int) -> Double { c.counts[(a - lo) * S + s] }
        #expect(at(census, 0, ms) == 4 && at(census, 1, ms) == 6 && at(census, 1, sp) == 2 && at(census, 2, ms) == 1)
        // One step: Year 1 ms = 4·(6 + σ)/11; Year 1 sp = 4·(2 + μ)/11; Year 2 ms = 6σ; Year 2 sp = 6μ + 2(σ + μ);
        // the one in Year 2, the oldest year in the records, leaves.
        // Joiners, count / 1 year, all into ms (where every joiner went): Reception 4, Year 1 none, Year 2 1.
        let next = model.step(census, calendarYear: 2021, population: nil)
        #expect(abs(at(next, 1, ms) - 4 * (6 + sigma) / 11) < 1e-9)
        #expect(abs(at(next, 1, sp) - 4 * (2 + mu) / 11) < 1e-9)
        #expect(abs(at(next, 2, ms) - (6 * sigma + 1)) < 1e-9)
        #expect(abs(at(next, 2, sp) - (6 * mu + 2 * (sigma + mu))) < 1e-9)
        #expect(abs(at(next, 0, ms) - 4) < 1e-9)
        #expect(model.leavingShare(.init(academicYear: 2, need: asd, setting: ms)) == 1)
    }

    @Test("joiners per head of population: the rate fitted on one year's population, applied to another's")
    func joinersFromPopulation() throws {
        let records = try Self.records(Self.twoStateRows())
        let population = try PopulationTable.read(Array("calendar-year,academic-year,population\n2020,0,100\n2021,0,200\n".utf8), file: "p.csv")
        // The fit needs the population of every academic year modelled (0 to 2), so give them all.
        var rows = "calendar-year,academic-year,population\n"
        for a in 0...2 { rows += "2020,\(a),\(a == 0 ? 100 : 50)\n2021,\(a),\(a == 0 ? 200 : 50)\n" }
        let full = try PopulationTable.read(Array(rows.utf8), file: "p.csv")
        #expect(population.value(year: 2021, academicYear: 0) == 200)
        let model = try CohortModel.fit(records, years: 2020...2020, population: full)
        // Rate per head at Reception: 4/100; with 200 children in 2021: 8 joiners. Year 2: 1/50 per head, 50 children: 1.
        #expect(abs(model.expectedJoiners(academicYear: 0, calendarYear: 2021, population: full) - 8) < 1e-12)
        #expect(abs(model.expectedJoiners(academicYear: 2, calendarYear: 2021, population: full) - 1) < 1e-12)
        // Year 1: nobody joined, so nobody joins.
        #expect(model.expectedJoiners(academicYear: 1, calendarYear: 2021, population: full) == 0)
        #expect(throws: CohortModel.FitError.self) { try CohortModel.fit(records, years: 2020...2020, population: population) }
    }

    @Test("a steady county stays steady: ten join Reception each year, all move up, all leave after Year 11")
    func steady() throws {
        // Censuses of 120 every year (10 in each of Reception to Year 11), and exactly 10 joiners a year (no prior on
        // joiners). Leaving before Year 11 was never seen, so only the prior makes a child leave: ℓ = ½/(50 + 1), of
        // weight κ = 1 against 50 stayers, a share ℓ/51 = 1/5,202. A cohort in Year a has lost (a + 1)/5,202 of its ten,
        // so the steady state is short by 10 × (1 + … + 11)/5,202 = 660/5,202 = 0.127 of a child, and never more.
        let rows = (2020...2024).flatMap { year in
            Self.repeated("\(year),NONSEND,NONSEND,-1,ms,ASD,0", 10) + (0...11).flatMap { a in
                Self.repeated(a == 11 ? "\(year),ms,ASD,11,NONSEND,NONSEND,12" : "\(year),ms,ASD,\(a),ms,ASD,\(a + 1)", 10) }
        }
        let records = try Self.records(rows)
        let model = try CohortModel.fit(records, years: 2020...2024)
        var options = DemandProjection.Options(censusYears: Array(2026...2035), groups: [])
        options.simulations = 0
        let projection = try DemandProjection.run(model, records: records, base: 2025, population: nil, options: options)
        for (t, total) in projection.meanByNeed.enumerated() { #expect(total <= 120 && total > 120 - 660.0 / 5202, "year \(t): \(total)") }
    }

    @Test("the joiners' trend: 100, 110, 121 joiners in three years is 10% a year exactly, applied from the middle year")
    func joinerTrend() throws {
        let rows = [(2020, 100), (2021, 110), (2022, 121)].flatMap { year, n in Self.repeated("\(year),NONSEND,NONSEND,2,ms,ASD,3", n) + ["\(year),ms,ASD,3,ms,ASD,4"] }
        var model = try CohortModel.fit(try Self.records(rows), years: 2020...2022)
        // log 100, log 110, log 121 lie on a line of slope log 1.1.
        let g = try #require(model.fittedJoinerGrowth)
        #expect(abs(g - 0.1) < 1e-12)
        // Pooled Year 3 rate 331/3 a year, at the middle year 2021; in 2023 times 1.1².
        model.joinerGrowth = g
        #expect(abs(model.expectedJoiners(academicYear: 3, calendarYear: 2023, population: nil) - 331.0 / 3 * 1.21) < 1e-9)
        #expect(abs(model.expectedJoiners(academicYear: 3, calendarYear: 2021, population: nil) - 331.0 / 3) < 1e-9)
    }

    @Test("a state seen once gets neither 0 nor 1; every state's outcomes sum to one")
    func priorAndSums() throws {
        // Year 5: one child in sp stays; nine in ms: 3 leave, 6 stay.
        let rows = ["2020,sp,SLD,5,sp,SLD,6"] + Self.repeated("2020,ms,SLD,5,NONSEND,NONSEND,6", 3) + Self.repeated("2020,ms,SLD,5,ms,SLD,6", 6)
        let records = try Self.records(rows)
        let model = try CohortModel.fit(records, years: 2020...2020)
        let sp = try #require(records.settings.firstIndex(of: "sp"))
        let once = TransitionRecords.State(academicYear: 5, need: 0, setting: sp)
        // Pooled at Year 5: 3 leave of 10, 7 stay, no movers: ℓ = 3.5/11, σ = 1 − ℓ (μ, with no movers seen, stays too).
        // The state seen once: leave (0 + ℓ)/2, stay (1 + 1 − ℓ)/2.
        let ell = 3.5 / 11
        #expect(abs(model.leavingShare(once) - ell / 2) < 1e-12)
        #expect(abs(model.share(from: once, to: .init(academicYear: 6, need: 0, setting: sp)) - (2 - ell) / 2) < 1e-12)
        for a in model.academicYears {
            for s in 0..<2 {
                let state = TransitionRecords.State(academicYear: a, need: 0, setting: s)
                var total = model.leavingShare(state)
                if a < model.academicYears.upperBound {
                    for t in 0..<2 { total += model.share(from: state, to: .init(academicYear: a + 1, need: 0, setting: t)) }
                }
                #expect(abs(total - 1) < 1e-12, "academic year \(a), setting \(s): outcomes sum to \(total)")
            }
        }
    }

    @Test("ageing off the end: at academic year 20 (age 25) everyone leaves, and the valid states' last year ends the model")
    func ageingOffTheEnd() throws {
        let rows = Self.repeated("2020,fe,SLD,19,fe,SLD,20", 5) + Self.repeated("2020,fe,SLD,18,fe,SLD,19", 5)
        let records = try Self.records(rows)
        let model = try CohortModel.fit(records, years: 2020...2020)
        #expect(model.academicYears.upperBound == 20)
        #expect(model.leavingShare(.init(academicYear: 20, need: 0, setting: 0)) == 1)
        let census = try #require(model.census(2021, in: records))
        let next = model.step(census, calendarYear: 2021, population: nil)
        // The five at 20 are gone; the five at 19 are at 20, by the stay share: (5 + σ)/(5 + 1) with ℓ = ½/6, σ = 1 − ℓ (no movers, no leavers).
        let lo = model.academicYears.lowerBound
        let ell = 0.5 / 6
        // No joiner is seen anywhere, and nobody is seen starting a year at 20, so no joiner goes there.
        #expect(abs(next.counts[20 - lo] - 5 * (5 + 1 - ell) / 6) < 1e-9)
        let valid = try ValidStates.read(Array("setting,setting-group,min-academic-year,max-academic-year,needs,setting->setting\nfe,post16,12,19,SLD,fe\n".utf8),
                                         file: "v.csv", records: records, labels: RecordLabels())
        let bounded = try CohortModel.fit(records, years: 2020...2020, valid: valid)
        // Observed rows reach 20, so the model runs to 20, but no prior share goes past the setting's last year:
        // at 19 the stay share is the five observed only: 5/(5 + 1), the prior's weight all on leaving.
        #expect(abs(bounded.leavingShare(.init(academicYear: 19, need: 0, setting: 0)) - 1.0 / 6) < 1e-12)
    }

    @Test("simulations are the same for the same seed and differ for another; bands bracket the expected value")
    func deterministicSimulations() throws {
        let rows = (2018...2020).flatMap { y in
            Self.repeated("\(y),ms,ASD,3,ms,ASD,4", 40) + Self.repeated("\(y),ms,ASD,3,NONSEND,NONSEND,4", 10) + Self.repeated("\(y),NONSEND,NONSEND,2,ms,ASD,3", 50)
                + Self.repeated("\(y),ms,ASD,4,sp,ASD,5", 5) + Self.repeated("\(y),ms,ASD,4,ms,ASD,5", 30)
        }
        let records = try Self.records(rows)
        let model = try CohortModel.fit(records, years: 2018...2020)
        var options = DemandProjection.Options(censusYears: [2022, 2023, 2024], groups: DemandProjection.defaultGroups(for: model.academicYears))
        options.simulations = 300
        options.seed = 42
        options.futures = [(10, 0.3), (50, 0.4), (90, 0.3)]
        let a = try DemandProjection.run(model, records: records, base: 2021, population: nil, options: options)
        let b = try DemandProjection.run(model, records: records, base: 2021, population: nil, options: options)
        #expect(a.csv() == b.csv())
        options.seed = 43
        let c = try DemandProjection.run(model, records: records, base: 2021, population: nil, options: options)
        #expect(a.csv() != c.csv())
        let p5 = try #require(a.bandsTotal?.first), p95 = try #require(a.bandsTotal?.last)
        for t in 0..<3 {
            let total = (0..<a.meanByNeed.count / 3).reduce(0) { $0 + a.meanByNeed[t * (a.meanByNeed.count / 3) + $1] }
            #expect(p5[t] <= total && total <= p95[t], "year \(t): expected \(total) outside the 5–95 band \(p5[t])–\(p95[t])")
        }
        let totals = a.futures.map { $0.demand.reduce(0, +) }
        #expect(a.futures.map(\.id) == ["low", "central", "high"] && totals[0] < totals[1] && totals[1] < totals[2])
    }

    @Test("a backtest on a history made with a known leaving rate recovers the rate and the totals")
    func backtestRecoversRate() throws {
        // A synthetic county: Reception to Year 11; each year each child leaves with probability 0.2, else moves up a year
        // (and leaves after Year 11); 60 joiners a year at each academic year. Drawn with its own generator, not the model's.
        var rng = SeededGenerator(seed: 7)
        var census = [Int](repeating: 200, count: 12)
        var rows: [String] = []
        for year in 2010...2019 {
            var next = [Int](repeating: 0, count: 12)
            for a in 0..<12 {
                for _ in 0..<census[a] {
                    if rng.uniform() < 0.2 || a == 11 { rows.append("\(year),ms,ASD,\(a),NONSEND,NONSEND,\(a + 1)") } else {
                        rows.append("\(year),ms,ASD,\(a),ms,ASD,\(a + 1)")
                        next[a + 1] += 1
                    }
                }
                for _ in 0..<60 { rows.append("\(year),NONSEND,NONSEND,\(a - 1),ms,ASD,\(a)") }
                next[a] += 60
            }
            census = next
        }
        let records = try Self.records(rows)
        let result = try Backtest.run(records, year: 2016, population: nil, valid: nil, priorWeight: 1, simulations: 200, seed: 1)
        for a in 0..<11 {
            let share = result.model.leavingShare(.init(academicYear: a, need: 0, setting: 0))
            #expect(abs(share - 0.2) < 0.04, "Year \(a): fitted leaving share \(share), made with 0.2")
        }
        #expect(result.model.leavingShare(.init(academicYear: 11, need: 0, setting: 0)) > 0.95)
        #expect(result.totalMAPE < 3, "the backtest's mean absolute error is \(result.totalMAPE)%")
        #expect(result.lines.filter { $0.need == nil }.map(\.census) == [2017, 2018, 2019, 2020])
        let text = result.text(records: "history.csv")
        #expect(text.hasPrefix("Backtest: history.csv, fitted on calendar years 2010–2015, projected from the census of January 2016"))
        #expect(OutputKind.backtestReport.recognises(Data(text.utf8)))
    }

    @Test("bad records: every problem with its file, line and column, all at once")
    func badInput() throws {
        func issues(_ text: String, labels: RecordLabels = RecordLabels()) -> [ScenarioIssue] {
            do { _ = try TransitionRecords.read(Array(text.utf8), file: "t.csv", labels: labels); return [] } catch { return error.issues }
        }
        let unknown = issues("calendar-year,setting-1,need-1,academic-year-1,setting-2,need-2,academic-year-2,sex\n2020,a,b,1,a,b,2,m\n")
        #expect(unknown.count == 1 && unknown[0].message.contains("unknown column \"sex\"") && unknown[0].location == SourceLocation(line: 1, column: 81))
        let rows = Self.header + "2020,ms,ASD,3,ms,ASD,4\n2020,ms,XYZ,3,ms,ASD,4\n2020,ms,ASD,x,ms,ASD,4\n2020,ms,ASD,3,NONSEND,ASD,4\n2020,NONSEND,NONSEND,3,NONSEND,NONSEND,4\n"
        let labelled = issues(rows, labels: RecordLabels(needs: ["ASD": "ASD"]))
        #expect(labelled.map(\.location?.line) == [3, 4, 5, 6])
        #expect(labelled[0].message.contains("need code \"XYZ\" is not in the labels") && labelled[0].location?.column == 9)
        #expect(labelled[1].message.contains("academic-year-1 must be a whole number"))
        #expect(labelled[2].message.contains("must both be NONSEND or neither"))
        #expect(labelled[3].message.contains("NONSEND on both sides"))
        #expect(labelled.allSatisfy { $0.file == "t.csv" })
        // A year with no rows between others.
        let gap = issues(Self.header + "2018,ms,ASD,3,ms,ASD,4\n2020,ms,ASD,3,ms,ASD,4\n")
        #expect(gap.count == 1 && gap[0].message.contains("no rows for calendar-year 2019"))
        #expect(issues(Self.header).first?.message == "has a header but no rows")
        // academic-year-2 ≠ academic-year-1 + 1 is a warning, and the move is taken as one year up.
        let skipped = try Self.records(["2020,ms,ASD,3,ms,ASD,5", "2020,ms,ASD,3,ms,ASD,4"])
        #expect(skipped.warnings.count == 1 && skipped.warnings[0].contains("1 row has academic-year-2 ≠ academic-year-1 + 1 (line 2)"))
        #expect(skipped.rows[0].to?.academicYear == 4)
        // Population: negative, duplicate, not a number.
        do {
            _ = try PopulationTable.read(Array("calendar-year,academic-year,population\n2020,1,-5\n2020,2,10\n2020,2,11\n2020,3,lots\n".utf8), file: "p.csv")
            Issue.record("a negative population was accepted")
        } catch {
            #expect(error.issues.map(\.location?.line) == [2, 4, 5])
            #expect(error.issues[0].message.contains("must be ≥ 0") && error.issues[0].location?.column == 8 && error.issues[0].file == "p.csv")
            #expect(error.issues[1].message.contains("given twice (first on line 3)"))
        }
        #expect(throws: ScenarioErrors.self) { try RecordLabels.read(Array(#"{"needs": {"A": 3}, "zones": {}}"#.utf8), file: "l.json") }
    }
}

@Suite("project on the command line, and witan.send's Output_State.csv")
struct ProjectCommandTests {
    static let transitions = CLI.packageRoot.appendingPathComponent("scenarios/records/tutorial-transitions.csv").path
    static let labels = CLI.packageRoot.appendingPathComponent("scenarios/records/tutorial-labels.json").path

    @Test("transitions → project --into → solve: the merged scenario validates, its demand is the CSV's, and it solves")
    func projectIntoSolve() throws {
        let folder = try TemporaryFolder()
        let merged = folder.url.appendingPathComponent("projected.json").path
        let run = try CLI.run(["project", Self.transitions, "--labels", Self.labels, "--into", CLI.scenario("tutorial-phases.json"), "--output", merged])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("projected 2026/27..2028/29 from the census of January 2026"))
        let scenario = try ScenarioDecoder.load(path: merged)
        #expect(scenario.years == ["2026/27", "2027/28", "2028/29"] && scenario.ages.map(\.id) == ["primary", "secondary"])
        #expect(scenario.description.contains("Demand projected by sufficiency-solve project from tutorial-transitions.csv"))
        // The same projection as a CSV, read back through "demand": {"csv": …}, is the same demand.
        let csvPath = folder.url.appendingPathComponent("demand.csv").path
        let csv = try CLI.run(["project", Self.transitions, "--labels", Self.labels, "--years", "2026/27..2028/29", "--format", "csv", "--output", csvPath])
        #expect(csv.status == 0, "\(csv.stderr)")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: merged))) as? [String: Any])
        object["demand"] = ["csv": "demand.csv"]
        object["ages"] = DemandProjection.defaultGroups(for: 0...11).map { ["id": $0.id, "name": $0.name, "from": $0.from, "to": $0.to] }
        let viaCSV = try folder.write("via-csv.json", json: object)
        let fromCSV = try ScenarioDecoder.load(path: viaCSV)
        #expect(zip(fromCSV.demand, scenario.demand).allSatisfy { abs($0 - $1) <= 0.005 + 1e-9 }, "the CSV and the fragment disagree")
        // Incumbents: the census of January 2026 (the records' last), by setting: every child of the last year's later states.
        let census = try TransitionRecords.read(Array(try Data(contentsOf: URL(fileURLWithPath: Self.transitions))), file: "t.csv",
                                                labels: RecordLabels.read(Array(try Data(contentsOf: URL(fileURLWithPath: Self.labels))), file: "l.json"))
        let inSEND = census.rows.filter { $0.calendarYear == 2025 && $0.to != nil }.count
        #expect(abs(scenario.incumbents.reduce(0) { $0 + $1.children } - Double(inSEND)) < 0.5)
        let solve = try CLI.run(["solve", merged, "--format", "json", "--no-timings"])
        #expect(solve.status == 0, "\(solve.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(solve.stdout.utf8)) as? [String: Any])
        #expect((report["verification"] as? [String: Any])?["passed"] as? Bool == true)
        // Same records, flags and seed: the same bytes, run after run (each run its own process and hash seed).
        let first = try CLI.run(["project", Self.transitions, "--labels", Self.labels, "--years", "2026/27..2030/31", "--simulations", "300", "--format", "csv"])
        let second = try CLI.run(["project", Self.transitions, "--labels", Self.labels, "--years", "2026/27..2030/31", "--simulations", "300", "--format", "csv"])
        #expect(first.status == 0 && first.stdout == second.stdout && first.stdout.hasPrefix(DemandProjection.csvHeader(ages: true) + "\n"))
        // The merged file is ours: project may replace it, and refuses a file it did not write.
        let again = try CLI.run(["project", Self.transitions, "--labels", Self.labels, "--into", CLI.scenario("tutorial-phases.json"), "--output", merged])
        #expect(again.status == 0)
        let own = try folder.write("own.json", "{\"mine\": true}\n")
        let refused = try CLI.run(["project", Self.transitions, "--labels", Self.labels, "--into", CLI.scenario("tutorial-phases.json"), "--output", own])
        #expect(refused.status == 1 && refused.stderr.contains("will not write"))
    }

    @Test("what the attack found: edited outputs are the user's, needs the records lack, repeated futures, labels with places")
    func attackFindings() throws {
        let folder = try TemporaryFolder()
        // An output of project, edited since, is the user's: refused. So is init's scenario, and a file faking our generator.
        let merged = folder.url.appendingPathComponent("merged.json").path
        let args = ["project", Self.transitions, "--labels", Self.labels, "--into", CLI.scenario("tutorial-phases.json"), "--output", merged]
        #expect(try CLI.run(args).status == 0)
        #expect(try CLI.run(args).status == 0)  // unchanged: ours to replace
        var text = try String(contentsOfFile: merged, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"Tutorial with phases", with: "\"EDITED Tutorial with phases")
        try text.write(toFile: merged, atomically: true, encoding: .utf8)
        let edited = try CLI.run(args)
        #expect(edited.status == 1 && edited.stderr.contains("will not write"))
        #expect(try String(contentsOfFile: merged, encoding: .utf8).contains("EDITED"))
        let fake = try folder.write("fake.json", #"{"precious": "data", "metadata": {"generator": "sufficiency-solve project"}}"#)
        #expect(try CLI.run(["project", Self.transitions, "--years", "2026/27..2027/28", "--output", fake]).status == 1)
        let csv = folder.url.appendingPathComponent("d.csv").path
        let csvArgs = ["project", Self.transitions, "--years", "2026/27..2027/28", "--format", "csv", "--output", csv]
        #expect(try CLI.run(csvArgs).status == 0 && (try CLI.run(csvArgs).status) == 0)
        try (try String(contentsOfFile: csv, encoding: .utf8) + "my,own,notes\n").write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(try CLI.run(csvArgs).status == 1)
        let backtest = folder.url.appendingPathComponent("bt.txt").path
        let btArgs = ["project", Self.transitions, "--backtest", "2024", "--output", backtest]
        #expect(try CLI.run(btArgs).status == 0 && (try CLI.run(btArgs).status) == 0)
        let btCSV = try CLI.run(["project", Self.transitions, "--backtest", "2024", "--format", "csv"])
        #expect(btCSV.status == 0 && btCSV.stdout.hasPrefix(Backtest.csvHeader + "\n"))
        // A need of the scenario with no child in the records would lose its demand: refused.
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CLI.scenario("tutorial-phases.json")))) as? [String: Any])
        object["needs"] = ["ASD", "SEMH", "SLCN"]
        let extra = try folder.write("extra.json", json: object)
        let lost = try CLI.run(["project", Self.transitions, "--labels", Self.labels, "--into", extra])
        #expect(lost.status == 1 && lost.stderr.contains("need SLCN has no child in"))
        let twice = try CLI.run(["project", Self.transitions, "--years", "2026/27..2027/28", "--simulations", "20", "--futures", "10:0.5,10:0.5"])
        #expect(twice.status == 1 && twice.stderr.contains("percentile 10 is given twice"))
        // Labels: syntax errors and duplicate keys with their place, codes that are not one line of text refused.
        let truncated = try folder.write("l1.json", #"{"needs":{"AUT":"ASD""#)
        let cut = try CLI.run(["project", Self.transitions, "--labels", truncated, "--years", "2026/27..2027/28"])
        #expect(cut.status == 1 && cut.stderr.contains("l1.json, line 1"))
        let control = try folder.write("l2.json", "{\"needs\":{\"AUT\":\"A\\u0000B\",\"SEMH\":\"SEMH\"}}")
        let nul = try CLI.run(["project", Self.transitions, "--labels", control, "--years", "2026/27..2027/28"])
        #expect(nul.status == 1 && nul.stderr.contains("must not contain control characters"))
    }

    @Test("bad records on the command line: every problem with file, line and column, exit 1, nothing written")
    func badRecordsCLI() throws {
        let folder = try TemporaryFolder()
        let bad = try folder.write("bad.csv", ProjectionTests.header + "2020,ms,ASD,3,ms,ASD,4\n2020,ms,ASD,-9,ms,ASD,4\n2021,ms,ASD,3,ms\n")
        let out = folder.url.appendingPathComponent("out.json").path
        let run = try CLI.run(["project", bad, "--years", "2022/23..2023/24", "--output", out])
        #expect(run.status == 1)
        #expect(run.stderr.contains("academic-year-1 must be -5 to 20, got -9 (\(bad), line 3, column 13)"))
        #expect(run.stderr.contains("this row has 5 cells but the header has 7 columns (\(bad), line 4"))
        #expect(run.stderr.contains("2 problems found; nothing written"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let years = try CLI.run(["project", Self.transitions, "--years", "2026..2028"])
        #expect(years.status != 0 && years.stderr.contains("such as 2026/27..2030/31"))
        let before = try CLI.run(["project", Self.transitions, "--years", "2024/25..2026/27"])
        #expect(before.status == 1 && before.stderr.contains("must start after the census it starts from (January 2026"))
    }

    @Test("Output_State.csv: NEED-SETTING split at the hyphen that names a need, the mean by default, another statistic by column")
    func outputState() throws {
        let folder = try TemporaryFolder()
        try folder.write("Output_State.csv", """
        calendar-year,academic-year,need-setting,mean,std-dev,iqr,min,low-95pc-bound,q1,median,q3,high-95pc-bound,max,low-ci,high-ci
        2027,3,ASD-MSS-OB,10.5,1,1,8,9,10,10,11,12.5,13,10,11
        2027,4,ASD-ARP,4,1,1,2,3,4,4,5,6,7,3,5
        2027,4,SP-LD-INDEP,2,0,0,2,2,2,2,2,2,2,2,2
        2028,3,ASD-MSS-OB,11,1,1,8,9,10,11,11,14,15,10,12

        """)
        var object = tiny(years: ["2027", "2028"], demand: [0, 0], settings: [["id": "s", "type": "special", "serves": "all", "capacity": 100, "costPerPlace": 10]])
        object["needs"] = ["ASD", "SP-LD"]
        object["demand"] = ["projection": "Output_State.csv"]
        let mean = try ScenarioDecoder.load(path: try folder.write("mean.json", json: object))
        // By hand: ASD 2027 = 10.5 + 4; SP-LD 2027 = 2 (the need itself has a hyphen); ASD 2028 = 11.
        #expect(mean.demand == [14.5, 2, 11, 0])
        object["demand"] = ["projection": "Output_State.csv", "column": "high-95pc-bound"]
        let high = try ScenarioDecoder.load(path: try folder.write("high.json", json: object))
        #expect(high.demand == [18.5, 2, 14, 0])
        object["demand"] = ["projection": "Output_State.csv", "column": "average"]
        let issues = loadIssues(try folder.write("bad.json", json: object))
        #expect(issues.count == 1 && issues[0].path == "demand.column" && issues[0].message.contains("must be one of mean, median"))
        // calendar-year 2027 is the census of January 2027: school year 2026/27, as project names it.
        object["years"] = ["2026/27", "2027/28"]
        object["demand"] = ["projection": "Output_State.csv", "column": "high-95pc-bound"]
        let school = try ScenarioDecoder.load(path: try folder.write("school.json", json: object))
        #expect(school.demand == [18.5, 2, 14, 0])
        object["years"] = ["2027", "2028"]
        // A repeated row would count twice: refused with both lines.
        try folder.write("dup.csv", "calendar-year,academic-year,need,setting,population\n2027,3,ASD,A,1\n2027,3,ASD,A,1\n2028,3,ASD,A\n")
        object["demand"] = ["projection": "dup.csv"]
        let dup = loadIssues(try folder.write("dup.json", json: object))
        let repeated = dup.first { $0.location?.line == 3 }, short = dup.first { $0.location?.line == 4 }
        #expect(repeated?.message.contains("repeats the row on line 2") == true && short?.message.contains("has 4 cells but the header has 5") == true)
        object["needs"] = ["ASD"]
        object["demand"] = ["projection": "Output_State.csv"]
        let unknown = loadIssues(try folder.write("unknown.json", json: object))
        #expect(unknown.count == 1 && unknown[0].message.contains("need-setting \"SP-LD-INDEP\" starts with no declared need") && unknown[0].location?.line == 4)
    }
}
