import HeraldCore
import Hummingbird
import NIOCore

extension Request {
    /// The body's bytes and JSON value; a body too large, not JSON, or holding a NUL character is refused with a
    /// problem naming which. An empty body reads as `emptyValue` when one is given.
    func json(upTo maxBodySize: Int, emptyValue: JSONValue? = nil) async throws -> ([UInt8], JSONValue) {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: maxBodySize)
        } catch is NIOTooManyBytesError {
            throw Problem.tooLarge(limit: maxBodySize)
        }
        let bytes = Array(buffer.readableBytesView)
        if bytes.isEmpty, let emptyValue { return (bytes, emptyValue) }
        return (bytes, try JSONValue.requestBody(bytes))
    }
}

extension JSONValue {
    /// A request body's JSON value; a body that is not JSON, or holds a NUL character, is refused with a problem
    /// naming which.
    static func requestBody(_ bytes: [UInt8]) throws -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw Problem(.badRequest, type: "malformed-json", title: "Malformed JSON",
                          detail: "the body is not valid JSON: \(error)",
                          invalidParams: [.init("body", "is not valid JSON")])
        }
        if let path = value.pathOfNUL() {
            throw Problem(.badRequest, type: "nul-character", title: "NUL character",
                          detail: "\(path) holds a NUL character (\\u0000), which Herald does not store",
                          invalidParams: [.init(path, "holds a NUL character")])
        }
        return value
    }
}
