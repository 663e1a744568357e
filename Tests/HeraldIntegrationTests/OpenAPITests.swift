import Foundation
import HeraldCore
import NIOHTTP1
import Testing

@Suite("The OpenAPI document")
struct OpenAPITests {
    @Test("GET /openapi.json needs no key, and every operation it documents is a route the API has")
    func documentMatchesRoutes() async throws {
        try await TestFleet.with { fleet in
            let reply = try await fleet.request(.GET, "/openapi.json", authorized: false)
            #expect(reply.status == 200)
            #expect(reply["openapi"] == .string("3.1.0"))
            let paths = reply["paths"]?.object ?? [:]
            #expect(paths.count >= 19)
            #expect(paths["/metrics"] == nil, "metrics are served on HERALD_METRICS_ADDRESS only")
            var operations = 0
            for (path, item) in paths {
                let concrete = path
                    .replacingOccurrences(of: "{id}", with: UUID().uuidString.lowercased())
                    .replacingOccurrences(of: "{name}", with: "welcome")
                    .replacingOccurrences(of: "{key}", with: "reminder-key")
                    .replacingOccurrences(of: "{stage}", with: "render")
                for method in ["get", "put", "post", "delete"] where item.object?[method] != nil {
                    operations += 1
                    let answer = try await fleet.request(
                        HTTPMethod(rawValue: method.uppercased()), concrete, body: "{}", as: fleet.operatorKey)
                    let noRoute = answer["type"] == .string("urn:herald:problem:http") && answer.status == 404
                    #expect(!noRoute, "\(method.uppercased()) \(path) is documented but not routed")
                    #expect(answer.status < 500, "\(method.uppercased()) \(path): \(answer.status)")
                }
            }
            #expect(operations >= 26)
            let metrics = try await fleet.request(.GET, "/metrics", authorized: false)
            #expect(metrics.status == 404, "the API listener serves no /metrics")
            let missing = try await fleet.request(.GET, "/v1/nothing-here", as: fleet.operatorKey)
            #expect(missing.status == 404 && missing["type"] == .string("urn:herald:problem:http"), "how an unrouted path answers")
        }
    }
}
