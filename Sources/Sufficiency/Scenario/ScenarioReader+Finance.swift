import Foundation

// Policies, capital rules and finance.
extension ScenarioReader {
    func readPolicies(_ node: SourceNode, settings: [Setting]) -> [Policy] {
        guard let elements = context.array(node, "policies") else { return [] }
        var policies: [Policy] = []
        for (k, element) in elements.enumerated() {
            let path = "policies[\(k)]"
            guard let object = context.object(element, path, allowed: ["type", "settings", "maxShare", "minShare", "maxChildren", "minChildren", "ages"]) else { continue }
            let before = context.issues.count
            var members: [Int] = []
            var label = ""
            switch (object["type"], object["settings"]) {
            case (let typeNode?, nil):
                if let text = context.string(typeNode, "\(path).type") {
                    if let type = SettingType(rawValue: text) {
                        members = settings.indices.filter { settings[$0].type == type }
                        label = "type \(text)"
                    } else {
                        context.fail("\(path).type", "\"\(text)\" is not a setting type (\(SettingType.allCases.map(\.rawValue).joined(separator: ", ")))", at: typeNode)
                    }
                }
            case (nil, let listNode?):
                if let list = context.array(listNode, "\(path).settings") {
                    for (e, item) in list.enumerated() {
                        if let s = context.reference(item, "\(path).settings[\(e)]", in: settingIndex, kind: "setting"), !members.contains(s) { members.append(s) }
                    }
                    if list.isEmpty { context.fail("\(path).settings", "must list at least one setting", at: listNode) }
                    label = "settings " + members.map { settings[$0].id }.joined(separator: ", ")
                }
            default:
                context.fail(path, "must have exactly one of \"type\" and \"settings\"", at: element)
            }
            let share = { (key: String) in object[key].flatMap { self.context.number($0, "\(path).\(key)", min: 0, max: 1) } }
            let maxShare = share("maxShare"), minShare = share("minShare")
            let bound = { (key: String) -> [Double?] in
                guard let node = object[key] else { return Array(repeating: nil, count: self.years.count) }
                return self.yearValues(node, "\(path).\(key)", requiredYears: nil, missing: nil, allowNull: false, read: self.children)
                    ?? Array(repeating: nil, count: self.years.count)
            }
            let maxChildren = bound("maxChildren"), minChildren = bound("minChildren")
            if ["maxShare", "minShare", "maxChildren", "minChildren"].allSatisfy({ object[$0] == nil }) {
                context.fail(path, "must set at least one of maxShare, minShare, maxChildren, minChildren", at: element)
            }
            var ageMask = [Bool](repeating: true, count: ageCount)
            if let agesNode = object["ages"], let mask = readAgeList(agesNode, "\(path).ages", allowAll: false) {
                ageMask = mask
                label += " (ages " + ages.indices.filter { mask[$0] }.map { ages[$0].id }.joined(separator: ", ") + ")"
            }
            guard context.issues.count == before else { continue }
            var policy = Policy(label: label, settings: members.sorted(), maxShare: maxShare, minShare: minShare,
                                maxChildren: maxChildren, minChildren: minChildren)
            policy.ages = ageMask
            policies.append(policy)
        }
        return policies
    }

    func readCapital(_ node: SourceNode?) -> CapitalRules {
        var rules = CapitalRules(budget: nil, budgetByYear: Array(repeating: nil, count: years.count), accounting: .upfront, assetLifeYears: 40)
        guard let node, let object = context.object(node, "capital", allowed: ["budget", "budgetByYear", "accounting", "assetLifeYears"]) else { return rules }
        // null: no limit (as when the key is left out), so the what-if page can lift a budget.
        rules.budget = object["budget"].flatMap { node in
            if case .null = node.value { return nil }
            return context.number(node, "capital.budget", min: 0, max: ScenarioDecoder.Limits.maxMoney, what: "£1 trillion")
        }
        if let byYear = object["budgetByYear"] {
            guard case .object = byYear.value else { context.fail("capital.budgetByYear", "must be a map year → budget", at: byYear); return rules }
            rules.budgetByYear = yearValues(byYear, "capital.budgetByYear", requiredYears: nil, missing: nil, allowNull: false, read: money) ?? rules.budgetByYear
        }
        if let accounting = object["accounting"], let text = context.string(accounting, "capital.accounting") {
            if let value = CapitalRules.Accounting(rawValue: text) { rules.accounting = value }
            else { context.fail("capital.accounting", "must be \"upfront\" or \"annualised\", got \"\(text)\"", at: accounting) }
        }
        if let life = object["assetLifeYears"], let years = context.integer(life, "capital.assetLifeYears", min: 1, max: 200) { rules.assetLifeYears = years }
        return rules
    }

    func readFinance(_ node: SourceNode?) -> Finance {
        let zeros = [Double](repeating: 0, count: years.count)
        var finance = Finance(grant: zeros, otherSpend: zeros, income: zeros, broughtForwardDeficit: 0, maxCumulativeDeficit: nil, given: node != nil)
        if node == nil { readFiles.defaults.append("finance: none given, so grant, income, other spend and mitigations are 0 and nothing is brought forward") }
        guard let node, let object = context.object(node, "finance", allowed: ["grant", "otherSpend", "income", "mitigations", "transport",
                                                                             "broughtForwardDeficit", "maxCumulativeDeficit"]) else { return finance }
        // A number (every year) or a year map (a missing year is 0).
        // A map that leaves out years: those years are 0, and the provenance says so.
        let byYear = { (valueNode: SourceNode, path: String) -> [Double]? in
            if case .object(let members) = valueNode.value {
                let given = Set(members.map(\.key))
                let missing = self.years.filter { !given.contains($0) }
                if !missing.isEmpty { self.readFiles.defaults.append("\(path): 0 in \(missing.joined(separator: ", ")) (not given)") }
            }
            return self.yearValues(valueNode, path, requiredYears: nil, missing: 0, allowNull: false, read: self.money).map { $0.map { $0 ?? 0 } }
        }
        for key in ["grant", "otherSpend", "income"] {
            guard let valueNode = object[key], let resolved = byYear(valueNode, "finance.\(key)") else { continue }
            switch key {
            case "grant": finance.grant = resolved
            case "otherSpend": finance.otherSpend = resolved
            default: finance.income = resolved
            }
        }
        if let list = object["mitigations"].flatMap({ context.array($0, "finance.mitigations") }) {
            var names: Set<String> = []
            for (k, element) in list.enumerated() {
                let path = "finance.mitigations[\(k)]"
                guard let item = context.object(element, path, allowed: ["name", "amount"]) else { continue }
                let name = item["name"].flatMap { context.string($0, "\(path).name") }
                let amount = item["amount"].flatMap { byYear($0, "\(path).amount") }
                if item["name"] == nil { context.fail("\(path).name", "is required", at: element) }
                if item["amount"] == nil { context.fail("\(path).amount", "is required", at: element) }
                if let name, !names.insert(name).inserted { context.fail("\(path).name", "\"\(name)\" is used by an earlier mitigation", at: item["name"]!) }
                if let name, let amount { finance.mitigations.append(Finance.Mitigation(name: name, amount: amount)) }
            }
        }
        if let transport = object["transport"], let text = context.string(transport, "finance.transport") {
            if let value = Finance.TransportBudget(rawValue: text) { finance.transport = value }
            else { context.fail("finance.transport", "must be \"generalFund\" (the default: the General Fund pays) or \"highNeeds\", got \"\(text)\"", at: transport) }
        }
        let signedMoney = { (key: String) in
            object[key].flatMap { self.context.number($0, "finance.\(key)", min: -ScenarioDecoder.Limits.maxMoney, max: ScenarioDecoder.Limits.maxMoney, what: "£1 trillion") }
        }
        finance.broughtForwardDeficit = signedMoney("broughtForwardDeficit") ?? 0
        finance.maxCumulativeDeficit = signedMoney("maxCumulativeDeficit")
        return finance
    }
}
