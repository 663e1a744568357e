import HeraldIntake
import Foundation
import HeraldCore
import HeraldProviders
import HeraldRuntime
import HeraldStore
import Hummingbird

/// `/v1/callback`: where the tenant's delivery-status callbacks go, and the secret that signs them.
extension APIHandlers {
    func addCallbackRoutes(to group: RouterGroup<HeraldRequestContext>) {
        group.put("callback", use: putCallback)
        group.get("callback", use: getCallback)
        group.delete("callback", use: deleteCallback)
    }

    func putCallback(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let body = try await readJSON(request)
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(body, allowed: ["url", "secret"], problems: &problems)
        let url = reader.string("url", required: true, maxLength: 2000, problems: &problems)
        if let url {
            do {
                _ = try await callbackAddresses.check(url)
            } catch {
                problems.append(.init("url", error.description))
            }
        }
        let secret = reader.string("secret", required: true, maxLength: 200, problems: &problems)
        if let secret, secret.count < 16 {
            problems.append(.init("secret", "must be at least 16 characters, to sign callbacks with"))
        }
        guard problems.isEmpty, let url, let secret else { throw Problem.validation(problems) }
        try await tenants.setCallback(tenantID: try context.authenticated().tenantID, url: url, secret: secret)
        return json(.ok, .object(["url": .string(url)]))
    }

    func getCallback(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        guard let url = try await tenants.get(try context.authenticated().tenantID)?.callbackURL else {
            throw Problem.notFound("no callback is set; set one with PUT /v1/callback")
        }
        return json(.ok, .object(["url": .string(url)]))
    }

    func deleteCallback(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        guard try await tenants.removeCallback(tenantID: try context.authenticated().tenantID) else {
            throw Problem.notFound("no callback is set")
        }
        return Response(status: .noContent)
    }
}
