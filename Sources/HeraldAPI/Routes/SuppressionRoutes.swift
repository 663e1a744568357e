import HeraldIntake
import Foundation
import HeraldCore
import HeraldStore
import Hummingbird

/// `/v1/suppressions`: the addresses the tenant's messages must not reach. Entries come from recipients (a STOP
/// answered to an SMS) or from the tenant (`PUT`, reason `manual`); `DELETE` lets messages reach the address again.
/// A message to a suppressed address ends `suppressed` when it is claimed for sending.
extension APIHandlers {
    func addSuppressionRoutes(to group: RouterGroup<HeraldRequestContext>) {
        group.get("suppressions", use: listSuppressions)
        group.put("suppressions/:channel/:address", use: putSuppression)
        group.delete("suppressions/:channel/:address", use: deleteSuppression)
        group.get("deliverability", use: getDeliverability)
    }

    /// The tenant's last 24 hours of email: sent, hard bounces, complaints, their rates (of sent), and suppressions
    /// added by reason. Mailbox providers act on a complaint rate of 0.3% and more.
    func getDeliverability(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let summary = try await suppressions.deliverability(tenantID: try context.authenticated().tenantID, period: .seconds(86_400))
        func rate(_ count: Int) -> JSONValue { .double(summary.sent == 0 ? 0 : Double(count) / Double(summary.sent)) }
        return json(.ok, .object([
            "period_hours": .int(24), "sent": .int(Int64(summary.sent)), "hard_bounces": .int(Int64(summary.hardBounces)),
            "complaints": .int(Int64(summary.complaints)), "bounce_rate": rate(summary.hardBounces),
            "complaint_rate": rate(summary.complaints),
            "suppressions": .object(Dictionary(uniqueKeysWithValues: Suppression.Reason.allCases.map {
                ($0.rawValue, JSONValue.int(Int64(summary.suppressions[$0] ?? 0)))
            })),
        ]))
    }

    func listSuppressions(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        var filter = SuppressionFilter()
        var problems = Self.readQuery(request.uri.queryParameters, allowed: ["channel", "address", "reason", "limit", "cursor"]) {
            name, value, problems in
            switch name {
            case "channel":
                filter.channel = MessageChannel(rawValue: value)
                if filter.channel == nil { problems.append(.init(name, "must be email or sms")) }
            case "reason":
                filter.reason = Suppression.Reason(rawValue: value)
                if filter.reason == nil {
                    problems.append(.init(name, "must be one of " + Suppression.Reason.allCases.map(\.rawValue).joined(separator: ", ")))
                }
            case "address":
                filter.address = value
            default:  // limit, cursor
                Self.readPage(name, value, limit: &filter.limit, after: &filter.after, problems: &problems)
            }
        }
        if let address = filter.address {
            // The listing finds what PUT stored: the same normalization, for the channel given or either.
            let channels = filter.channel.map { [$0] } ?? MessageChannel.allCases
            guard let normalized = channels.lazy.compactMap({ Suppression.normalized(address, channel: $0) }).first else {
                problems.append(.init("address", "is neither an email address nor an E.164 number"))
                throw Self.badQuery(problems)
            }
            filter.address = normalized
        }
        guard problems.isEmpty else { throw Self.badQuery(problems) }
        let (entries, next) = try await suppressions.list(filter, tenantID: try context.authenticated().tenantID)
        return json(.ok, .object([
            "suppressions": .array(entries.map(Self.suppressionJSON)),
            "next_cursor": next.map { .string($0.cursor) } ?? .null,
        ]))
    }

    func putSuppression(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (channel, address) = try suppressionTarget(context)
        let body = try await request.json(upTo: maxBodySize, emptyValue: .object([:])).1
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(body, allowed: ["category", "note"], problems: &problems)
        let category = reader.string("category", required: false, maxLength: 100, problems: &problems)
        if let category, category.isEmpty { problems.append(.init("category", "must not be empty (leave it out for all categories)")) }
        let note = reader.string("note", required: false, maxLength: 500, problems: &problems)
        guard problems.isEmpty else { throw Problem.validation(problems) }
        let entry = try await suppressions.suppress(
            tenantID: try context.authenticated().tenantID, channel: channel, address: address, reason: .manual,
            category: category, messageID: nil, note: note, expiresAt: nil)
        return json(.ok, Self.suppressionJSON(entry))
    }

    func deleteSuppression(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (channel, address) = try suppressionTarget(context)
        guard try await suppressions.remove(tenantID: try context.authenticated().tenantID, channel: channel, address: address) > 0
        else { throw Problem.notFound("the address is not on the \(channel.rawValue) suppression list") }
        return Response(status: .noContent)
    }

    /// The channel and normalized address of the path; a bad one is a 404 naming which.
    func suppressionTarget(_ context: HeraldRequestContext) throws -> (MessageChannel, String) {
        let rawChannel = context.parameters.get("channel") ?? ""
        guard let channel = MessageChannel(rawValue: rawChannel) else {
            throw Problem.notFound("'\(rawChannel.prefix(20))' is not a channel (email or sms)")
        }
        let raw = context.parameters.get("address") ?? ""
        guard let decoded = raw.removingPercentEncoding, let address = Suppression.normalized(decoded, channel: channel) else {
            throw Problem.notFound(channel == .email ? "the address is not an email address" : "the address is not an E.164 number")
        }
        return (channel, address)
    }

    static func suppressionJSON(_ entry: Suppression) -> JSONValue {
        .object([
            "channel": .string(entry.channel.rawValue), "address": .string(entry.address),
            "reason": .string(entry.reason.rawValue), "category": entry.category.map(JSONValue.string) ?? .null,
            "message_id": entry.messageID.map { .string($0.lowercased) } ?? .null,
            "note": entry.note.map(JSONValue.string) ?? .null,
            "created_at": .string(Timestamp.string(entry.createdAt)),
            "expires_at": entry.expiresAt.map { .string(Timestamp.string($0)) } ?? .null,
        ])
    }
}
