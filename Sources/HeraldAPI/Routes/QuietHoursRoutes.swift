import HeraldIntake
import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `/v1/quiet-hours`: the hours of the day, per channel, in which the tenant's messages wait, in each recipient's
/// own time zone (`{"sms": {"start": "21:00", "end": "08:00"}}`). PUT replaces them all (a channel left out has
/// none), GET shows them, DELETE removes them.
extension APIHandlers {
    func addQuietHoursRoutes(to group: RouterGroup<HeraldRequestContext>) {
        group.get("quiet-hours") { _, context in
            let hours = try await intake.quietHours.get(tenantID: try context.authenticated().tenantID)
            return json(.ok, Self.quietHoursJSON(hours))
        }
        group.put("quiet-hours", use: putQuietHours)
        group.delete("quiet-hours") { _, context in
            _ = try await intake.quietHours.delete(tenantID: try context.authenticated().tenantID)
            return Response(status: .noContent)
        }
    }

    func putQuietHours(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await readJSON(request)
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(body, allowed: Set(MessageChannel.allCases.map(\.rawValue)), problems: &problems)
        var hours: [MessageChannel: QuietHours] = [:]
        for channel in MessageChannel.allCases {
            guard let window = reader.object(channel.rawValue, problems: &problems) else { continue }
            let fields = FieldReader(window, path: channel.rawValue, allowed: ["start", "end"], problems: &problems)
            guard let start = fields.string("start", required: true, maxLength: 5, problems: &problems),
                  let end = fields.string("end", required: true, maxLength: 5, problems: &problems)
            else { continue }
            do {
                hours[channel] = try QuietHours(start: start, end: end)
            } catch {
                problems.append(.init(channel.rawValue, error.description))
            }
        }
        guard problems.isEmpty else { throw Problem.validation(problems) }
        try await intake.quietHours.put(hours, tenantID: try context.authenticated().tenantID)
        return json(.ok, Self.quietHoursJSON(hours))
    }

    static func quietHoursJSON(_ hours: [MessageChannel: QuietHours]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: hours.map { channel, window in
            (channel.rawValue, JSONValue.object(["start": .string(window.startText), "end": .string(window.endText)]))
        }))
    }
}
