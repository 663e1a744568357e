import HeraldCore
import Mustache

/// Bounds what one render of one template part may do, so that no template and no variables can make a renderer
/// build an enormous string: sections iterate at most `iterations` elements in all (fewer for a long template, whose
/// every iteration repeats more text), and values insert at most `valueBytes` bytes in all. What a render leaves out
/// for want of budget makes it fail, rather than produce a truncated message.
final class RenderBudget {
    private var iterations: Int
    private var valueBytes: Int
    private(set) var exceeded = false

    /// For a template part of `templateBytes` whose output may be at most `maxBytes`.
    init(templateBytes: Int, maxBytes: Int) {
        iterations = max(100, 8 * maxBytes / max(templateBytes, 1))
        valueBytes = 8 * maxBytes
    }

    func takeIteration() -> Bool {
        guard iterations > 0 else { exceeded = true; return false }
        iterations -= 1
        return true
    }

    func take(bytes: Int) -> Bool {
        guard valueBytes >= bytes else { exceeded = true; return false }
        valueBytes -= bytes
        return true
    }

    /// The variables as the template engine takes them, with arrays and strings drawing on this budget.
    func context(_ value: JSONValue) -> Any {
        switch value {
        case .null: Optional<String>.none as Any
        case .bool(let value): value
        case .int(let value): value
        case .double(let value): value
        case .string(let value): BudgetedText(text: value, budget: self)
        case .array(let value): BudgetedSequence(elements: value.map(context), budget: self)
        case .object(let value): value.mapValues(context)
        }
    }
}

/// An array whose iteration stops when the budget runs out.
struct BudgetedSequence: MustacheSequence {
    let elements: [Any]
    let budget: RenderBudget

    struct Iterator: IteratorProtocol {
        var base: IndexingIterator<[Any]>
        let budget: RenderBudget

        mutating func next() -> Any? {
            guard let element = base.next() else { return nil }
            return budget.takeIteration() ? element : nil
        }
    }

    func makeIterator() -> Iterator { Iterator(base: elements.makeIterator(), budget: budget) }
}

/// A string value that draws its length from the budget each time it is inserted.
struct BudgetedText: MustacheCustomRenderable, CustomStringConvertible {
    let text: String
    let budget: RenderBudget

    var renderText: String { budget.take(bytes: text.utf8.count) ? text : "" }
    var isNull: Bool { false }
    var description: String { renderText }
}
