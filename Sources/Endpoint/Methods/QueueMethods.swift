import Jobs
import ThreeDPProtocol

/// `queue.list`, `queue.remove` and `print.pause` / `print.resume` / `print.stop` (3D-HSF-06, 7.2.5): queue entries
/// by job id, or the current job of a printer by its serviceId.
enum QueueMethods {
    static func register(into table: inout MethodTable, context: EndpointContext) {
        table.register("queue.list") { request, _ in
            try request.allowingOnly(["serviceId", "include"])
            let include = try request.optionalString("include") ?? "active"
            guard ["active", "finished", "all"].contains(include) else {
                throw JSONRPCError.invalidParams("parameter \"include\" must be \"active\", \"finished\" or \"all\"")
            }
            let services = request.params["serviceId"] == nil ? context.fleet.services : [try context.service(request)]
            var jobs: [JSONValue] = []
            for service in services {
                let listed = await service.jobs(includeActive: include != "finished", includeFinished: include != "active")
                if case .array(let entries) = JobView.queue(listed) { jobs.append(contentsOf: entries) }
            }
            return .object(["jobs": .array(jobs)])
        }

        table.register("history.list") { request, _ in
            try request.allowingOnly(["serviceId", "limit"])
            let limit = try request.optionalInt("limit", in: 1...500) ?? 50
            let serviceId = request.params["serviceId"] == nil ? nil : try context.service(request).serviceId
            let jobs: [PrintJob]
            do throws(PrinterServiceError) {
                jobs = try await context.fleet.history(serviceId: serviceId, limit: limit)
            } catch {
                throw JSONRPCError.from(error)
            }
            return .object(["jobs": .array(jobs.map { JobView.json($0, order: 0) })])
        }

        // A person clears a job out of the queue and the history with its files: an interrupted job whose G-code
        // nobody will restart, a failed one, or one still waiting. The job on the printer is print.stop's.
        table.register("queue.remove") { request, _ in
            try request.allowingOnly(["serviceId", "jobId"])
            let service = try context.service(request)
            let jobId = try request.string("jobId")
            let removed: PrintJob
            do throws(PrinterServiceError) {
                removed = try await service.remove(jobId: jobId)
            } catch {
                throw JSONRPCError.from(error)
            }
            return .object(["job": JobView.json(removed, order: 0), "queue": JobView.queue(await service.jobs())])
        }

        register("print.pause", into: &table, context: context) { (service, jobId) throws(PrinterServiceError) -> PrintJob? in
            try await service.pause(jobId: jobId)
        }
        register("print.resume", into: &table, context: context) { (service, jobId) throws(PrinterServiceError) -> PrintJob? in
            try await service.resume(jobId: jobId)
        }
        register("print.stop", into: &table, context: context) { (service, jobId) throws(PrinterServiceError) -> PrintJob? in
            try await service.stop(jobId: jobId)
        }
    }

    /// The three job actions share their addressing and their answer: the job acted on and its printer's queue.
    private static func register(_ method: String, into table: inout MethodTable, context: EndpointContext,
                                 _ act: @escaping @Sendable (PrinterService, String?) async throws(PrinterServiceError) -> PrintJob?) {
        table.register(method) { request, _ in
            try request.allowingOnly(["jobId", "serviceId"])
            let jobId = try request.optionalString("jobId")
            if jobId != nil, request.params["serviceId"] != nil {
                throw JSONRPCError.invalidParams("\(method) takes \"jobId\" or \"serviceId\", not both")
            }
            let service: PrinterService
            if request.params["serviceId"] != nil {
                service = try context.service(request)
            } else if let jobId {
                guard let owner = await owner(of: jobId, in: context.fleet) else {
                    throw JSONRPCError(tableCode: JSONRPCError.jobNotFoundCode, data: .string("no job \(jobId) in the queue"))
                }
                service = owner
            } else {
                throw JSONRPCError.invalidParams("\(method) needs \"jobId\" or \"serviceId\"")
            }
            let job: PrintJob?
            do throws(PrinterServiceError) {
                job = try await act(service, jobId)
            } catch {
                throw JSONRPCError.from(error)
            }
            let order = job == nil ? 0 : await service.order(of: job!.id)
            return .object([
                "job": job.map { JobView.json($0, order: order) } ?? .null,
                "queue": JobView.queue(await service.jobs()),
            ])
        }
    }

    static func owner(of jobId: String, in fleet: PrinterFleet) async -> PrinterService? {
        for service in fleet.services where await service.job(jobId) != nil { return service }
        return nil
    }
}
