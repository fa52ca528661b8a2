import CivilTime
import Foundation
import GRDB

/// How the records of this database write and read their `Date` columns: GRDB's own text form, through
/// `DatabaseTimestamp` rather than GRDB's `DateFormatter` and `Calendar`, which reach ICU (issue 12). A value in
/// another form (none is written) still goes to GRDB's lenient reader.
enum StoredDates {
    static let encoding = DatabaseDateEncodingStrategy.custom { DatabaseTimestamp.text($0) }

    static let decoding = DatabaseDateDecodingStrategy.custom { value in
        if case .string(let text) = value.storage, let date = DatabaseTimestamp.date(text) { return date }
        return Date.fromDatabaseValue(value)
    }

    /// A date as an SQL argument, in the same form as the columns it is compared with.
    static func argument(_ date: Date?) -> String? {
        date.map(DatabaseTimestamp.text)
    }
}
