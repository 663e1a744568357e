import HeraldIntake
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
