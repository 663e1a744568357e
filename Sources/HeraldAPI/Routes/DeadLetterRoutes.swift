import HeraldIntake
import HeraldPipeline
import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import Hummingbird

/// `/v1/dead-letters`: jobs that failed for good, listed without consuming them, replayed or discarded. They hold
/// every tenant's jobs, so only operator keys reach them.
struct DeadLetterRoutes: Sendable {
    let desk: any DeadLetterQueues
    let maxBodySize: Int

    static let maxListed = 1000
    static let maxReplayed = 10_000

    func add(to group: RouterGroup<HeraldRequestContext>) {
        group.get("dead-letters", use: list)
        group.post("dead-letters/:stage/replay", use: replay)
        group.delete("dead-letters/:stage", use: purge)
    }

    /// `GET /v1/dead-letters?stage=&limit=`: up to `limit` (default 100) per stage, every stage unless one is named.
    func list(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        _ = try context.authenticatedOperator()
        var problems: [Problem.InvalidParam] = []
        let query = request.uri.queryParameters
        var stages = Stage.allCases
        if let raw = query["stage"].map(String.init) {
            if let stage = Stage(rawValue: raw) { stages = [stage] } else { problems.append(Self.unknownStage("stage", raw)) }
        }
        var limit = 100
        if let raw = query["limit"].map(String.init) {
            if let value = Int(raw), (1...Self.maxListed).contains(value) {
                limit = value
            } else {
                problems.append(.init("limit", "must be a whole number from 1 to \(Self.maxListed)"))
            }
        }
        guard problems.isEmpty else { throw Problem.validation(problems) }
        var listed: [JSONValue] = []
        for stage in stages {
            listed += try await desk.list(stage, limit: limit).map(Self.letterJSON)
        }
        return json(.ok, .object(["dead_letters": .array(listed)]))
    }

    /// `POST /v1/dead-letters/{stage}/replay`, with an optional body `{"message_ids": [...], "error_contains": "...",
    /// "limit": n}`: without one, the stage's dead letters go back (up to 1,000 looked at per call).
    func replay(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        _ = try context.authenticatedOperator()
        let stage = try stage(context)
        let (_, body) = try await request.json(upTo: maxBodySize, emptyValue: .object([:]))
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(body, allowed: ["message_ids", "error_contains", "limit"], problems: &problems)
        let errorContains = reader.string("error_contains", maxLength: 1000, problems: &problems)
        let limit = reader.integer("limit", problems: &problems) ?? 1000
        if !(1...Self.maxReplayed).contains(limit) {
            problems.append(.init("limit", "must be from 1 to \(Self.maxReplayed)"))
        }
        var ids: Set<UUID>?
        if let raw = body.object?["message_ids"], raw != .null {
            let parsed = (raw.array ?? []).map { $0.string.flatMap(UUID.init(uuidString:)) }
            if let bad = parsed.firstIndex(of: nil) {
                problems.append(.init("message_ids[\(bad)]", "must be a message id (a UUID)"))
            } else if parsed.isEmpty || parsed.count > Self.maxReplayed {
                problems.append(.init("message_ids", "must be an array of 1 to \(Self.maxReplayed) message ids"))
            } else {
                ids = Set(parsed.compactMap { $0 })
            }
        }
        guard problems.isEmpty else { throw Problem.validation(problems) }
        let report = try await desk.replay(
            stage, selection: .init(messageIDs: ids, errorContains: errorContains), limit: limit)
        return json(.ok, .object([
            "stage": .string(stage.rawValue), "examined": .int(Int64(report.examined)),
            "replayed_jobs": .int(Int64(report.replayedJobs)), "replayed_messages": .int(Int64(report.replayedMessages)),
            "revived_messages": .int(Int64(report.revivedMessages)), "left": .int(Int64(report.left)),
        ]))
    }

    /// `DELETE /v1/dead-letters/{stage}`: discards them all (their messages stay `dead`).
    func purge(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        _ = try context.authenticatedOperator()
        let stage = try stage(context)
        let purged = try await desk.purge(stage)
        return json(.ok, .object(["stage": .string(stage.rawValue), "purged": .int(Int64(purged))]))
    }

    private func stage(_ context: HeraldRequestContext) throws -> Stage {
        let raw = context.parameters.get("stage") ?? ""
        guard let stage = Stage(rawValue: raw) else {
            throw Problem.notFound("no stage '\(raw)': one of \(Stage.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return stage
    }

    static func unknownStage(_ name: String, _ raw: String) -> Problem.InvalidParam {
        .init(name, "must be one of \(Stage.allCases.map(\.rawValue).joined(separator: ", ")), got '\(raw.prefix(100))'")
    }

    static func letterJSON(_ letter: DeadLetter) -> JSONValue {
        var object: [String: JSONValue] = [
            "stage": .string(letter.stage.rawValue),
            "message_ids": .array(letter.messageIDs.map { .string($0.uuidString.lowercased()) }),
            "attempts": .int(Int64(letter.attempts)),
            "error": letter.error.map(JSONValue.string) ?? .null,
        ]
        object["failed_at"] = letter.failedAt.map { .string(Timestamp.string($0)) } ?? .null
        return .object(object)
    }
}
