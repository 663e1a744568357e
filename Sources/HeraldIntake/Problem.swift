import Foundation
package import HeraldCore
package import HTTPTypes

/// An RFC 9457 problem: why a request was refused, whichever way it came. The API answers it as
/// `application/problem+json`; the intake queue publishes it to `herald.intake.refused` with its status and type in
/// headers.
package struct Problem: Error, Sendable {
    package struct InvalidParam: Sendable, Equatable {
        /// The field, as a path into the request body (`messages[3].to.email`) or a header name.
        package var name: String
        package var reason: String

        package init(_ name: String, _ reason: String) {
            self.name = name
            self.reason = reason
        }
    }

    package var status: HTTPResponse.Status
    package var type: String
    package var title: String
    package var detail: String
    package var invalidParams: [InvalidParam]
    package var headers: HTTPFields

    package init(
        _ status: HTTPResponse.Status, type: String, title: String, detail: String,
        invalidParams: [InvalidParam] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.type = "urn:herald:problem:\(type)"
        self.title = title
        self.detail = detail
        self.invalidParams = invalidParams
        self.headers = headers
    }

    package static func validation(_ params: [InvalidParam]) -> Problem {
        let names = params.map(\.name).joined(separator: ", ")
        return Problem(
            .unprocessableContent, type: "validation", title: "The request has invalid fields",
            detail: "Invalid: \(names)", invalidParams: params)
    }

    /// A request body over the API's limit (over HTTP, or published onto the intake queue).
    package static func tooLarge(limit: Int) -> Problem {
        Problem(.contentTooLarge, type: "too-large", title: "Request body too large",
                detail: "the body is larger than \(limit) bytes")
    }

    /// A request without an active API key.
    package static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, type: "unauthorized", title: "Unauthorized", detail: detail,
                headers: [.wwwAuthenticate: "Bearer"])
    }

    package static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, type: "not-found", title: "Not found", detail: detail)
    }

    package var json: JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(type), "title": .string(title), "status": .int(Int64(status.code)), "detail": .string(detail),
        ]
        if !invalidParams.isEmpty {
            object["invalid-params"] = .array(invalidParams.map { .object(["name": .string($0.name), "reason": .string($0.reason)]) })
        }
        return .object(object)
    }
}
