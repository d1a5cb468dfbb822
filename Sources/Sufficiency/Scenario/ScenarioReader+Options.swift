import Foundation

// Capital options and the links between them.
extension ScenarioReader {
    /// Reads one option. An option with problems still takes its place (see `readSetting`), so
    /// `excludes` and `requires` are checked against every option at once.
    func readOption(_ node: SourceNode, _ path: String, settings: inout [Setting], leavingDefaults: [SettingType: Double], index: Int) -> CapitalOption {
        func placeholder(setting: Int?, creates: Bool) -> CapitalOption {
            CapitalOption(id: "", name: "", setting: setting ?? 0, createsSetting: creates, places: 0, capitalCost: 0,
                          earliestYear: 0, latestYear: max(0, years.count - 1), excludes: [], requires: [], fractional: false)
        }
        let keys = ["id", "name", "expands", "newSetting", "places", "capitalCost", "earliestYear", "latestYear", "excludes", "requires", "fractional", "leadTimeYears", "decision"]
        guard let object = context.object(node, path, allowed: keys, required: ["id", "places", "capitalCost"]) else {
            // Keep the new setting's place so the settings after it keep their indices.
            if let newNode = node["newSetting"], let stand = readSetting(newNode, "\(path).newSetting", leavingDefaults: leavingDefaults, newFor: index) {
                settings.append(stand)
                return placeholder(setting: settings.count - 1, creates: true)
            }
            return placeholder(setting: nil, creates: false)
        }
        let issuesBefore = context.issues.count
        let id = object["id"].flatMap { context.string($0, "\(path).id") }
        let places = object["places"].flatMap { context.number($0, "\(path).places", above: 0, max: ScenarioDecoder.Limits.maxChildren, what: "10 million places") }
        let cost = object["capitalCost"].flatMap { context.number($0, "\(path).capitalCost", min: 0, max: ScenarioDecoder.Limits.maxCapitalCost, what: "£10 billion") }
        // Years between the decision and the opening: the earliest opening moves on by as many
        // years unless earliestYear is given (a project already under way).
        var lead = 0
        if let node = object["leadTimeYears"], let value = context.integer(node, "\(path).leadTimeYears", min: 0, max: 100) { lead = value }
        var earliest = min(lead, years.count), latest = years.count - 1
        if let node = object["earliestYear"], let t = context.reference(node, "\(path).earliestYear", in: yearIndex, kind: "year") { earliest = t }
        if let node = object["latestYear"], let t = context.reference(node, "\(path).latestYear", in: yearIndex, kind: "year") { latest = t }
        if object["earliestYear"] == nil && earliest >= years.count {
            context.fail("\(path).leadTimeYears", "a lead time of \(lead) year\(lead == 1 ? "" : "s") leaves no year of the horizon (\(years.count) years) to open in", at: object["leadTimeYears"])
            earliest = 0
        } else if earliest > latest {
            if object["earliestYear"] == nil {
                context.fail("\(path).leadTimeYears", "a lead time of \(lead) year\(lead == 1 ? "" : "s") means opening in \(years[earliest]) at the soonest, after latestYear (\(years[latest]))", at: object["leadTimeYears"])
            } else {
                context.fail("\(path).latestYear", "is before earliestYear (\(years[earliest]))", at: object["latestYear"])
            }
        }
        let fractional = object["fractional"].flatMap { context.bool($0, "\(path).fractional") } ?? false
        var decision = CapitalOption.Decision.on
        if let node = object["decision"], let text = context.string(node, "\(path).decision") {
            if let value = CapitalOption.Decision(rawValue: text) { decision = value }
            else { context.fail("\(path).decision", "must be \"on\" (the plan decides), \"off\" (never built) or \"forced\" (built in its window), got \"\(text)\"", at: node) }
        }
        var setting: Int?
        var creates = false
        switch (object["expands"], object["newSetting"]) {
        case (nil, nil), (.some, .some):
            context.fail(path, "must have exactly one of \"expands\" (a setting id) and \"newSetting\"", at: node)
        case (let expands?, nil):
            setting = context.reference(expands, "\(path).expands", in: settingIndex, kind: "setting")
        case (nil, let newNode?):
            creates = true
            if var newSetting = readSetting(newNode, "\(path).newSetting", leavingDefaults: leavingDefaults, newFor: index) {
                newSetting.opensYear = earliest
                newSetting.closesYear = years.count
                newSetting.capacity = Array(repeating: 0, count: years.count)
                setting = settings.count
                settings.append(newSetting)
            }
        }
        guard context.issues.count == issuesBefore, let id, let places, let cost, let setting else { return placeholder(setting: setting, creates: creates && setting != nil) }
        return CapitalOption(id: id, name: object["name"].flatMap { context.string($0, "\(path).name") } ?? id,
                             setting: setting, createsSetting: creates, places: places, capitalCost: cost,
                             earliestYear: earliest, latestYear: latest, excludes: [], requires: [], fractional: fractional, leadTimeYears: lead, decision: decision)
    }

    /// Resolves `excludes` and `requires`, adds the implicit requirement of an expansion of another
    /// option's new setting, and rejects cycles in `requires`.
    func resolveOptionLinks(_ options: inout [CapitalOption], settings: [Setting], nodes: [SourceNode]) {
        let creator: [Int: Int] = Dictionary(uniqueKeysWithValues: options.enumerated().filter(\.element.createsSetting).map { ($0.element.setting, $0.offset) })
        for k in options.indices {
            let path = "capitalOptions[\(k)]"
            for key in ["excludes", "requires"] {
                guard let listNode = nodes[k][key], let elements = context.array(listNode, "\(path).\(key)") else { continue }
                var resolved: [Int] = []
                for (e, element) in elements.enumerated() {
                    guard let other = context.reference(element, "\(path).\(key)[\(e)]", in: optionIndex, kind: "option") else { continue }
                    if other == k && key == "excludes" { context.fail("\(path).excludes[\(e)]", "an option cannot exclude itself", at: element); continue }
                    if !resolved.contains(other) { resolved.append(other) }
                }
                if key == "excludes" { options[k].excludes = resolved } else { options[k].requires = resolved }
            }
            // Places added to another option's new setting count only once it has opened.
            if !options[k].createsSetting, let base = creator[options[k].setting], !options[k].requires.contains(base) {
                options[k].requires.append(base)
            }
        }
        // Cycles in `requires`: depth-first search with colours.
        var colour = [Int](repeating: 0, count: options.count)
        var stack: [Int] = []
        func visit(_ o: Int) -> Bool {
            colour[o] = 1
            stack.append(o)
            for p in options[o].requires {
                if colour[p] == 1 {
                    let cycle = stack[stack.firstIndex(of: p)!...].map { options[$0].id } + [options[p].id]
                    context.fail("capitalOptions[\(o)].requires", "options require each other in a cycle: \(cycle.joined(separator: " → "))", at: nodes[o]["requires"] ?? nodes[o])
                    return false
                }
                if colour[p] == 0 && !visit(p) { return false }
            }
            stack.removeLast()
            colour[o] = 2
            return true
        }
        for o in options.indices where colour[o] == 0 {
            if !visit(o) { break }
        }
    }

    /// A forced option must be buildable: within the budget in some year of its window, not
    /// excluded by another forced option, not needing an option that is off.
    func checkDecisions(_ options: [CapitalOption], capital: CapitalRules, nodes: [SourceNode]) {
        for (o, option) in options.enumerated() where option.decision == .forced {
            let path = "capitalOptions[\(o)].decision", at = nodes[o]["decision"] ?? nodes[o]
            if option.capitalCost > 0 {
                let affordable = (option.earliestYear...option.latestYear).contains { t in
                    let budgets = [capital.budget, capital.budgetByYear.indices.contains(t) ? capital.budgetByYear[t] : nil].compactMap { $0 }
                    return budgets.allSatisfy { option.fractional ? $0 > 0 : $0 >= option.capitalCost }
                }
                if !affordable { context.fail(path, "\(option.id) is forced but its capital cost (\(ReportText.pounds(option.capitalCost))) is over the capital budget in every year it may open", at: at) }
            }
            for p in options.indices where p > o && options[p].decision == .forced && (option.excludes.contains(p) || options[p].excludes.contains(o)) {
                context.fail(path, "\(option.id) and \(options[p].id) are both forced but exclude each other", at: at)
            }
            for p in option.requires where options[p].decision == .off {
                context.fail(path, "\(option.id) is forced but requires \(options[p].id), which is off", at: at)
            }
        }
    }
}
