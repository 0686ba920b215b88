using ActorWss.Bench.Model;

namespace ActorWss.Bench.Matrix;

/// <summary>What the report says about the code and the crypto a run measured.</summary>
public static class RunEnvironmentProbe
{
    public static RunEnvironment Current(RepositoryPaths paths, BenchCertificate certificate) => new(
        MachineDescription.Current(),
        GitSha(paths.Root),
        ChildProcess.FirstLine("openssl", "version") ?? "unknown (no openssl command)",
        certificate.Description,
        ChildProcess.FirstLine("go", "version"));

    private static string GitSha(string root)
    {
        var sha = ChildProcess.FirstLine("git", "-C", root, "rev-parse", "HEAD") ?? "unknown";
        // The report and results under docs/ are what a run writes: they do not make the code measured dirty.
        var status = ChildProcess.FirstLine("git", "-C", root, "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs");
        return string.IsNullOrEmpty(status) ? sha : sha + "-dirty";
    }
}
