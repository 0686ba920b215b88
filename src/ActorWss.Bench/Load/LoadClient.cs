namespace ActorWss.Bench.Load;

/// <summary>Which program generates the closed-loop load of an echo case.</summary>
public enum LoadClient
{
    /// <summary>This bench's own .NET connections (<see cref="LoadGenerator"/>).</summary>
    Dotnet,

    /// <summary>The Go program on gorilla/websocket (<see cref="GorillaLoadGenerator"/>), driven by this bench.</summary>
    Go,
}

public static class LoadClients
{
    /// <summary>The client named on the command line; go only where it can be built (an argument error otherwise).</summary>
    public static LoadClient Parse(string text) => text switch
    {
        "dotnet" => LoadClient.Dotnet,
        "go" when Peers.GorillaClient.Available => LoadClient.Go,
        "go" => throw new ArgumentException($"--client go needs Go and Debian's gorilla/websocket: {Peers.GorillaPeer.Install}"),
        _ => throw new ArgumentException($"--client: '{text}' is neither dotnet nor go"),
    };

    public static string Name(this LoadClient client) => client == LoadClient.Go ? "go" : "dotnet";

    /// <summary>For the report: what generated the load.</summary>
    public static string Describe(string? name) => name switch
    {
        "go" => "Go, gorilla/websocket: one goroutine per connection (a writer and a reader when pipelined), driven by the bench",
        _ => ".NET: the bench's own connections, on the thread pool",
    };
}
