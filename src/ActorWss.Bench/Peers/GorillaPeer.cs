namespace ActorWss.Bench.Peers;

/// <summary>The Go peer (<c>Peers/gorilla/main.go</c>): an echo server on gorilla/websocket, built when a run needs it.</summary>
public static class GorillaPeer
{
    public const string Install = GoBuild.Install;

    /// <summary>Builds the peer if its binary is missing or older than its source; returns the binary's path.</summary>
    public static Task<string> BuildAsync(string repositoryRoot) =>
        GoBuild.BuildAsync(repositoryRoot, "gorilla", "actorwss-gorilla-peer", "the Go peer");
}
