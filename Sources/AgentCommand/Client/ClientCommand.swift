import ArgumentParser

/// `3dp-agent client <verb>`: a reference Manager speaking 3DP-1 to an agent, for people at a terminal and for
/// scripts (`--json`).
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Talk to an agent over 3DP-1 the way a Manager does.",
        discussion: """
            Pair once per agent (`client pair`); the access token is kept per agent URL in \
            $XDG_CONFIG_HOME/3dp-agent/client.json (else ~/.config/3dp-agent/client.json), readable only by you. \
            The agent URL comes from --url, else $THREEDP_AGENT_URL, else http://127.0.0.1:8631. \
            Exit status: 0 done, 1 the agent refused (or this client is not paired with it), 2 the agent cannot be \
            reached or the request cannot be made as given.
            """,
        subcommands: [
            DiscoverVerb.self, PairVerb.self, InfoVerb.self, AttributesVerb.self, StatusVerb.self, WatchVerb.self,
            QueueVerb.self, ServersVerb.self, StartVerb.self, PauseVerb.self, ResumeVerb.self, StopVerb.self, RemoveVerb.self,
            GCodeVerb.self,
        ]
    )
}
