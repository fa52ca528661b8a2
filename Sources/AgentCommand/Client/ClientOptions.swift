import ArgumentParser

/// Where the agent is and how to print what it says; every verb has these.
struct AgentOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The agent's address (default: $THREEDP_AGENT_URL, else http://127.0.0.1:8631).", valueName: "URL"))
    var url: String?

    @Flag(name: .long, help: "Print the agent's JSON (one compact object per line) instead of readable lines.")
    var json = false
}

/// Which printer of the agent a verb is about.
struct PrinterOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The printer's serviceId (default: the agent's only printer; `client discover` lists them).", valueName: "ID"))
    var printer: String?
}
