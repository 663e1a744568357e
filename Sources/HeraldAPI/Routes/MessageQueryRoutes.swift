import HeraldIntake
import HeraldPipeline
import Foundation
import HeraldCore
import HeraldRuntime
import HeraldStore
import Hummingbird

/// Listing messages and a procedure's messages (newest first, keyset-paged), cancelling and sending again.
extension APIHandlers {
    func addMessageQueryRoutes(to group: RouterGroup<HeraldRequestContext>) {
        group.get("messages", use: listMessages)
        group.delete("messages/:id", use: cancelMessage)
        group.post("messages/:id/retry", use: retryMessage)
        group.get("procedures/:id", use: getProcedure)
        group.delete("procedures/:id", use: cancelProcedure)
    }

    func listMessages(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let filter = try Self.filter(request.uri.queryParameters, allowed: Self.listParameters)
        let (messages, next) = try await queries.list(filter, tenantID: try context.authenticated().tenantID)
        return json(.ok, .object([
            "messages": .array(messages.map { .object(Self.messageJSON($0)) }),
            "next_cursor": next.map { .string($0.cursor) } ?? .null,
        ]))
    }

    func getProcedure(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try uuidParameter(context, "id")
        let page = try Self.filter(request.uri.queryParameters, allowed: ["limit", "cursor"])
        guard let procedure = try await queries.procedure(id, tenantID: try context.authenticated().tenantID, page: page) else {
            throw Problem.notFound("no procedure \(id.lowercased)")
        }
        return json(.ok, .object([
            "id": .string(procedure.id.lowercased), "kind": .string(procedure.kind),
            "created_at": .string(Timestamp.string(procedure.createdAt)),
            "counts": .object(procedure.counts.mapValues { .int(Int64($0)) }),
            "messages": .array(procedure.messages.map { .object(Self.messageJSON($0)) }),
            "next_cursor": procedure.next.map { .string($0.cursor) } ?? .null,
        ]))
    }

    func cancelMessage(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try uuidParameter(context, "id")
        switch try await control.cancel(id, tenantID: try context.authenticated().tenantID) {
        case .done:
            return json(.ok, .object(["id": .string(id.lowercased), "state": .string(MessageState.cancelled.rawValue)]))
        case .refused(let state):
            throw Self.wrongState(id, state, action: "cancelled", allowed: MessageControl.cancellable)
        case .erased, .notFound, .retriedRecently:
            throw Problem.notFound("no message \(id.lowercased)")
        }
    }

    func retryMessage(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try uuidParameter(context, "id")
        let principal = try context.authenticated()
        // A retry is a message sent: it takes from the tenant's rate limit like a new one.
        try await intake.admit(1, principal: principal)
        let (outcome, publication) = try await control.retry(id, tenantID: principal.tenantID, interval: retryInterval)
        switch outcome {
        case .done:
            await publisher.publish(publication)
            let state = publication?.stage.entryState ?? .queued
            return json(.accepted, .object(["id": .string(id.lowercased), "state": .string(state.rawValue)]))
        case .refused(let state):
            throw Self.wrongState(id, state, action: "sent again", allowed: MessageControl.retryable)
        case .retriedRecently(let until):
            let seconds = max(1, Int(until.timeIntervalSinceNow.rounded(.up)))
            throw Problem(.conflict, type: "retried-recently", title: "Sent again recently",
                          detail: "message \(id.lowercased) was sent again less than \(Int(retryInterval.inSeconds)) s ago; "
                              + "it can be sent again in \(seconds) s if it fails",
                          headers: [.retryAfter: "\(seconds)"])
        case .erased:
            throw Problem(.conflict, type: "erased", title: "Personal data erased",
                          detail: "message \(id.lowercased) is past retention: its address and content are gone")
        case .notFound:
            throw Problem.notFound("no message \(id.lowercased)")
        }
    }

    func cancelProcedure(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try uuidParameter(context, "id")
        guard let (cancelled, notCancelled) = try await control.cancelProcedure(id, tenantID: try context.authenticated().tenantID)
        else { throw Problem.notFound("no procedure \(id.lowercased)") }
        return json(.ok, .object([
            "id": .string(id.lowercased), "cancelled": .int(Int64(cancelled)), "not_cancelled": .int(Int64(notCancelled)),
        ]))
    }

    static func wrongState(_ id: UUID, _ state: MessageState, action: String, allowed: [MessageState]) -> Problem {
        Problem(.conflict, type: "wrong-state", title: "Not possible in this state",
                detail: "message \(id.lowercased) is \(state.rawValue); only a message that is "
                    + allowed.map(\.rawValue).joined(separator: ", ") + " can be \(action)")
    }

    static let listParameters: Set<String> = [
        "state", "channel", "procedure_id", "reference", "recipient", "created_after", "created_before", "limit", "cursor",
    ]

    /// Reads a listing's query parameters; any unknown or bad one is a 400 naming it.
    static func filter(_ parameters: Parameters, allowed: Set<String>) throws -> MessageFilter {
        var filter = MessageFilter()
        let problems = readQuery(parameters, allowed: allowed) { name, value, problems in
            switch name {
            case "state":
                filter.state = MessageState(rawValue: value)
                if filter.state == nil {
                    problems.append(.init(name, "must be one of " + MessageState.allCases.map(\.rawValue).joined(separator: ", ")))
                }
            case "channel":
                filter.channel = MessageChannel(rawValue: value)
                if filter.channel == nil { problems.append(.init(name, "must be email or sms")) }
            case "procedure_id":
                filter.procedureID = UUID(uuidString: value)
                if filter.procedureID == nil { problems.append(.init(name, "must be a procedure id (a UUID)")) }
            case "reference", "recipient":
                if value.isEmpty || value.count > 254 || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                    problems.append(.init(name, "must be 1 to 254 printable characters"))
                } else if name == "reference" {
                    filter.reference = value
                } else {
                    filter.recipient = value
                }
            case "created_after", "created_before":
                guard let date = Timestamp.parse(value) else {
                    problems.append(.init(name, "must be an RFC 3339 timestamp such as 2026-11-24T08:00:00Z"))
                    return
                }
                if name == "created_after" { filter.createdAfter = date } else { filter.createdBefore = date }
            default:  // limit, cursor
                readPage(name, value, limit: &filter.limit, after: &filter.after, problems: &problems)
            }
        }
        guard problems.isEmpty else { throw badQuery(problems) }
        return filter
    }

    /// Goes through a listing's query parameters: one not in `allowed`, or given twice, is a problem; `read` takes
    /// each of the others (and adds its own problems). Returns the problems, for a 400 naming each (`badQuery`).
    static func readQuery(
        _ parameters: Parameters, allowed: Set<String>,
        _ read: (_ name: String, _ value: String, _ problems: inout [Problem.InvalidParam]) -> Void
    ) -> [Problem.InvalidParam] {
        var problems: [Problem.InvalidParam] = []
        var seen: Set<String> = []
        for (key, value) in parameters {
            let name = String(key)
            guard allowed.contains(name) else {
                problems.append(.init(name, "is not a filter; use " + allowed.sorted().joined(separator: ", ")))
                continue
            }
            guard seen.insert(name).inserted else {
                problems.append(.init(name, "is given more than once"))
                continue
            }
            read(name, String(value), &problems)
        }
        return problems
    }

    /// A page's `limit` (1 to 1,000) or `cursor` (one this API gave out).
    static func readPage(
        _ name: String, _ value: String, limit: inout Int, after: inout ListPosition?, problems: inout [Problem.InvalidParam]
    ) {
        if name == "limit" {
            guard let number = Int(value), (1...1000).contains(number) else {
                problems.append(.init(name, "must be a whole number from 1 to 1000"))
                return
            }
            limit = number
        } else {
            after = ListPosition(cursor: value)
            if after == nil { problems.append(.init(name, "is not a cursor this API gave out")) }
        }
    }

    static func badQuery(_ problems: [Problem.InvalidParam]) -> Problem {
        Problem(.badRequest, type: "bad-query", title: "The query has invalid parameters",
                detail: "Invalid: " + problems.map(\.name).joined(separator: ", "), invalidParams: problems)
    }
}
