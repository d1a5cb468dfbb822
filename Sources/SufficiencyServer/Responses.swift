import Foundation
import Hummingbird
import NIOCore
import Sufficiency

// Answers of the routes: JSON, pages, and every error as a 4xx (5xx only for a fault of ours).

func require(_ request: Request, _ name: String) throws -> String {
    guard let value = request.uri.queryParameters.get(name), !value.isEmpty else { throw APIError(status: .badRequest, message: "give ?\(name)=…") }
    return value
}

func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
    let data = (try? ServeApp.encoder.encode(value)) ?? Data("{}".utf8)
    return ServeApp.respond(data, type: "application/json", status: status)
}

func text(_ text: String, type: String) -> Response { ServeApp.respond(text, type: type) }

func html(_ page: String) -> Response {
    var response = ServeApp.respond(page, type: "text/html; charset=utf-8")
    // The page needs nothing from elsewhere: say so to the browser.
    response.headers[.contentSecurityPolicy] = ServeApp.contentSecurityPolicy
    return response
}

/// A page handler: what it throws becomes a short HTML page with the message (a person reads it).
func page(_ body: () async throws -> Response) async -> Response {
    do { return try await body() } catch {
        let (status, message, _) = describe(error)
        var response = html(Pages.page(title: "Sufficiency — not found", body: "<main><div class=\"card\"><h2>\(Pages.escape(message))</h2><p><a href=\"/\">Back to the scenarios of the workspace</a></p></div></main>"))
        response.status = status
        return response
    }
}

/// Runs a handler; what it throws becomes a 4xx (or 5xx) JSON answer with a message, never a crash.
func answer(_ body: () async throws -> Response) async -> Response {
    do { return try await body() } catch {
        let (status, message, problems) = describe(error)
        struct Failure: Encodable { var error: String; var problems: [Problem] }
        return json(Failure(error: message, problems: problems), status: status)
    }
}

func describe(_ error: any Error) -> (HTTPResponse.Status, String, [Problem]) {
    switch error {
    case let api as APIError: return (api.status, api.message, api.problems)
    case let refusal as Workspace.Refusal: return (HTTPResponse.Status(code: refusal.status), refusal.message, [])
    case let errors as ScenarioErrors:
        return (.unprocessableContent, "\(errors.issues.count) problem\(errors.issues.count == 1 ? "" : "s") in the scenario", errors.issues.map(Problem.init))
    case let edit as ScenarioEdit.EditError: return (.unprocessableContent, edit.message, Problem.of(edit))
    case let output as OutputError:
        if case .refused = output { return (.conflict, output.description, []) }
        return (HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), output.description, [])
    case let http as HTTPError: return (http.status, http.body ?? "\(http.status.reasonPhrase)", [])
    default: return (.internalServerError, "internal error: \(error)", [])
    }
}
