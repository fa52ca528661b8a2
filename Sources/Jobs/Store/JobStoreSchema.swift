import GRDB

/// The queue's tables, built by migrations so that a newer agent opens an older board's database.
enum JobStoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: jobs and printer queues") { db in
            let states = PrintJobState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("serviceId", .text).notNull().indexed()
                t.column("queuedOrder", .integer).notNull().unique()
                t.column("name", .text).notNull()
                t.column("contentURI", .text).notNull()
                t.column("spoolPath", .text)
                t.column("contentServer", .text)
                t.column("contentId", .text)
                t.column("mediaType", .text)
                t.column("contentSize", .integer).check { $0 >= 0 }
                t.column("contentSHA256", .text)
                // The content server's token for this job: kept only until the content is in the spool.
                t.column("token", .text)
                t.column("bytesDownloaded", .integer).notNull().defaults(to: 0).check { $0 >= 0 }
                t.column("state", .text).notNull().check(sql: "state IN (\(states))")
                t.column("message", .text).notNull().defaults(to: "")
                t.column("totalLines", .integer).notNull().defaults(to: 0)
                t.column("confirmedLines", .integer).notNull().defaults(to: 0)
                t.column("lastConfirmedFileLine", .integer).notNull().defaults(to: 0)
                t.column("progress", .double).notNull().defaults(to: 0).check { $0 >= 0 && $0 <= 1 }
                t.column("createdAt", .datetime).notNull()
                t.column("startedAt", .datetime)
                t.column("finishedAt", .datetime)
            }
            try db.create(table: "printerQueue") { t in
                t.primaryKey("serviceId", .text)
                // Why the printer's queue waits for a person; NULL when it runs.
                t.column("holdReason", .text)
            }
        }
        return migrator
    }
}
