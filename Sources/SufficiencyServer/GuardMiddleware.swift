import Hummingbird

/// The token (when set) on every request, and, on the loopback address, a Host that is the
/// loopback's (a page elsewhere cannot reach us through a name of its own: DNS rebinding).
struct GuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?
    let loopbackOnly: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if loopbackOnly, let authority = request.head.authority {
            let host = authority.hasPrefix("[") ? String(authority.prefix { $0 != "]" }.dropFirst()) : String(authority.prefix { $0 != ":" })
            guard ["127.0.0.1", "localhost", "::1"].contains(host.lowercased()) else {
                return json(["error": "this server answers only requests addressed to the loopback address (127.0.0.1 or localhost)"], status: .misdirectedRequest)
            }
        }
        // A page of another site may not make the browser start solves here (a GET /compare).
        if request.headers[.init("Sec-Fetch-Site")!] == "cross-site" {
            return json(["error": "requests from other sites' pages are not answered"], status: .forbidden)
        }
        guard let token else { return try await Self.routed(request, context, next) }
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        let query = request.uri.queryParameters.get("token")
        let cookie = request.headers[.cookie].flatMap { header in
            header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("sufficiency-token=") }.map { String($0.dropFirst(18)) }
        }
        guard let given = bearer ?? query ?? cookie, Self.same(given, token) else {
            return json(["error": "a token is needed: the one serve printed when it started (Authorization: Bearer TOKEN, or ?token=TOKEN)"], status: .unauthorized)
        }
        var response = try await Self.routed(request, context, next)
        if query != nil { response.headers[.setCookie] = "sufficiency-token=\(token); Path=/; HttpOnly; SameSite=Strict" }
        return response
    }

    /// The route's answer; no route (or no such method on it) is a JSON 404 or 405, as every error.
    static func routed(_ request: Request, _ context: Context, _ next: (Request, Context) async throws -> Response) async throws -> Response {
        do { return try await next(request, context) } catch let error as HTTPError {
            let message = error.status == .notFound ? "no such page or API route: \(request.method) \(request.uri.path) (the API is under /api/, see the README)" : (error.body ?? error.status.reasonPhrase)
            return json(["error": message], status: error.status)
        }
    }

    /// Compares in time independent of where the first difference is.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
