namespace ActorWss.Bench.Matrix;

/// <summary>Where the matrix finds the server, its configuration and the Go peer's source, and writes its report: the repository it runs in.</summary>
public sealed record RepositoryPaths(string Root)
{
    public string Config => Path.Combine(Root, "config", "actorwss.conf");

    public string Docs => Path.Combine(Root, "docs");

    /// <summary>
    /// The server binary in its own build output (built with this bench, same configuration). Not the copy next to
    /// the bench: that folder resolves the bench's ASP.NET Core framework, which the server's runtimeconfig lacks.
    /// </summary>
    public string ServerDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}",
                StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(Root, "src", "ActorWss.Server", "bin", configuration, "net10.0", "ActorWss.Server.dll");
        }
    }

    public static RepositoryPaths Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ActorWss.sln"))) return new RepositoryPaths(dir.FullName);
        }
        throw new InvalidOperationException("run the matrix inside the ActorWss repository (ActorWss.sln not found)");
    }
}
