namespace ActorWss.Bench.Peers;

/// <summary>
/// The Go load generator (<c>Peers/gorilla-client/main.go</c>): the closed loop of <c>run</c> on gorilla/websocket,
/// built when a run needs it.
/// </summary>
public static class GorillaClient
{
    /// <summary>Whether it can be built here.</summary>
    public static bool Available => GoBuild.Available;

    /// <summary>Builds the client if its binary is missing or older than its source; returns the binary's path.</summary>
    public static Task<string> BuildAsync(string repositoryRoot) =>
        GoBuild.BuildAsync(repositoryRoot, "gorilla-client", "actorwss-gorilla-client", "the Go load generator");
}
